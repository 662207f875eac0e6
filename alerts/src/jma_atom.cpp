#include "bcp/alerts/jma_atom.hpp"

#include <algorithm>
#include <array>

#include "bcp/alerts/outcome.hpp"
#include "time_util.hpp"
#include "xml_util.hpp"

namespace bcp::alerts {
namespace {

constexpr std::string_view kAtomNs = "http://www.w3.org/2005/Atom";
// Longer ids or links are not JMA's; they would only bloat the seen set and the journal.
constexpr std::size_t kMaxIdBytes = 1024;

// The bulletin link of an entry: rel absent or "alternate", preferring type application/xml.
std::string bulletin_link(const pugi::xml_node& entry) {
  std::string fallback;
  for (pugi::xml_node c = entry.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element || detail::local_name(c) != "link") continue;
    std::string rel = detail::trimmed(c.attribute("rel").value());
    if (!rel.empty() && rel != "alternate") continue;
    std::string href = detail::trimmed(c.attribute("href").value());
    if (href.empty()) continue;
    if (detail::trimmed(c.attribute("type").value()) == "application/xml") return href;
    if (fallback.empty()) fallback = href;
  }
  return fallback;
}

bool is_type_code(std::string_view s) {
  // Four capital letters and two digits: VXSE53, VTSE41, VPWW54, …
  if (s.size() != 6) return false;
  for (std::size_t i = 0; i < 4; ++i)
    if (s[i] < 'A' || s[i] > 'Z') return false;
  return s[4] >= '0' && s[4] <= '9' && s[5] >= '0' && s[5] <= '9';
}

}  // namespace

AtomFeed parse_atom(std::string_view xml) {
  pugi::xml_document doc;
  detail::load_safely(doc, xml, "Atom");
  pugi::xml_node feed = doc.document_element();
  if (!feed || detail::local_name(feed) != "feed" || detail::namespace_uri(feed) != kAtomNs) {
    throw AlertParseError("Atom: root element must be <feed> in namespace " + std::string(kAtomNs));
  }
  AtomFeed out;
  out.title = detail::child_text(feed, "title");
  out.updated = detail::parse_datetime(detail::child_text(feed, "updated"));
  std::size_t index = 0;
  detail::for_each_child(feed, "entry", [&](const pugi::xml_node& e) {
    ++index;
    auto skip = [&](const std::string& why) {
      out.skipped.push_back("entry " + std::to_string(index) + ": " + why);
    };
    AtomEntry entry;
    entry.id = detail::child_text(e, "id");
    entry.title = detail::child_text(e, "title");
    entry.link = bulletin_link(e);
    entry.author = detail::child_text(detail::child(e, "author"), "name");
    std::string updated = detail::child_text(e, "updated");
    entry.updated = detail::parse_datetime(updated);
    if (entry.link.empty()) return skip("no <link href>");
    if (entry.link.size() > kMaxIdBytes || entry.id.size() > kMaxIdBytes)
      return skip("<id> or <link href> longer than " + std::to_string(kMaxIdBytes) + " bytes");
    if (!updated.empty() && !entry.updated) return skip("<updated> is not an RFC 3339 time");
    out.entries.push_back(std::move(entry));
  });
  return out;
}

std::string jma_type_code(std::string_view link) {
  // The file name: after the last '/', without a query or fragment.
  link = link.substr(0, link.find_first_of("?#"));
  if (auto slash = link.rfind('/'); slash != std::string_view::npos) link.remove_prefix(slash + 1);
  if (auto dot = link.rfind('.'); dot != std::string_view::npos) link = link.substr(0, dot);
  while (!link.empty()) {
    auto sep = link.find('_');
    std::string_view part = link.substr(0, sep);
    if (is_type_code(part)) return std::string(part);
    if (sep == std::string_view::npos) break;
    link.remove_prefix(sep + 1);
  }
  return {};
}

bool is_wanted_bulletin(const AtomEntry& entry) {
  static constexpr std::array<std::string_view, 7> kCodes = {"VXSE51", "VXSE52", "VXSE53", "VXSE61",
                                                             "VTSE41", "VXSE43", "VXSE40"};
  static constexpr std::array<std::string_view, 5> kTitles = {
      "震度速報", "震源に関する情報", "震源・震度に関する情報",
      "顕著な地震の震源要素更新のお知らせ", "緊急地震速報（警報）"};
  if (std::string code = jma_type_code(entry.link); !code.empty())
    return std::find(kCodes.begin(), kCodes.end(), code) != kCodes.end();
  if (std::find(kTitles.begin(), kTitles.end(), entry.title) != kTitles.end()) return true;
  // VTSE41's title carries a trailing letter (津波警報・注意報・予報a).
  return entry.title.starts_with("津波警報・注意報・予報");
}

}  // namespace bcp::alerts
