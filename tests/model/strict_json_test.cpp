// parse_strict_json, the one parser for JSON from outside (issue 12, classes 2, 3 and 9):
// duplicate keys however escaped, nesting beyond the bound, numbers beyond double's range,
// and error messages that stay short whatever the input.
#include "bcp/model/strict_json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bcp::model {
namespace {

using nlohmann::json;

std::string error_of(std::string_view text) {
  StrictJson parsed = parse_strict_json(text);
  EXPECT_FALSE(parsed.value) << text.substr(0, 200);
  return parsed.error;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string nested_arrays(std::size_t depth, std::string_view inner = "1") {
  return std::string(depth, '[') + std::string(inner) + std::string(depth, ']');
}

std::string nested_objects(std::size_t depth) {
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += R"({"a":)";
  text += "1";
  text += std::string(depth, '}');
  return text;
}

TEST(StrictJson, AcceptsWhatTheProtocolSends) {
  StrictJson parsed = parse_strict_json(
      R"({"group":"hq","sender":{"id":"s001","name":"村田"},"text":"了解","attachments":[{"kind":"location","lat":43.06,"lon":141.35}],"n":-3,"u":18446744073709551615,"ok":true,"none":null})");
  ASSERT_TRUE(parsed.value) << parsed.error;
  EXPECT_EQ((*parsed.value)["sender"]["name"], "村田");
  EXPECT_EQ((*parsed.value)["attachments"][0]["lon"], 141.35);
  EXPECT_EQ((*parsed.value)["u"].get<std::uint64_t>(), 18446744073709551615u);
  EXPECT_EQ((*parsed.value)["n"], -3);
  // Scalars and empty containers at the top are JSON too; the routes want objects themselves.
  for (std::string_view text : {"1", "\"x\"", "null", "[]", "{}", " {} "}) {
    EXPECT_TRUE(parse_strict_json(text).value) << text;
  }
  // The same key in different objects is no duplicate.
  EXPECT_TRUE(parse_strict_json(R"({"a":{"id":1},"b":{"id":2},"c":[{"id":1},{"id":2}]})").value);
}

TEST(StrictJson, DuplicateKeysAreRefusedAtEveryLevelAndInEveryEscape) {
  struct Case {
    std::string_view text;
    std::string_view pointer;  // where the second key is
  };
  for (const Case& c : {
           Case{R"({"level":"B","level":"C"})", "/:"},
           Case{R"({"level":"C","level":"B"})", "/:"},
           Case{R"({"group":"hq","text":"x","group":"jinji"})", "/:"},
           Case{R"({"lev\u0065l":"B","level":"C"})", "/:"},
           Case{R"({"level":"B","\u006c\u0065\u0076\u0065\u006c":"C"})", "/:"},
           Case{R"({"sender":{"id":"s001","id":"s002"}})", "/sender:"},
           Case{R"({"attachments":[{"kind":"file"},{"kind":"file","kind":"image"}]})",
                "/attachments/1:"},
           Case{R"({"a/b":{"x~y":{"k":1,"k":2}}})", "/a~1b/x~0y:"},
           Case{R"([{"location":{"lat":1,"lat":2}}])", "/0/location:"},
       }) {
    const std::string error = error_of(c.text);
    EXPECT_TRUE(contains(error, "duplicate key")) << c.text << " -> " << error;
    EXPECT_EQ(error.rfind(c.pointer, 0), 0u) << c.text << " -> " << error;
  }
  EXPECT_EQ(error_of(R"({"level":"B","lev\u0065l":"C"})"), "/: duplicate key \"level\"");
}

TEST(StrictJson, NestingIsBoundedAndNeverOverflowsTheStack) {
  EXPECT_TRUE(parse_strict_json(nested_arrays(kMaxJsonDepth)).value);
  EXPECT_TRUE(parse_strict_json(nested_objects(kMaxJsonDepth)).value);
  EXPECT_TRUE(contains(error_of(nested_arrays(kMaxJsonDepth + 1)), "nested too deeply"));
  EXPECT_TRUE(contains(error_of(nested_objects(kMaxJsonDepth + 1)), "nested too deeply"));
  // Hundreds of thousands deep, as a 1 MiB body can be: refused at once, message short.
  for (const std::string& text :
       {nested_arrays(500'000), nested_objects(200'000),
        R"({"level":)" + nested_arrays(100'000, R"("B")") + "}",
        R"({"v":1,"type":"hello","token":)" + nested_objects(100'000) + "}"}) {
    const std::string error = error_of(text);
    EXPECT_TRUE(contains(error, "nested too deeply (more than 64 levels")) << error;
    EXPECT_LT(error.size(), 250u) << error;
  }
  // A custom bound is honoured.
  EXPECT_TRUE(parse_strict_json(nested_arrays(3), 3).value);
  EXPECT_FALSE(parse_strict_json(nested_arrays(4), 3).value);
}

TEST(StrictJson, NumbersBeyondDoubleAreRefusedNotThrown) {
  for (std::string_view text : {R"({"x":1e400})", R"({"x":-1e400})", R"({"a":{"b":[1,2,1e309]}})",
                                R"([-1.5e99999])", R"({"lat":123456789e302})", "1E+400"}) {
    std::string error;
    ASSERT_NO_THROW(error = error_of(text)) << text;
    EXPECT_TRUE(contains(error, "number out of range")) << text << " -> " << error;
  }
  // A number with thousands of digits is quoted bounded.
  const std::string long_number = "{\"x\":1" + std::string(5000, '0') + "e400}";
  const std::string error = error_of(long_number);
  EXPECT_TRUE(contains(error, "number out of range")) << error.substr(0, 300);
  EXPECT_LT(error.size(), 200u);
  // Large but finite values are numbers; integers past 64 bits become doubles, as in nlohmann.
  StrictJson big = parse_strict_json(R"({"x":1e308,"y":-1e308,"z":18446744073709551616})");
  ASSERT_TRUE(big.value) << big.error;
  EXPECT_TRUE((*big.value)["z"].is_number_float());
}

TEST(StrictJson, SyntaxAndEncodingErrorsAreNamedBriefly) {
  EXPECT_TRUE(contains(error_of(R"({"group": "hq", "text": )"), "syntax error"));
  EXPECT_TRUE(contains(error_of(""), "unexpected end of input"));
  EXPECT_TRUE(contains(error_of("{\"text\":\"\xC3\x28\"}"), "UTF-8"));
  EXPECT_TRUE(contains(error_of("{} x"), "syntax error"));
  EXPECT_TRUE(contains(error_of("{\"a\":1,}"), "syntax error"));
  // nlohmann quotes the token it choked on, which can be the whole body: bounded here.
  const std::string unterminated = "{\"text\":\"" + std::string(100'000, 'x');
  const std::string error = error_of(unterminated);
  EXPECT_LT(error.size(), 260u) << error.size();
  EXPECT_EQ(error.rfind("[json.exception", 0), std::string::npos) << error;
}

TEST(StrictJson, BoundedAndDescribeNeverGrowWithTheInput) {
  EXPECT_EQ(bounded("short", 10), "short");
  EXPECT_EQ(bounded("abcdefghij", 4), "abcd…");
  // Never cuts a character in half: 村 is three bytes.
  EXPECT_EQ(bounded("村田達也", 4), "村…");
  EXPECT_EQ(describe_json(json("B")), "\"B\"");
  EXPECT_EQ(describe_json(json::array({"C"})), "an array");
  EXPECT_EQ(describe_json(json::object()), "an object");
  EXPECT_EQ(describe_json(json(3)), "3");
  EXPECT_EQ(describe_json(json(nullptr)), "null");
  EXPECT_EQ(describe_json(json(true)), "true");
  EXPECT_LE(describe_json(json(std::string(10'000, 'x')), 32).size(), 40u);
  // Invalid UTF-8 built in code (not from the parser) is described, not thrown.
  EXPECT_NO_THROW(describe_json(json(std::string("\xFF\xFE"))));
}

}  // namespace
}  // namespace bcp::model
