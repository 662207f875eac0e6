// Strict JSON reading for config files: positions for syntax errors, pointers for
// everything else.
#include <fstream>
#include <sstream>
#include <system_error>

#include "internal.hpp"

namespace bcp::config::detail {

std::string json_quote(std::string_view s) {
  // Invalid UTF-8 would make dump() throw; such values are reported elsewhere.
  return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

const char* type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return "value";
  }
}

std::optional<std::string> read_file(const std::filesystem::path& path, std::string& reason) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    reason = "not found";
    return std::nullopt;
  }
  if (std::filesystem::is_directory(path, ec)) {
    reason = "is a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    reason = "cannot be read";
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

// Line and column (in characters, both 1-based) of byte offset `pos`.
std::pair<int, int> line_column(std::string_view text, std::size_t pos) {
  int line = 1, column = 1;
  // An editor shows no BOM, so it takes no column.
  const std::size_t start = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  for (std::size_t i = start; i < pos && i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line, column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column;
    }
  }
  return {line, column};
}

struct Frame {
  bool is_object;
  std::set<std::string> keys;
  std::string key;  // of the member being parsed
  long index = -1;  // of the element being parsed
  std::string segment() const { return is_object ? pointer_token(key) : std::to_string(index); }
};

}  // namespace

std::optional<json> parse_json(std::string_view text, const std::string& file, Errors& errors) {
  std::vector<Frame> stack;
  std::vector<std::string> duplicates;
  auto element_begins = [&] {
    if (!stack.empty() && !stack.back().is_object) ++stack.back().index;
  };
  json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        element_begins();
        stack.push_back(Frame{true, {}, {}, -1});
        break;
      case json::parse_event_t::array_start:
        element_begins();
        stack.push_back(Frame{false, {}, {}, -1});
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!stack.empty()) stack.pop_back();
        break;
      case json::parse_event_t::key: {
        auto& top = stack.back();
        top.key = parsed.get<std::string>();
        if (!top.keys.insert(top.key).second) {
          std::string where;
          for (const auto& f : stack) where += "/" + f.segment();
          duplicates.push_back(where);
        }
        break;
      }
      case json::parse_event_t::value:
        element_begins();
        break;
    }
    return true;
  };
  try {
    json doc = json::parse(text.begin(), text.end(), callback);
    for (const auto& where : duplicates) errors.add(file, where, "duplicate key");
    if (!duplicates.empty()) return std::nullopt;
    return doc;
  } catch (const json::parse_error& e) {
    // e.byte is 1-based and points at the offending character.
    auto [line, column] = line_column(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string what = e.what();
    // Keep nlohmann's description but drop its own prefix and byte-based position.
    auto p = what.find("column ");
    if (p != std::string::npos) p = what.find(": ", p);
    std::string reason = p == std::string::npos ? what : what.substr(p + 2);
    errors.add(file, "line " + std::to_string(line) + ", column " + std::to_string(column),
               "invalid JSON: " + reason);
    return std::nullopt;
  }
}

const json* ObjectReader::get(const std::string& key, bool required) {
  seen_.insert(key);
  auto it = obj_.find(key);
  if (it == obj_.end()) {
    if (required) errors_.add(file_, at(key), "required field missing");
    return nullptr;
  }
  return &*it;
}

void ObjectReader::wrong_type(const std::string& key, const char* expected, const json& got) {
  errors_.add(file_, at(key), std::string("expected ") + expected + ", got " + type_name(got));
}

std::optional<std::string> ObjectReader::string(const std::string& key, bool required,
                                                bool allow_empty) {
  const json* j = get(key, required);
  if (!j) return std::nullopt;
  if (!j->is_string()) {
    wrong_type(key, "string", *j);
    return std::nullopt;
  }
  auto s = j->get<std::string>();
  if (s.empty() && !allow_empty) {
    errors_.add(file_, at(key), "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> ObjectReader::integer(const std::string& key, bool required) {
  const json* j = get(key, required);
  if (!j) return std::nullopt;
  if (j->is_number_unsigned() && j->get<std::uint64_t>() > INT64_MAX) {
    errors_.add(file_, at(key), "integer out of range");
    return std::nullopt;
  }
  if (!j->is_number_integer()) {
    wrong_type(key, "integer", *j);
    return std::nullopt;
  }
  return j->get<std::int64_t>();
}

std::optional<bool> ObjectReader::boolean(const std::string& key, bool required) {
  const json* j = get(key, required);
  if (!j) return std::nullopt;
  if (!j->is_boolean()) {
    wrong_type(key, "boolean", *j);
    return std::nullopt;
  }
  return j->get<bool>();
}

const json* ObjectReader::array(const std::string& key, bool required) {
  const json* j = get(key, required);
  if (j && !j->is_array()) {
    wrong_type(key, "array", *j);
    return nullptr;
  }
  return j;
}

const json* ObjectReader::object(const std::string& key, bool required) {
  const json* j = get(key, required);
  if (j && !j->is_object()) {
    wrong_type(key, "object", *j);
    return nullptr;
  }
  return j;
}

const json* ObjectReader::any(const std::string& key, bool required) { return get(key, required); }

void ObjectReader::finish() {
  for (const auto& [key, value] : obj_.items()) {
    if (!key.empty() && key[0] == '_') continue;
    if (!seen_.count(key)) errors_.add(file_, at(key), "unknown field");
  }
}

bool UniqueCheck::check(const std::string& value, const std::string& file, const std::string& where,
                        Errors& errors) {
  auto [it, inserted] = first_.emplace(value, where);
  if (inserted) return true;
  errors.add(file, where,
             "duplicate " + what_ + " " + json_quote(value) + " (first at " + it->second + ")");
  return false;
}

bool is_lower_hex_sha256(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace bcp::config::detail
