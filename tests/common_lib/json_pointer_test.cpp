// RFC 6901 pointer tokens of bcp_common.
#include "bcp/common/json_pointer.hpp"

#include <gtest/gtest.h>

namespace {

using bcp::common::child_pointer;
using bcp::common::pointer_token;

TEST(JsonPointer, EscapesTildeThenSlash) {
  EXPECT_EQ(pointer_token(""), "");
  EXPECT_EQ(pointer_token("name"), "name");
  EXPECT_EQ(pointer_token("a/b"), "a~1b");
  EXPECT_EQ(pointer_token("m~n"), "m~0n");
  // "~1" as a key must not read back as "/": its "~" is escaped first.
  EXPECT_EQ(pointer_token("~1"), "~01");
  EXPECT_EQ(pointer_token("/~/"), "~1~0~1");
  EXPECT_EQ(pointer_token("部署"), "部署");
}

TEST(JsonPointer, ChildrenOfTheRootAndOfMembers) {
  EXPECT_EQ(child_pointer("", "sender"), "/sender");
  EXPECT_EQ(child_pointer("/sender", "name"), "/sender/name");
  EXPECT_EQ(child_pointer("/groups", std::size_t{2}), "/groups/2");
  EXPECT_EQ(child_pointer("/groups/2", "a/b"), "/groups/2/a~1b");
  EXPECT_EQ(child_pointer("", ""), "/");  // the member with the empty name
}

}  // namespace
