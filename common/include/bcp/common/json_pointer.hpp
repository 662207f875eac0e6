// RFC 6901 JSON pointers, as the config loader and the codecs name the value an error is
// about ("/sender/name", "/groups/2/id", "/a~1b" for the key "a/b").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bcp::common {

// `key` as one reference token: "~" becomes "~0" and "/" becomes "~1".
std::string pointer_token(std::string_view key);

// The pointer of member `key` / element `index` of the value at `parent` ("" is the root).
std::string child_pointer(std::string_view parent, std::string_view key);
std::string child_pointer(std::string_view parent, std::size_t index);

}  // namespace bcp::common
