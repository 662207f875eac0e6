#include "xml_util.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "bcp/alerts/outcome.hpp"

namespace bcp::alerts::detail {
namespace {

constexpr std::string_view kXInclude = "http://www.w3.org/2001/XInclude";

bool contains_ci(std::string_view hay, std::string_view needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::toupper(static_cast<unsigned char>(a)) ==
           std::toupper(static_cast<unsigned char>(b));
  });
  return it != hay.end();
}

[[noreturn]] void refuse(std::string_view source, std::string_view why) {
  throw AlertParseError(std::string(source) + ": document refused: " + std::string(why));
}

}  // namespace

void load_safely(pugi::xml_document& doc, std::string_view xml, std::string_view source) {
  // Byte-level check first: gives a clear reason before any parsing happens.
  if (contains_ci(xml, "<!DOCTYPE"))
    refuse(source, "contains a DOCTYPE declaration (DTDs and entities are not processed)");
  if (contains_ci(xml, "<!ENTITY"))
    refuse(source, "contains an ENTITY declaration (entities are not processed)");

  // parse_doctype keeps a DOCTYPE as a node so that one hidden behind a non-ASCII encoding
  // (UTF-16) is still seen after pugixml's conversion.
  const unsigned opts = (pugi::parse_default | pugi::parse_doctype) & ~pugi::parse_wnorm_attribute;
  pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size(), opts, pugi::encoding_auto);
  if (!r) {
    throw AlertParseError(std::string(source) + ": not well-formed XML: " + r.description() +
                          " at offset " + std::to_string(r.offset));
  }

  // Iterative walk: hostile inputs may nest deeply, recursion could exhaust the stack.
  std::vector<pugi::xml_node> stack{doc};
  while (!stack.empty()) {
    pugi::xml_node n = stack.back();
    stack.pop_back();
    if (n.type() == pugi::node_doctype)
      refuse(source, "contains a DOCTYPE declaration (DTDs and entities are not processed)");
    if (n.type() != pugi::node_element && n.type() != pugi::node_document) continue;
    for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
      std::string_view name = a.name();
      if ((name == "xmlns" || name.starts_with("xmlns:")) && trimmed(a.value()) == kXInclude)
        refuse(source, "contains an XInclude element (inclusion is not processed)");
    }
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) stack.push_back(c);
  }
}

std::string_view local_name(const pugi::xml_node& node) {
  std::string_view n = node.name();
  auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

std::string namespace_uri(const pugi::xml_node& node) {
  std::string_view n = node.name();
  auto colon = n.find(':');
  std::string attr =
      colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(n.substr(0, colon));
  for (pugi::xml_node p = node; p; p = p.parent()) {
    if (pugi::xml_attribute a = p.attribute(attr.c_str())) return trimmed(a.value());
  }
  return {};
}

pugi::xml_node child(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c) == name) return c;
  }
  return {};
}

pugi::xml_node path(const pugi::xml_node& node, std::string_view p) {
  pugi::xml_node cur = node;
  while (cur && !p.empty()) {
    auto slash = p.find('/');
    cur = child(cur, p.substr(0, slash));
    p = slash == std::string_view::npos ? std::string_view{} : p.substr(slash + 1);
  }
  return cur;
}

std::string trimmed(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::string child_text(const pugi::xml_node& node, std::string_view name) {
  pugi::xml_node c = child(node, name);
  return c ? trimmed(c.child_value()) : std::string{};
}

}  // namespace bcp::alerts::detail
