#include "bcp/alerts/outcome.hpp"

namespace bcp::alerts {

model::AlertUpdated full_update(const model::AlertRaised& raised) {
  model::AlertUpdated u;
  u.alert = raised.alert;
  u.kind = raised.kind;
  u.severity = raised.severity;
  u.drill = raised.drill;
  u.title = raised.title;
  u.body = raised.body;
  u.area = raised.area;
  u.expires = raised.expires;
  return u;
}

std::optional<model::Payload> Outcome::payload(bool known) const {
  switch (disposition) {
    case Disposition::raise:
    case Disposition::update:
      if (known) return model::Payload{partial ? *partial : full_update(alert)};
      return model::Payload{alert};
    case Disposition::cancel:
      if (cancelled) return model::Payload{*cancelled};
      return model::Payload{model::AlertCancelled{alert.alert, std::nullopt}};
    case Disposition::not_shown:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string_view to_string(Disposition d) {
  switch (d) {
    case Disposition::raise:
      return "raise";
    case Disposition::update:
      return "update";
    case Disposition::cancel:
      return "cancel";
    case Disposition::not_shown:
      return "not_shown";
  }
  return "?";
}

}  // namespace bcp::alerts
