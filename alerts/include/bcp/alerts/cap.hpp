// CAP 1.2 (OASIS Common Alerting Protocol) documents -> alert payloads. CAP 1.1 documents are
// accepted too: the elements used here are the same in both versions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bcp/alerts/outcome.hpp"

namespace bcp::alerts {

struct CapOptions {
  // The <info> block shown: this language, else "en-US", else the first block.
  std::string language = "ja-JP";
};

// One entry of <references>: "sender,identifier,sent".
struct CapReference {
  std::string sender;
  std::string identifier;
  std::string sent;
  std::string alert_id;  // cap_alert_id(sender, identifier)
};

struct CapResult : Outcome {
  std::string version;  // "1.2" or "1.1"
  std::string identifier;
  std::string sender;
  std::string sent;
  std::string status;    // Actual, Exercise, System, Test, Draft
  std::string msg_type;  // Alert, Update, Cancel, Ack, Error
  std::string scope;
  std::vector<CapReference> references;
  std::string language;  // of the <info> block used ("" when none)
};

// Parses and validates one document. Throws AlertParseError naming the element for malformed,
// invalid or hostile documents (DOCTYPE, ENTITY, XInclude). Never reads files or the network.
//  - scope other than exactly "Public", or a non-empty <restriction> -> AlertClassifiedError
//  - text that is not clean UTF-8 XML text, a date-time outside 1970..9999 UTC, an element
//    CAP allows once given twice -> AlertParseError naming the element
//  - status Exercise -> drill; Test/System/Draft -> not_shown; msgType Ack/Error -> not_shown
//  - msgType Update/Cancel -> update/cancel of the alert of the earliest <references> entry
//  - severity Extreme/Severe -> critical, Moderate -> warning, Minor -> advisory, Unknown -> info
CapResult parse_cap(std::string_view xml, const CapOptions& opts = {});

// Stable alert id of the CAP message (sender, identifier): "cap-" + 16 hex digits.
// The same identifier from the same sender always gives the same id.
std::string cap_alert_id(std::string_view sender, std::string_view identifier);

}  // namespace bcp::alerts
