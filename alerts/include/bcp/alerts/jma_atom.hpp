// JMA's Atom feeds (防災情報XML PULL 型: eqvol.xml every minute, eqvol_l.xml hourly) -> the
// entries that name bulletins, and the rule for which of those bcp-feedd fetches.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/model/events.hpp"

namespace bcp::alerts {

struct AtomEntry {
  std::string id;     // <id>; JMA writes the bulletin's URL here
  std::string title;  // <title>: the bulletin's Control/Title, e.g. 震源・震度に関する情報
  std::optional<model::TimePoint> updated;  // <updated>; nullopt when absent or malformed
  std::string link;                         // <link href> of the bulletin (application/xml)
  std::string author;                       // <author><name>, e.g. 気象庁

  // The id to remember the entry by: <id>, else the link.
  const std::string& key() const { return id.empty() ? link : id; }
};

struct AtomFeed {
  std::string title;  // 高頻度（地震火山）, 長期（地震火山）
  std::optional<model::TimePoint> updated;
  std::vector<AtomEntry> entries;  // in document order (JMA: newest first)
  // Entries that were skipped, each with the reason ("entry 3: no <link href>"): a feed
  // with one odd entry still delivers the others.
  std::vector<std::string> skipped;
};

// Parses an Atom 1.0 document with the same hardened loading as CAP and JMA (no DTD, no
// entities, no XInclude). Throws AlertParseError ("Atom: …") for malformed or hostile XML
// and for a document whose root is not <feed> in the Atom namespace.
AtomFeed parse_atom(std::string_view xml);

// The data type code in a bulletin's file name: "VXSE53" for
// ".../20240110230013_0_VXSE53_010000.xml" (JMA's feed) or ".../32-35_01_03_100806_VXSE53.xml"
// (JMA's published samples). Empty when the name carries none.
std::string jma_type_code(std::string_view link);

// Whether bcp-feedd fetches the bulletin: 震度速報 (VXSE51), 震源に関する情報 (VXSE52),
// 震源・震度に関する情報 (VXSE53), 顕著な地震の震源要素更新のお知らせ (VXSE61),
// 津波警報・注意報・予報 (VTSE41) and 緊急地震速報（警報） (VXSE43, before 2011 VXSE40).
// The type code in the link decides; only a link without one falls back to the title.
// Early-warning forecasts (VXSE44/45) are not fetched: parse_jma does not show them.
bool is_wanted_bulletin(const AtomEntry& entry);

}  // namespace bcp::alerts
