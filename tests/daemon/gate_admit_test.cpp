// The gate as a pure function (gate/admit.hpp): no daemon, no socket. Each row is one
// candidate item against the sample town and a situation with one open drill roll call of
// 総務課 (rc-open) and one closed (rc-closed); it is admitted, or refused with the status,
// reason and the words of the message that say why.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <variant>
#include <vector>

#include "bcp/daemon/gate/admit.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/reducer.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon {
namespace {

const model::TimePoint kReceived = model::parse_time("2026-11-24T05:12:00.000Z");

model::Event event_of(model::Payload body, model::TimePoint at = kReceived) {
  model::Event e;
  e.at = at;
  e.body = std::move(body);
  return e;
}

model::Event talk(std::string group, std::string text = "川沿いに熊") {
  model::TalkMessage m;
  m.group = std::move(group);
  m.message_id = "m-1";
  m.sender = {"s001", "村田　達也", std::nullopt};
  m.text = std::move(text);
  return event_of(std::move(m));
}

model::Event checkin(std::string rollcall, std::string staff) {
  model::RollcallCheckin c;
  c.rollcall = std::move(rollcall);
  c.staff = std::move(staff);
  c.source = "api";
  return event_of(std::move(c));
}

model::Event availability(std::string staff) {
  model::StaffAvailability a;
  a.staff = std::move(staff);
  a.status = model::Availability::in_office;
  return event_of(std::move(a));
}

class GateAdmit : public ::testing::Test {
 protected:
  GateAdmit() {
    situation_.directory = test::sample_town().directory();
    apply(1, model::RollcallStarted{"rc-closed", "先月の訓練", true, {}, {}});
    apply(2, model::RollcallClosed{"rc-closed"});
    apply(3, model::RollcallStarted{"rc-open", "安否確認訓練", true, {"soumu"}, {}});
  }
  void apply(model::Seq seq, model::Payload body) {
    model::Event e = event_of(std::move(body));
    e.seq = seq;
    model::apply(situation_, e);
  }
  GateView gate() const { return GateView{test::sample_town(), situation_, replay_}; }

