// kill -9 of a child bcp-feedd in the middle of a distribution: after the restart everyone in
// scope has the question, and only the sends in flight at the kill may have gone twice.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include "bot_test_support.hpp"

namespace bcp::daemon::test {
namespace {

// A copy of config/sample-town/town.json in `dir` that speaks to `tenant`, every relative
// path made absolute.
fs::path town_speaking_to(const fs::path& dir, const tools::LineWorksTenant& tenant,
                          int per_minute) {
  const fs::path sample = sample_town_json().parent_path();
  json town = json::parse(read_file(sample_town_json()));
  town["roster"] = (sample / town["roster"].get<std::string>()).string();
  for (json& wall : town["walls"])
    wall["layout"] = (sample / wall["layout"].get<std::string>()).string();
  town["lineworks_api"]["private_key_file"] =
      (sample / town["lineworks_api"]["private_key_file"].get<std::string>()).string();
  town["lineworks_api"]["auth_url"] = tenant.auth_url();
  town["lineworks_api"]["api_url"] = tenant.api_url();
  town["lineworks_api"]["messages_per_minute"] = per_minute;
  town["rollcall_distribution"]["reminders_after_seconds"] = json::array();
  const fs::path file = dir / "town.json";
  std::ofstream(file) << town.dump(2);
  return file;
}

TEST(DistributionCrash, Kill9MidDistributionLeavesNobodyOutAndRepeatsOnlyTheSendsInFlight) {
  TempDir dir;
  tools::LineWorksTenant tenant(sample_tenant_settings());
  // 300/min: one send every 200 ms, so the kill lands with most of the department still owed.
  ChildDaemon child(dir.path() / "data", 0, town_speaking_to(dir.path(), tenant, 300));
  std::string why;
  ASSERT_TRUE(child.start(&why)) << why;
  HttpResult r = http_request(child.port(), "POST", "/v1/rollcalls",
                              json{{"title", "地震 安否確認"}, {"departments", {"soumu"}}}.dump(),
                              bearer(kOperator));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::set<std::string> expected = reachable_users("soumu");
  ASSERT_TRUE(tenant.wait_for(
      [](const Requests& q) { return delivered_to(q, is_question).size() >= 4; }, 20s));
  child.kill9();
  const std::size_t before = distinct(delivered_to(tenant.message_requests(), is_question)).size();
  ASSERT_LT(before, expected.size()) << "the kill came mid-distribution";

  ASSERT_TRUE(child.start(&why)) << why;
  ASSERT_TRUE(tenant.wait_for(
      [&](const Requests& q) { return distinct(delivered_to(q, is_question)) == expected; }, 30s))
      << "delivered to " << distinct(delivered_to(tenant.message_requests(), is_question)).size()
      << " of " << expected.size();
  const auto questions = delivered_to(tenant.message_requests(), is_question);
  // The outbox hands at most 4 messages to the client at once: those may repeat, no more.
  EXPECT_LE(questions.size(), expected.size() + 4);
  EXPECT_EQ(child.signal_and_wait(SIGTERM), 0);
}

}  // namespace
}  // namespace bcp::daemon::test
