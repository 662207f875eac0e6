// parse_strict_json: nlohmann's SAX parser (iterative, so deep input cannot overflow the stack
// while parsing) feeding a DOM builder that checks each key against the object being built
// and counts the open containers. Stopping at the first problem also bounds the work done on
// a hostile body.
#include "bcp/model/strict_json.hpp"

#include <utility>
#include <vector>

#include "codec_detail.hpp"

namespace bcp::model {

using nlohmann::json;

namespace {

class StrictBuilder final : public nlohmann::json_sax<json> {
 public:
  explicit StrictBuilder(std::size_t max_depth) : max_depth_(max_depth) {}

  json& root() { return root_; }
  std::string& error() { return error_; }

  bool null() override { return put(nullptr); }
  bool boolean(bool v) override { return put(v); }
  bool number_integer(number_integer_t v) override { return put(v); }
  bool number_unsigned(number_unsigned_t v) override { return put(v); }
  // The parser has already refused non-finite values (parse_error 406 below).
  bool number_float(number_float_t v, const string_t&) override { return put(v); }
  bool string(string_t& v) override { return put(std::move(v)); }
  bool binary(binary_t&) override {
    error_ = "binary values are not JSON";
    return false;
  }

  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    json& object = *open_.back();
    // The object under construction is the set of keys seen so far; comparing after
    // unescaping makes "lev\u0065l" the same key as "level", as every reader sees it.
    if (object.contains(k)) {
      error_ = bounded(pointer(), 96) + ": duplicate key " +
               json(bounded(k, 48)).dump(-1, ' ', false, json::error_handler_t::replace);
      return false;
    }
    key_ = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) override {
    if (ex.id == 406) {
      // nlohmann reports a number beyond double's range (1e400) as out_of_range 406.
      error_ = "number out of range at byte " + std::to_string(position) + ": " +
               bounded(last_token, 32) + " does not fit a double";
      return false;
    }
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error …":
    // keep the description, drop nlohmann's prefix; the last token read can be the whole body.
    std::string_view what = ex.what();
    if (auto close = what.find("] "); close != std::string_view::npos)
      what.remove_prefix(close + 2);
    error_ = bounded(what, 200);
    return false;
  }

 private:
  // Places a value where the parser is: the root, the next array element or the member
  // whose key was just read. Returns the stored value.
  template <typename Value>
  json* place(Value&& v) {
    if (open_.empty()) {
      root_ = json(std::forward<Value>(v));
      return &root_;
    }
    json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(json(std::forward<Value>(v)));
      return &parent.back();
    }
    return &(parent[key_] = json(std::forward<Value>(v)));
  }

  template <typename Value>
  bool put(Value&& v) {
    place(std::forward<Value>(v));
    return true;
  }

  bool open(json container) {
    if (open_.size() >= max_depth_) {
      error_ = bounded(pointer(), 96) + ": nested too deeply (more than " +
               std::to_string(max_depth_) + " levels of arrays and objects)";
      return false;
    }
    std::string segment;
    if (!open_.empty()) {
      segment = open_.back()->is_array() ? std::to_string(open_.back()->size())
                                         : detail::pointer_token(key_);
    }
    // Children are only ever added to the innermost open container, so a pointer to an
    // element of an enclosing array stays valid while it is open.
    open_.push_back(place(std::move(container)));
    segments_.push_back(std::move(segment));
    return true;
  }

  bool close() {
    open_.pop_back();
    segments_.pop_back();
    return true;
  }

  // JSON pointer of the innermost open container ("" for the root).
  std::string pointer() const {
    std::string out;
    for (std::size_t i = 1; i < segments_.size(); ++i) out += "/" + segments_[i];
    return out.empty() ? "/" : out;
  }

  const std::size_t max_depth_;
  json root_;
  std::vector<json*> open_;
  std::vector<std::string> segments_;  // how each open container is reached from its parent
  std::string key_;                    // of the member being parsed
  std::string error_;
};

}  // namespace

StrictJson parse_strict_json(std::string_view text, std::size_t max_depth) {
  StrictBuilder builder(max_depth);
  StrictJson out;
  if (json::sax_parse(text.begin(), text.end(), &builder)) {
    out.value = std::move(builder.root());
  } else {
    out.error = builder.error().empty() ? "invalid JSON" : std::move(builder.error());
  }
  return out;
}

std::string bounded(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  // Back up to the start of a UTF-8 sequence so the cut never splits a character.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "…";
}

std::string describe_json(const json& value, std::size_t max_bytes) {
  switch (value.type()) {
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    case json::value_t::string:
      return json(bounded(value.get_ref<const std::string&>(), max_bytes))
          .dump(-1, ' ', false, json::error_handler_t::replace);
    default:
      return bounded(value.dump(), max_bytes);
  }
}

}  // namespace bcp::model
