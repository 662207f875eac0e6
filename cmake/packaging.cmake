# The Debian package bcp-wall_<version>_amd64.deb (scripts/package runs cpack -G DEB).
# What goes where, as a Debian administrator expects it:
#   /usr/bin/                  bcp-feedd, bcp-wall, bcpctl, bcp-sim
#   /lib/systemd/system/       bcp-feedd.service, bcp-wall@.service (from docs/)
#   /etc/bcp/                  town.json, roster.json, layouts/, the sample LINE WORKS key —
#                              conffiles the units read
#   /usr/share/doc/bcp-wall/   the sample town (sample-town/), copyright, changelog
# The maintainer scripts (packaging/deb) create the system user "bcp" owning /var/lib/bcp-feedd.
# Installing builds nothing beyond the four programs (CMAKE_SKIP_INSTALL_ALL_DEPENDENCY):
# cpack from a build/ configured with the tests does not compile the test suites.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(bcp_programs bcp-feedd bcpctl bcp-sim)
if(BCP_BUILD_DISPLAY)
  list(APPEND bcp_programs bcp-wall)
endif()
install(TARGETS ${bcp_programs} RUNTIME DESTINATION /usr/bin)
install(FILES docs/bcp-feedd.service docs/bcp-wall@.service DESTINATION /lib/systemd/system)
# The sample town's LINE WORKS key is public sample material like its other secrets; town.json
# names it (lineworks_api.private_key_file), so it goes along.
install(FILES config/sample-town/town.json config/sample-town/roster.json
  config/sample-town/lineworks-private-key.pem DESTINATION /etc/bcp)
install(DIRECTORY config/sample-town/layouts DESTINATION /etc/bcp)
install(DIRECTORY config/sample-town/ DESTINATION /usr/share/doc/bcp-wall/sample-town)
install(FILES packaging/deb/copyright DESTINATION /usr/share/doc/bcp-wall)
# A native package's changelog is changelog.gz (lintian), gzipped -n (same bytes every build);
# made at configure time, so cpack needs no extra target built.
set(bcp_changelog ${CMAKE_BINARY_DIR}/packaging/changelog.gz)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS packaging/deb/changelog.Debian)
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/packaging)
execute_process(COMMAND gzip -9n
  INPUT_FILE ${CMAKE_SOURCE_DIR}/packaging/deb/changelog.Debian
  OUTPUT_FILE ${bcp_changelog} COMMAND_ERROR_IS_FATAL ANY)
install(FILES ${bcp_changelog} DESTINATION /usr/share/doc/bcp-wall)

# Every file under /etc/bcp is a conffile: dpkg -r keeps the town's edits, dpkg -P removes them.
set(bcp_conffiles ${CMAKE_BINARY_DIR}/packaging/conffiles)
file(GLOB bcp_layouts RELATIVE ${CMAKE_SOURCE_DIR}/config/sample-town
  ${CMAKE_SOURCE_DIR}/config/sample-town/layouts/*.json)
set(bcp_conffile_list /etc/bcp/town.json /etc/bcp/roster.json /etc/bcp/lineworks-private-key.pem)
foreach(layout IN LISTS bcp_layouts)
  list(APPEND bcp_conffile_list /etc/bcp/${layout})
endforeach()
list(JOIN bcp_conffile_list "\n" bcp_conffile_text)
file(WRITE ${bcp_conffiles} "${bcp_conffile_text}\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME bcp-wall)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "BCP Wall maintainers <maintainers@users.noreply.r-seed-827e96e2.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "operations-room wall for a town's disaster response")
# Extended description lines stay under 80 columns (lintian).
set(CPACK_PACKAGE_DESCRIPTION [=[BCP Wall puts one shared picture of a disaster or a drill on the
monitors of a town hall's operations room: the staff's LINE WORKS talk,
the safety roll call, who is available and the alerts, with drills
marked as such.
.
bcp-feedd receives and journals the messages and streams them; bcp-wall
draws the full-screen wall; bcpctl is the operator's tool; bcp-sim plays
drill scenarios.]=])
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.invalid/bcp-wall")
# Library dependencies computed from the binaries by dpkg-shlibdeps; the rest named here:
# adduser for postinst, the CJK font bcp-wall draws with (its path is compiled in).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, fonts-noto-cjk")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_SOURCE_DIR}/packaging/deb/postinst
  ${CMAKE_SOURCE_DIR}/packaging/deb/postrm
  ${bcp_conffiles})
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