  model::Situation situation_;
  ReplayGuard replay_;
};

struct Refused {
  int status;
  RefusalReason reason;
  const char* says;  // a part of the message
};

struct Row {
  const char* name;
  model::Event candidate;
  OverLimit over_limit;
  std::optional<Refused> refused;  // nullopt: admitted
};

TEST_F(GateAdmit, EachCandidateIsAdmittedOrRefusedForItsReason) {
  const std::vector<Row> rows = {
      {"talk in a level-C group", talk("hq"), OverLimit::refuse, std::nullopt},
      {"talk in a level-B group", talk("jinji"), OverLimit::refuse,
       Refused{403, RefusalReason::classification, "is classified B"}},
      {"talk in a group not configured", talk("nowhere"), OverLimit::refuse,
       Refused{403, RefusalReason::unknown_group, "unknown group"}},
      {"talk over the text limit, API", talk("hq", std::string(9000, 'a')), OverLimit::refuse,
       Refused{400, RefusalReason::malformed, "/text: 9000 bytes"}},
      {"talk over the text limit, a source that never resends", talk("hq", std::string(9000, 'a')),
       OverLimit::cut, std::nullopt},
      {"check-in in scope", checkin("rc-open", "s001"), OverLimit::refuse, std::nullopt},
      {"check-in out of scope", checkin("rc-open", "s039"), OverLimit::refuse,
       Refused{403, RefusalReason::conflict, "not in the scope of roll call \"rc-open\""}},
      {"check-in of someone not in the roster", checkin("rc-open", "s999"), OverLimit::refuse,
       Refused{400, RefusalReason::malformed, "unknown staff \"s999\""}},
      {"check-in into a closed roll call", checkin("rc-closed", "s001"), OverLimit::refuse,
       Refused{409, RefusalReason::conflict, "is closed"}},
      {"check-in into an unknown roll call", checkin("rc-none", "s001"), OverLimit::refuse,
       Refused{404, RefusalReason::malformed, "unknown roll call"}},
      {"availability of a known person", availability("s039"), OverLimit::refuse, std::nullopt},
      {"availability of someone not in the roster", availability("s999"), OverLimit::refuse,
       Refused{400, RefusalReason::malformed, "/staff: unknown staff"}},
      // The outbox's record of a send is made by the daemon (Pipeline::submit) only: no
      // source may fake that someone was messaged.
      {"a bot delivery record from outside",
       event_of(model::RollcallMessaged{"rc-open", "s001", model::MessageStep::question,
                                        model::SendOutcome::sent, std::nullopt}),
       OverLimit::cut, Refused{400, RefusalReason::malformed, "daemon's outbox only"}},
      {"an event the journal could not read back",
       event_of(model::Notice{"x", model::NoticeLevel::info},
                model::parse_time("9999-12-31T23:59:59.000Z") + std::chrono::hours(1)),
       OverLimit::refuse, Refused{400, RefusalReason::malformed, "notice"}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    Admission result = admit(gate(), Candidates{{row.candidate}, std::nullopt, row.over_limit});
    if (!row.refused) {
      ASSERT_TRUE(std::holds_alternative<std::vector<model::Event>>(result))
          << std::get<Refusal>(result).message;
      const auto& events = std::get<std::vector<model::Event>>(result);
      ASSERT_EQ(events.size(), 1u);
      if (const auto* m = std::get_if<model::TalkMessage>(&events.front().body)) {
        EXPECT_LE(m->text.size(), FieldLimits::kTalkText);
      }
      continue;
    }
    ASSERT_TRUE(std::holds_alternative<Refusal>(result));
    const Refusal& r = std::get<Refusal>(result);
    EXPECT_EQ(r.status, row.refused->status);
    EXPECT_EQ(r.reason, row.refused->reason);
    EXPECT_NE(r.message.find(row.refused->says), std::string::npos) << r.message;
  }
}

TEST_F(GateAdmit, OneRefusedCandidateRefusesTheWholeItem) {
  Admission result =
      admit(gate(),
            Candidates{{talk("hq"), checkin("rc-open", "s039")}, std::nullopt, OverLimit::refuse});
  ASSERT_TRUE(std::holds_alternative<Refusal>(result));
  EXPECT_EQ(std::get<Refusal>(result).status, 403);
}

TEST_F(GateAdmit, TheReplayGuardRefusesADeliveryTakenAlreadyAndTheOriginGoesWithTheItem) {
  Admission first = admit(gate(), Candidates{{talk("hq"), talk("soumu")}, "lw-abc", {}});
  ASSERT_TRUE(std::holds_alternative<std::vector<model::Event>>(first));
  const auto& events = std::get<std::vector<model::Event>>(first);
  EXPECT_EQ(events.front().origin, std::optional<std::string>("lw-abc"));
  EXPECT_EQ(events.back().origin, std::nullopt);  // derived events carry none

  replay_.remember("lw-abc");
  Admission again = admit(gate(), Candidates{{talk("hq")}, "lw-abc", {}});
  ASSERT_TRUE(std::holds_alternative<Refusal>(again));
  EXPECT_EQ(std::get<Refusal>(again).reason, RefusalReason::duplicate);
  EXPECT_EQ(std::get<Refusal>(again).status, 200);
}

TEST(ReplayGuardBound, ForgetsTheOldestPastItsBound) {
  ReplayGuard guard;
  for (std::size_t i = 0; i <= ReplayGuard::kRemembered; ++i) {
    ASSERT_TRUE(guard.remember("o-" + std::to_string(i)));
  }
  EXPECT_FALSE(guard.seen("o-0"));
  EXPECT_TRUE(guard.seen("o-1"));
  EXPECT_FALSE(guard.remember("o-1"));
  guard.forget("o-1");
  EXPECT_FALSE(guard.seen("o-1"));
}

LineworksItem answer_of(std::string staff, std::optional<std::string> rollcall = std::nullopt) {
  LineworksItem item;
  item.kind = LineworksItem::Kind::checkin;
  item.at = kReceived;
  item.lineworks_user = "lw-" + staff;
  item.staff = std::move(staff);
  item.answer.safety = model::Safety::safe;
  item.answer.work = model::CanWork::yes;
  item.answer.rollcall = std::move(rollcall);
  return item;
}

TEST_F(GateAdmit, ALineworksAnswerGoesToTheOpenRollCallOfItsScopeOrBecomesANotice) {
  LineworksAdmission in_scope = admit_lineworks(gate(), answer_of("s001"), "lw-1", kReceived);
  ASSERT_TRUE(std::holds_alternative<std::vector<model::Event>>(in_scope.admission));
  const model::Event& e = std::get<std::vector<model::Event>>(in_scope.admission).front();
  const auto* c = std::get_if<model::RollcallCheckin>(&e.body);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->rollcall, "rc-open");
  EXPECT_EQ(c->source, "lineworks");
  EXPECT_EQ(e.origin, std::optional<std::string>("lw-1"));
  EXPECT_FALSE(in_scope.not_counted.has_value());
  // Journaled instead if the roll call closes before the commit: the answer is never lost,
  // and the person is told that rc-open was closed.
  ASSERT_TRUE(in_scope.fallback.has_value());
  EXPECT_TRUE(std::holds_alternative<model::Notice>(in_scope.fallback->body));
  ASSERT_TRUE(in_scope.fallback_not_counted.has_value());
  EXPECT_EQ(in_scope.fallback_not_counted->rollcall, "rc-open");
  EXPECT_EQ(in_scope.fallback_not_counted->problem, AnswerProblem::rollcall_closed);

  struct Case {
    LineworksItem item;
    std::optional<AnswerProblem> told;  // what the bot tells the person, if anything
    const char* why;                    // in the notice
  };
  const Case cases[] = {
      {answer_of("s039"), std::nullopt, "対象外"},  // not in 総務課: nobody's mistake to explain
      {answer_of("s001", "rc-closed"), AnswerProblem::rollcall_closed,
       "終了した点呼「先月の訓練」"},
      {answer_of("s001", "rc-never"), AnswerProblem::rollcall_unknown, "不明な点呼"},
  };
  for (const Case& c : cases) {
    LineworksAdmission kept = admit_lineworks(gate(), c.item, "lw-2", kReceived);
    ASSERT_TRUE(std::holds_alternative<std::vector<model::Event>>(kept.admission));
    const auto& body = std::get<std::vector<model::Event>>(kept.admission).front().body;
    const auto* notice = std::get_if<model::Notice>(&body);
    ASSERT_NE(notice, nullptr);
    EXPECT_NE(notice->text.find("対象の点呼なし"), std::string::npos);
    EXPECT_NE(notice->text.find(c.why), std::string::npos) << notice->text;
    EXPECT_EQ(notice->text.find("rc-never"), std::string::npos)
        << "an id from a button on the wall";
    EXPECT_FALSE(kept.fallback.has_value());
    ASSERT_EQ(kept.not_counted.has_value(), c.told.has_value()) << notice->text;
    if (c.told) {
      EXPECT_EQ(kept.not_counted->problem, *c.told);
      EXPECT_EQ(kept.not_counted->staff, "s001");
      EXPECT_EQ(kept.not_counted->lineworks_user, "lw-s001");
      EXPECT_EQ(kept.not_counted->rollcall, *c.item.answer.rollcall);
    }
  }
}

TEST(GateAdmitNoRollcall, AnAnswerNamingNoneWhileNoneIsOpenIsKeptAndThePersonTold) {
  model::Situation empty;
  empty.directory = test::sample_town().directory();
  ReplayGuard replay;
  LineworksAdmission kept = admit_lineworks(GateView{test::sample_town(), empty, replay},
                                            answer_of("s001"), "lw-9", kReceived);
  ASSERT_TRUE(std::holds_alternative<std::vector<model::Event>>(kept.admission));
  ASSERT_TRUE(kept.not_counted.has_value());
  EXPECT_EQ(kept.not_counted->problem, AnswerProblem::no_open_rollcall);
  EXPECT_EQ(kept.not_counted->rollcall, "");
}

TEST_F(GateAdmit, ALineworksTimeAheadIsTakenAsReceivedAndAReplayOrADropIsRefused) {
  LineworksItem ahead = answer_of("s001");
  ahead.at = kReceived + std::chrono::hours(9);  // JST sent with a Z
  LineworksAdmission a = admit_lineworks(gate(), ahead, "lw-3", kReceived);
  ASSERT_TRUE(a.clock_ahead.has_value());
  ASSERT_TRUE(std::holds_alternative<std::vector<model::Event>>(a.admission));
  EXPECT_EQ(std::get<std::vector<model::Event>>(a.admission).front().at, kReceived);
  EXPECT_EQ(a.fallback->at, kReceived);

  replay_.remember("lw-3");
  LineworksAdmission again = admit_lineworks(gate(), answer_of("s001"), "lw-3", kReceived);
  ASSERT_TRUE(std::holds_alternative<Refusal>(again.admission));
  EXPECT_EQ(std::get<Refusal>(again.admission).reason, RefusalReason::duplicate);

  LineworksItem dropped;
  dropped.kind = LineworksItem::Kind::dropped;
  dropped.refusal = Refusal{403, RefusalReason::classification, "source.channelId: classified B"};
  LineworksAdmission d = admit_lineworks(gate(), dropped, "lw-4", kReceived);
  ASSERT_TRUE(std::holds_alternative<Refusal>(d.admission));
  EXPECT_EQ(std::get<Refusal>(d.admission).reason, RefusalReason::classification);
}

}  // namespace
}  // namespace bcp::daemon
