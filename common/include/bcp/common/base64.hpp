// RFC 4648 base64 (standard alphabet, padded), through OpenSSL's EVP_EncodeBlock.
#pragma once

#include <string>
#include <string_view>

namespace bcp::common {

// "" for "", "Zm9v" for "foo", "Zm9vYg==" for "foob"; no line breaks however long.
std::string base64_encode(std::string_view bytes);

}  // namespace bcp::common
