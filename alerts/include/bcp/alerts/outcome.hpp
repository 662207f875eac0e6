// What an alert source (CAP, JMA, keyword rule) decided about one input, in model terms.
// Parsers are stateless: whether an alert id is already known lives in the daemon's
// Situation, so the final choice raise-vs-update is made by Outcome::payload(known).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "bcp/model/events.hpp"

namespace bcp::alerts {

// A document that cannot be used. what() names the element, e.g.
// `CAP: /alert/info/severity: unknown value "Huge"` or `CAP: missing required element <scope>`;
// the daemon answers 400 with it.
class AlertParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A well-formed document that its own classification keeps off the wall: a CAP alert whose
// <scope> is not Public (Restricted, Private, anything else) or that carries a <restriction>.
// The daemon answers 403 `classification`, as for a level-B group. It is an AlertParseError so
// that code knowing only that type still refuses it (400) instead of showing it.
class AlertClassifiedError : public AlertParseError {
 public:
  using AlertParseError::AlertParseError;
};

enum class Disposition {
  raise,      // new information: raise the alert (or update it when its id is already known)
  update,     // amends an earlier alert (CAP Update, JMA 震源要素更新)
  cancel,     // withdraws the alert (CAP Cancel, JMA 取消)
  not_shown,  // valid but not for the wall (CAP Test/System/Draft, JMA 試験, …); count it
};

struct Outcome {
  Disposition disposition = Disposition::not_shown;
  // Full content of the alert this input is about, always filled except for not_shown, so a
  // daemon that never saw the original can still raise it. alert.alert is the stable id.
  model::AlertRaised alert;
  std::optional<model::AlertCancelled> cancelled;  // set for Disposition::cancel
  std::string not_shown_reason;                    // set for Disposition::not_shown
  // When set and the alert is known, journal this partial update instead of every field:
  // for documents that only know part of the picture (a JMA 震源に関する情報 has no
  // intensities), so an update never downgrades what an earlier bulletin said.
  std::optional<model::AlertUpdated> partial;

  // The payload to journal. `known`: the daemon already holds an alert with id alert.alert.
  //   raise/update + known   -> `partial` if set, else AlertUpdated with every field of `alert`
  //   raise/update + unknown -> AlertRaised
  //   cancel                 -> AlertCancelled (the daemon may drop it when !known)
  //   not_shown              -> nullopt
  std::optional<model::Payload> payload(bool known) const;
};

// An AlertUpdated that sets every changeable field of `raised` (kind, severity, drill, title,
// body, area, expires).
model::AlertUpdated full_update(const model::AlertRaised& raised);

std::string_view to_string(Disposition d);

}  // namespace bcp::alerts
