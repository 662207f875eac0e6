// The URL parser the outbound clients and the config loader share, and which hosts count as
// loopback (the only ones plain http:// is allowed for when a secret travels).
#include <gtest/gtest.h>

#include "bcp/http/url.hpp"

namespace bcp::http {
namespace {

TEST(HttpUrl, SplitsSchemeHostPortAndTarget) {
  auto u = parse_http_url("https://www.worksapis.com/v1.0");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "www.worksapis.com");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/v1.0");
  EXPECT_EQ(u->origin(), "https://www.worksapis.com");
  auto l = parse_http_url("http://127.0.0.1:8471/oauth2/v2.0/token");
  ASSERT_TRUE(l);
  EXPECT_FALSE(l->tls);
  EXPECT_EQ(l->host_header(), "127.0.0.1:8471");
  std::string why;
  EXPECT_FALSE(parse_http_url("ftp://x", &why));
  EXPECT_EQ(why, "\"ftp://x\": must start with http:// or https://");
  EXPECT_FALSE(parse_http_url("http://host:99999/", &why));
}

TEST(HttpUrl, LoopbackHostsAreExactlyThoseOfThisMachine) {
  for (const char* h : {"127.0.0.1", "127.1.2.3", "::1", "localhost"})
    EXPECT_TRUE(is_loopback_host(h)) << h;
  for (const char* h : {"128.0.0.1", "127.0.0", "127.0.0.1.example.com", "127.0.0.256",
                        "localhost.example", "10.0.0.1", "", "127..0.1"})
    EXPECT_FALSE(is_loopback_host(h)) << h;
}

}  // namespace
}  // namespace bcp::http
