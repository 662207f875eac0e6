#include "xml_util.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <vector>

#include "bcp/alerts/outcome.hpp"
#include "bcp/common/utf8.hpp"

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

std::string code_point(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

// Offset of the first character reference to U+0000 (&#0;, &#x000;), or npos. pugixml would
// write it as a NUL and so cut the text short without a word. NUL bytes are skipped so that
// the reference is found in UTF-16 and UTF-32 documents too, where ASCII is padded with them.
size_t nul_reference(std::string_view xml) {
  auto next = [&](size_t& i) {
    while (i < xml.size() && xml[i] == '\0') ++i;
    return i < xml.size() ? xml[i++] : '\0';
  };
  for (size_t start = xml.find('&'); start != std::string_view::npos;
       start = xml.find('&', start + 1)) {
    size_t i = start + 1;
    if (next(i) != '#') continue;
    char c = next(i);
    if (c == 'x' || c == 'X') c = next(i);
    bool zeros = false;
    while (c == '0') {
      zeros = true;
      c = next(i);
    }
    if (zeros && c == ';') return start;
  }
  return std::string_view::npos;
}

// The name as a path step: a name that is not clean text is not quoted.
std::string step_name(const pugi::xml_node& n) {
  std::string_view name = local_name(n);
  return text_problem(name).empty() ? std::string(name) : std::string("(invalid name)");
}

std::string element_step(const pugi::xml_node& n) {
  size_t position = 1, same = 1;
  for (pugi::xml_node s = n.previous_sibling(); s; s = s.previous_sibling())
    if (s.type() == pugi::node_element && local_name(s) == local_name(n)) ++position, ++same;
  for (pugi::xml_node s = n.next_sibling(); s; s = s.next_sibling())
    if (s.type() == pugi::node_element && local_name(s) == local_name(n)) ++same;
  std::string step = step_name(n);
  if (same > 1) step += "[" + std::to_string(position) + "]";
  return step;
}

// Names, attributes and texts of one node (text_problem), naming where the problem is.
void check_text_of(const pugi::xml_node& n, std::string_view source) {
  auto bad = [&](const std::string& where, const std::string& problem) {
    throw AlertParseError(std::string(source) + ": " + where + ": " + problem);
  };
  if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) {
    if (std::string p = text_problem(n.value()); !p.empty()) bad(node_path(n.parent()), p);
    return;
  }
  if (n.type() != pugi::node_element) return;
  if (std::string p = text_problem(n.name()); !p.empty()) bad(node_path(n), "element name: " + p);
  for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
    if (std::string p = text_problem(a.name()); !p.empty())
      bad(node_path(n), "attribute name: " + p);
    if (std::string p = text_problem(a.value()); !p.empty()) bad(node_path(n) + "/@" + a.name(), p);
  }
}

}  // namespace

std::string text_problem(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const common::Utf8Char next = common::decode_utf8(s, i);
    const auto at = [i] { return " at byte " + std::to_string(i); };
    const char32_t cp = next.code_point;
    switch (next.error) {
      case common::Utf8Error::none:
        break;
      case common::Utf8Error::invalid:
        return "invalid UTF-8" + at();
      case common::Utf8Error::truncated:
        return "invalid UTF-8 (truncated sequence)" + at();
      case common::Utf8Error::overlong:
        return "invalid UTF-8 (overlong sequence)" + at();
      case common::Utf8Error::beyond_max:
        return "invalid UTF-8 (beyond U+10FFFF)" + at();
      case common::Utf8Error::surrogate:
        return code_point(cp) + at() + " is a surrogate, not a character";
    }
    if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
      return "control character " + code_point(cp) + at() + " (XML allows only tab, LF and CR)";
    if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
      return code_point(cp) + at() + " is a noncharacter";
    i += next.length;
  }
  return {};
}

std::string node_path(const pugi::xml_node& node) {
  std::vector<std::string> steps;  // leaf first
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent())
    steps.push_back(element_step(n));
  // A hostile document may nest thousands deep: keep the root end and the leaf end.
  constexpr size_t kHead = 4, kTail = 8;
  std::string path;
  for (size_t i = steps.size(); i-- > 0;) {
    const size_t from_root = steps.size() - 1 - i;
    if (steps.size() > kHead + kTail && from_root == kHead) {
      path += "/…";
      i = kTail;
      continue;
    }
    path += "/" + steps[i];
  }
  return path.empty() ? "/" : path;
}

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
  // In a byte-per-character encoding a NUL byte is a NUL character, which pugixml takes as
  // the end of the text it is in.
  if (r.encoding == pugi::encoding_utf8 || r.encoding == pugi::encoding_latin1) {
    if (size_t at = xml.find('\0'); at != std::string_view::npos)
      refuse(source, "contains a NUL byte at offset " + std::to_string(at));
  }
  if (!r) {
    throw AlertParseError(std::string(source) + ": not well-formed XML: " + r.description() +
                          " at offset " + std::to_string(r.offset));
  }
  if (size_t at = nul_reference(xml); at != std::string_view::npos)
    refuse(source, "a character reference to U+0000 at offset " + std::to_string(at) +
                       " (XML does not allow that character)");

  // Iterative walk: hostile inputs may nest deeply, recursion could exhaust the stack.
  std::vector<pugi::xml_node> stack{doc};
  while (!stack.empty()) {
    pugi::xml_node n = stack.back();
    stack.pop_back();
    if (n.type() == pugi::node_doctype)
      refuse(source, "contains a DOCTYPE declaration (DTDs and entities are not processed)");
    check_text_of(n, source);
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

void refuse_repeated(const pugi::xml_node& node, std::initializer_list<std::string_view> single,
                     std::string_view source) {
  for (std::string_view name : single) {
    bool seen = false;
    for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element || local_name(c) != name) continue;
      if (seen) {
        throw AlertParseError(std::string(source) + ": " + node_path(c) + ": <" +
                              std::string(name) + "> may appear only once");
      }
      seen = true;
    }
  }
}

std::string child_text(const pugi::xml_node& node, std::string_view name) {
  pugi::xml_node c = child(node, name);
  return c ? trimmed(c.child_value()) : std::string{};
}

}  // namespace bcp::alerts::detail
