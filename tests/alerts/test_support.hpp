// Test data access: public corpus from BCP_TESTDATA_DIR (never copied into the repo) and
// our own fixtures.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace bcp::alerts::test {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::filesystem::path testdata(const std::string& sub) {
  return std::filesystem::path(BCP_TESTDATA_DIR) / sub;
}

inline std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(BCP_SOURCE_DIR) / "tests/alerts/fixtures" / name;
}

// File names of a corpus directory, sorted; empty when the directory is absent.
inline std::vector<std::string> listing(const std::string& sub) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(testdata(sub), ec))
    if (e.is_regular_file()) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

#define BCP_REQUIRE_TESTDATA(sub)                                                            \
  do {                                                                                       \
    if (!std::filesystem::is_directory(::bcp::alerts::test::testdata(sub)))                  \
      GTEST_SKIP() << "public test data not found at " << ::bcp::alerts::test::testdata(sub) \
                   << " (expected ../shared/testdata beside the checkout)";                  \
  } while (0)

// Parameters for a corpus suite: one per file, or one "(absent)" so that the suite can skip
// with a message instead of silently running nothing.
inline std::vector<std::string> corpus_params(const std::string& sub) {
  auto names = listing(sub);
  if (names.empty()) names.push_back("(absent)");
  return names;
}

// gtest parameter names allow only [A-Za-z0-9_]: file names map onto that.
inline std::string file_param_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

}  // namespace bcp::alerts::test
