#include "bcp/alerts/cap.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>

#include "cap_info.hpp"
#include "time_util.hpp"
#include "xml_util.hpp"

namespace bcp::alerts {
namespace {

using detail::child;
using detail::child_text;

constexpr std::string_view kNs12 = "urn:oasis:names:tc:emergency:cap:1.2";
constexpr std::string_view kNs11 = "urn:oasis:names:tc:emergency:cap:1.1";

[[noreturn]] void cap_fail(const std::string& what) { throw AlertParseError("CAP: " + what); }

std::string required(const pugi::xml_node& alert, std::string_view name) {
  pugi::xml_node n = child(alert, name);
  if (!n) cap_fail("missing required element <" + std::string(name) + ">");
  std::string v = detail::trimmed(n.child_value());
  if (v.empty()) cap_fail("/alert/" + std::string(name) + ": empty");
  return v;
}

// CAP 1.2 §3.2.1: every element of <alert> but <code> and <info> appears at most once.
void refuse_repeated_header(const pugi::xml_node& alert) {
  detail::refuse_repeated(alert,
                          {"identifier", "sender", "sent", "status", "msgType", "source", "scope",
                           "restriction", "addresses", "note", "references", "incidents"},
                          "CAP");
}

std::string lower_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Only a Public alert may reach the wall, compared exactly as CAP spells it: "public",
// "PUBLIC" or "Public " with an inner space are not Public, like a level "c" is not C.
// A <restriction> text says the producer limits who may see it, whatever the scope says.
void check_public(const pugi::xml_node& alert, const std::string& scope) {
  if (scope != "Public") {
    const std::string l = lower_ascii(scope);
    // The scope is named when it is a CAP value in any case; anything else is not quoted.
    const std::string shown = l == "public" || l == "restricted" || l == "private"
                                  ? "scope \"" + scope + "\""
                                  : std::string("an unknown scope");
    throw AlertClassifiedError("CAP: /alert/scope: " + shown +
                               " may not be shown on the wall (only Public)");
  }
  if (!child_text(alert, "restriction").empty()) {
    throw AlertClassifiedError(
        "CAP: /alert/restriction: a Public alert with a <restriction> may not be shown on the "
        "wall (the producer limits who may see it)");
  }
}

template <size_t N>
void check_enum(const std::string& value, const std::array<std::string_view, N>& allowed,
                const std::string& where) {
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
    cap_fail(where + ": unknown value \"" + value + "\"");
}

std::vector<CapReference> parse_references(const pugi::xml_node& alert) {
  std::vector<CapReference> refs;
  pugi::xml_node n = child(alert, "references");
  if (!n) return refs;
  std::istringstream in(detail::trimmed(n.child_value()));
  std::string triple;
  while (in >> triple) {
    auto c1 = triple.find(',');
    auto c2 = c1 == std::string::npos ? c1 : triple.find(',', c1 + 1);
    if (c2 == std::string::npos || triple.find(',', c2 + 1) != std::string::npos)
      cap_fail("/alert/references: \"" + triple + "\" is not a sender,identifier,sent triple");
    CapReference r{triple.substr(0, c1), triple.substr(c1 + 1, c2 - c1 - 1), triple.substr(c2 + 1),
                   ""};
    if (r.sender.empty() || r.identifier.empty() || !detail::parse_datetime(r.sent))
      cap_fail("/alert/references: \"" + triple + "\" is not a sender,identifier,sent triple");
    if (!detail::in_document_range(*detail::parse_datetime(r.sent)))
      cap_fail("/alert/references: \"" + triple + "\": sent is outside " +
           std::string(detail::kDocumentRange));
    r.alert_id = cap_alert_id(r.sender, r.identifier);
    refs.push_back(std::move(r));
  }
  // An element that is present must say something: an empty one is a producer bug.
  if (refs.empty()) cap_fail("/alert/references: empty (needs sender,identifier,sent triples)");
  return refs;
}

// The alert an Update or Cancel is about: the earliest message it references, so a chain of
// updates (each referencing all earlier messages) stays one alert on the wall.
const CapReference& target_of(const std::vector<CapReference>& refs) {
  return *std::min_element(refs.begin(), refs.end(), [](const auto& a, const auto& b) {
    return *detail::parse_datetime(a.sent) < *detail::parse_datetime(b.sent);
  });
}

}  // namespace

std::string cap_alert_id(std::string_view sender, std::string_view identifier) {
  return "cap-" + detail::stable_hash(sender, identifier);
}

CapResult parse_cap(std::string_view xml, const CapOptions& opts) {
  pugi::xml_document doc;
  detail::load_safely(doc, xml, "CAP");
  pugi::xml_node alert = doc.document_element();
  if (!alert || detail::local_name(alert) != "alert") cap_fail("root element must be <alert>");
  std::string ns = detail::namespace_uri(alert);
  CapResult res;
  if (ns == kNs12) {
    res.version = "1.2";
  } else if (ns == kNs11) {
    res.version = "1.1";
  } else {
    cap_fail("/alert: namespace \"" + ns + "\" is not CAP 1.2 (" + std::string(kNs12) + ")");
  }

  refuse_repeated_header(alert);
  res.identifier = required(alert, "identifier");
  res.sender = required(alert, "sender");
  res.sent = required(alert, "sent");
  detail::document_time(res.sent, "CAP", "/alert/sent");
  res.status = required(alert, "status");
  check_enum(res.status,
             std::array<std::string_view, 5>{"Actual", "Exercise", "System", "Test", "Draft"},
             "/alert/status");
  res.msg_type = required(alert, "msgType");
  check_enum(res.msg_type,
             std::array<std::string_view, 5>{"Alert", "Update", "Cancel", "Ack", "Error"},
             "/alert/msgType");
  res.scope = required(alert, "scope");
  check_public(alert, res.scope);
  res.references = parse_references(alert);
  const bool amends = res.msg_type == "Update" || res.msg_type == "Cancel";
  if (amends && res.references.empty())
    cap_fail("/alert/references: msgType " + res.msg_type + " requires at least one reference");

  // Every <info> is validated, not just the one shown: a broken block means a broken producer.
  std::vector<detail::CapInfo> infos;
  detail::for_each_child(alert, "info", [&](const pugi::xml_node& n) {
    infos.push_back(detail::parse_cap_info(n, infos.size()));
  });

  if (res.status == "Test" || res.status == "System" || res.status == "Draft") {
    res.not_shown_reason = "CAP status " + res.status + " is not shown on the wall";
    return res;
  }
  if (res.msg_type == "Ack" || res.msg_type == "Error") {
    res.not_shown_reason = "CAP msgType " + res.msg_type + " carries no alert";
    return res;
  }

  model::AlertRaised& a = res.alert;
  a.alert = amends ? target_of(res.references).alert_id : cap_alert_id(res.sender, res.identifier);
  a.drill = res.status == "Exercise";
  a.source = model::AlertSource{model::AlertSourceKind::cap, res.identifier};
  const detail::CapInfo* info = detail::pick_info(infos, opts.language);
  if (info) {
    res.language = info->language;
    detail::fill_alert(*info, a);
  }

  if (res.msg_type == "Cancel") {
    res.disposition = Disposition::cancel;
    std::string reason =
        info && !info->headline.empty() ? info->headline : child_text(alert, "note");
    res.cancelled = model::AlertCancelled{
        a.alert, reason.empty() ? std::optional<std::string>{"CAP Cancel " + res.identifier}
                                : std::optional<std::string>{reason}};
    return res;
  }
  if (!info) {
    res.not_shown_reason = "CAP " + res.msg_type + " without an <info> block has nothing to show";
    return res;
  }
  res.disposition = amends ? Disposition::update : Disposition::raise;
  return res;
}

}  // namespace bcp::alerts
