// Hardened XML loading and namespace-agnostic navigation shared by the CAP and JMA parsers.
#pragma once

#include <initializer_list>
#include <pugixml.hpp>
#include <string>
#include <string_view>

namespace bcp::alerts::detail {

// Parses `xml` without DTD or entity processing. Refuses (AlertParseError prefixed with
// `source`, e.g. "CAP") any document with a DOCTYPE or ENTITY declaration or an XInclude
// element, and anything that is not well-formed. pugixml never opens files or URLs; the
// refusal makes hostile documents fail loudly instead of being half-interpreted.
// Every name, attribute value and text of the document must be text the wall and the journal
// can hold (text_problem below): pugixml itself passes invalid UTF-8 through and writes
// references like &#xD800; as bytes no UTF-8 reader accepts, and &#0; silently cuts a text.
// The refusal names the element ("CAP: /alert/info/headline: invalid UTF-8 …").
void load_safely(pugi::xml_document& doc, std::string_view xml, std::string_view source);

// Why `text` is not text XML 1.0 and the journal can carry, or "" when it is: invalid UTF-8
// (bad, truncated or overlong sequences, beyond U+10FFFF, surrogates), a control character
// XML excludes (all of C0 but tab, LF and CR), U+FFFE/U+FFFF, or another Unicode
// noncharacter (U+FDD0..U+FDEF, the last two code points of every plane). Never quotes the text.
std::string text_problem(std::string_view text);

// Where a node sits, as local names from the root: "/alert/info[2]/headline". An element
// with same-named siblings gets its 1-based position; an attribute ends in "/@name".
std::string node_path(const pugi::xml_node& node);

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

// Refuses (AlertParseError "<source>: /alert/scope[2]: <scope> may appear only once") a node
// with two children of any of the `single` local names: a reader that takes the first and one
// that takes the last must never see different documents.
void refuse_repeated(const pugi::xml_node& node, std::initializer_list<std::string_view> single,
                     std::string_view source);

template <typename F>
void for_each_child(const pugi::xml_node& node, std::string_view name, F&& f) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c) == name) f(c);
  }
}

}  // namespace bcp::alerts::detail
