// Hardened XML loading and namespace-agnostic navigation shared by the CAP and JMA parsers.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>

namespace bcp::alerts::detail {

// Parses `xml` without DTD or entity processing. Refuses (AlertParseError prefixed with
// `source`, e.g. "CAP") any document with a DOCTYPE or ENTITY declaration or an XInclude
// element, and anything that is not well-formed. pugixml never opens files or URLs; the
// refusal makes hostile documents fail loudly instead of being half-interpreted.
void load_safely(pugi::xml_document& doc, std::string_view xml, std::string_view source);

// Element name without its prefix ("cap:info" -> "info").
std::string_view local_name(const pugi::xml_node& node);
// Namespace URI in scope for the node's prefix (empty when none).
std::string namespace_uri(const pugi::xml_node& node);

// First child element with that local name (null node when none).
pugi::xml_node child(const pugi::xml_node& node, std::string_view name);
// Follows a '/'-separated path of local names ("Body/Earthquake/Hypocenter").
pugi::xml_node path(const pugi::xml_node& node, std::string_view path);
// Trimmed text of a child element ("" when absent).
std::string child_text(const pugi::xml_node& node, std::string_view name);
std::string trimmed(std::string_view s);

template <typename F>
void for_each_child(const pugi::xml_node& node, std::string_view name, F&& f) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c) == name) f(c);
  }
}

}  // namespace bcp::alerts::detail
