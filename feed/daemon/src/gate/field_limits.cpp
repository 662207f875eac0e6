// Field byte limits (gate.hpp, FieldLimits): one walk over an event's text fields and lists,
// used to refuse (API) or to cut (adapters).
#include <variant>

#include "bcp/daemon/gate/gate.hpp"

namespace bcp::daemon {
namespace {

using L = FieldLimits;

// Calls `on.text(pointer, string&, limit)` for every text field of the payload and
// `on.list(pointer, vector&, limit)` for every list, so that checking and cutting share one
// description of the limits.
template <typename On>
struct FieldWalk {
  On& on;

  void opt(const std::string& pointer, std::optional<std::string>& value, std::size_t limit) {
    if (value) on.text(pointer, *value, limit);
  }

  void operator()(model::TalkMessage& m) {
    on.text("/group", m.group, L::kId);
    on.text("/message_id", m.message_id, L::kId);
    on.text("/sender/id", m.sender.id, L::kId);
    on.text("/sender/name", m.sender.name, L::kName);
    opt("/sender/department", m.sender.department, L::kName);
    on.text("/text", m.text, L::kTalkText);
    on.list("/attachments", m.attachments, L::kAttachments);
    for (std::size_t i = 0; i < m.attachments.size(); ++i) {
      const std::string at = "/attachments/" + std::to_string(i);
      opt(at + "/name", m.attachments[i].name, L::kAttachmentName);
      opt(at + "/address", m.attachments[i].address, L::kAddress);
    }
  }
  void operator()(model::StaffAvailability& a) {
    on.text("/staff", a.staff, L::kId);
    opt("/note", a.note, L::kNote);
  }
  void operator()(model::RollcallStarted& r) {
    on.text("/rollcall", r.rollcall, L::kId);
    on.text("/title", r.title, L::kRollcallTitle);
    on.list("/departments", r.departments, L::kDepartments);
    for (std::size_t i = 0; i < r.departments.size(); ++i) {
      on.text("/departments/" + std::to_string(i), r.departments[i], L::kId);
    }
  }
  void operator()(model::RollcallCheckin& c) {
    on.text("/rollcall", c.rollcall, L::kId);
    on.text("/staff", c.staff, L::kId);
    opt("/location", c.location, L::kNote);
    opt("/note", c.note, L::kNote);
    on.text("/source", c.source, L::kId);
  }
  void operator()(model::RollcallClosed& c) { on.text("/rollcall", c.rollcall, L::kId); }
  void operator()(model::AlertRaised& a) {
    on.text("/alert", a.alert, L::kId);
    on.text("/title", a.title, L::kAlertTitle);
    on.text("/body", a.body, L::kAlertBody);
    opt("/area", a.area, L::kAlertArea);
    opt("/source/ref", a.source.ref, L::kSourceRef);
  }
  void operator()(model::AlertUpdated& u) {
    on.text("/alert", u.alert, L::kId);
    opt("/title", u.title, L::kAlertTitle);
    opt("/body", u.body, L::kAlertBody);
    opt("/area", u.area, L::kAlertArea);
  }
  void operator()(model::AlertCancelled& c) {
    on.text("/alert", c.alert, L::kId);
    opt("/reason", c.reason, L::kReason);
  }
  void operator()(model::AlertAcknowledged& a) {
    on.text("/alert", a.alert, L::kId);
    on.text("/by", a.by, L::kName);
  }
  void operator()(model::TalkHidden& h) {
    on.text("/message_id", h.message_id, L::kId);
    on.text("/reason", h.reason, L::kReason);
    on.text("/by", h.by, L::kName);
  }
  void operator()(model::Notice& n) { on.text("/text", n.text, L::kNoticeText); }
  // Written by the daemon itself (source_health.cpp bounds `why`), never by a route.
  void operator()(model::SourceState& s) {
    on.text("/source", s.source, L::kId);
    opt("/why", s.why, L::kReason);
  }
  // Written by the outbox only; the codec bounds `why` to 200 characters (600 bytes of
  // Japanese), within kReason.
  void operator()(model::RollcallMessaged& m) {
    on.text("/rollcall", m.rollcall, L::kId);
    on.text("/staff", m.staff, L::kId);
    opt("/why", m.why, L::kReason);
  }
  // Written by the photo service only; the codec checks the ref's shape and the numbers.
  void operator()(model::TalkPhoto& p) {
    on.text("/group", p.group, L::kId);
    on.text("/message_id", p.message_id, L::kId);
  }
};

template <typename On>
void walk(model::Event& event, On& on) {
  std::visit(FieldWalk<On>{on}, event.body);
}

struct FirstTooLong {
  std::optional<Refusal> refusal;
  void text(const std::string& pointer, const std::string& value, std::size_t limit) {
    if (refusal || value.size() <= limit) return;
    refusal = Refusal{400, RefusalReason::malformed,
                      pointer + ": " + std::to_string(value.size()) + " bytes, over the limit of " +
                          std::to_string(limit)};
  }
  template <typename T>
  void list(const std::string& pointer, const std::vector<T>& value, std::size_t limit) {
    if (refusal || value.size() <= limit) return;
    refusal = Refusal{400, RefusalReason::malformed,
                      pointer + ": " + std::to_string(value.size()) +
                          " entries, over the limit of " + std::to_string(limit)};
  }
};

// The longest prefix of `s` within `max_bytes` that ends on a character boundary.
std::size_t utf8_prefix(const std::string& s, std::size_t max_bytes) {
  std::size_t n = std::min(max_bytes, s.size());
  // Back off continuation bytes (10xxxxxx) so a multi-byte character is never split.
  while (n > 0 && n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

struct CutAll {
  std::vector<std::string> cut;
  void text(const std::string& pointer, std::string& value, std::size_t limit) {
    if (value.size() <= limit) return;
    static constexpr std::string_view kEllipsis = "…";
    value.resize(utf8_prefix(value, limit - kEllipsis.size()));
    value += kEllipsis;
    cut.push_back(pointer);
  }
  template <typename T>
  void list(const std::string& pointer, std::vector<T>& value, std::size_t limit) {
    if (value.size() <= limit) return;
    value.resize(limit);
    cut.push_back(pointer);
  }
};

}  // namespace

std::optional<Refusal> check_field_sizes(const model::Event& event) {
  FirstTooLong on;
  // The walk is shared with cutting; this one only reads.
  walk(const_cast<model::Event&>(event), on);
  return on.refusal;
}

std::vector<std::string> cut_to_field_sizes(model::Event& event) {
  CutAll on;
  walk(event, on);
  return on.cut;
}

}  // namespace bcp::daemon
