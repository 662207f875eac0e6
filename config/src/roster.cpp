// The roster as JSON, and the checks that apply to a roster in either format.
#include "internal.hpp"

namespace bcp::config::detail {

std::vector<RosterEntry> roster_from_json(std::string_view text, const std::string& file,
                                          Errors& errors) {
  std::vector<RosterEntry> out;
  auto doc = parse_json(text, file, errors);
  if (!doc) return out;
  if (!doc->is_object()) {
    errors.add(file, "", std::string("expected an object with \"staff\", got ") + type_name(*doc));
    return out;
  }
  ObjectReader root(*doc, "", file, errors);
  const json* staff = root.array("staff", true);
  root.finish();
  if (!staff) return out;
  for (std::size_t i = 0; i < staff->size(); ++i) {
    const json& s = (*staff)[i];
    std::string pointer = "/staff/" + std::to_string(i);
    if (!s.is_object()) {
      errors.add(file, pointer, std::string("expected object, got ") + type_name(s));
      continue;
    }
    ObjectReader r(s, pointer, file, errors);
    auto id = r.string("id", true);
    auto name = r.string("name", true);
    auto department = r.string("department", true);
    auto lineworks = r.string("lineworks_user", false);
    r.finish();
    // A row with a broken field is still kept if its id is usable, so duplicates and
    // unknown departments in the same row are reported too.
    if (!id) continue;
    RosterEntry e;
    e.origin = pointer;
    e.staff.id = *id;
    e.staff.name = name.value_or("");
    e.staff.department = department.value_or("");
    e.staff.lineworks_user = lineworks;
    out.push_back(std::move(e));
  }
  return out;
}

void check_roster(const std::vector<RosterEntry>& entries,
                  const std::vector<Department>& departments, const std::string& file,
                  Errors& errors) {
  std::set<std::string> known;
  for (const auto& d : departments) known.insert(d.id);
  UniqueCheck ids("staff id");
  UniqueCheck users("LINE WORKS user");
  for (const auto& e : entries) {
    ids.check(e.staff.id, file, e.where("id"), errors);
    if (!e.staff.department.empty() && !known.count(e.staff.department)) {
      errors.add(file, e.where("department"),
                 "unknown department " + json_quote(e.staff.department));
    }
    if (e.staff.lineworks_user) {
      users.check(*e.staff.lineworks_user, file, e.where("lineworks_user"), errors);
    }
  }
}

}  // namespace bcp::config::detail
