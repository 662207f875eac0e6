// The stream's frames (frames.hpp). The object frames are dumped from nlohmann::json, whose
// objects keep their members sorted: that order is the wire's and the tests compare it. The
// event and snapshot frames are spliced so the event/situation is serialised only once.
#include "bcp/model/frames.hpp"

#include <cstdint>
#include <exception>
#include <limits>
#include <utility>

#include "bcp/model/codec.hpp"
#include "bcp/model/strict_json.hpp"

namespace bcp::model {

using nlohmann::json;

namespace {

// Names below are distinct from other model files': they share a unity batch.
FrameError frames_bad_hello(std::string message) {
  return FrameError{"bad_hello", std::move(message), {}};
}

FrameError frames_bad_frame(std::string message) {
  return FrameError{"bad_frame", std::move(message), {}};
}

std::string frames_wrong_type(const char* pointer, const char* expected, const json& got) {
  return std::string(pointer) + ": expected " + expected + ", got " + describe_json(got);
}

// nlohmann keeps non-negative integers as unsigned and negative ones as signed; either way
// the value is compared as written, never narrowed (4294967297 must not read as 1).
bool frames_is_version(const json& v, std::int64_t wanted) {
  if (v.is_number_unsigned())
    return wanted >= 0 && v.get<std::uint64_t>() == static_cast<std::uint64_t>(wanted);
  if (v.is_number_integer()) return v.get<std::int64_t>() == wanted;
  return false;
}

// A seq: an integer 0..2^63-1.
std::optional<Seq> frames_seq_value(const json& v) {
  if (v.is_number_unsigned()) {
    if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<Seq>::max()))
      return std::nullopt;
    return static_cast<Seq>(v.get<std::uint64_t>());
  }
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return v.get<std::int64_t>();
  return std::nullopt;
}

// The member `name` of `frame` as a seq, or why not ("/seq: …").
std::variant<Seq, std::string> frames_member_seq(const json& frame, const char* name,
                                                 const char* pointer) {
  auto it = frame.find(name);
  if (it == frame.end()) return std::string(pointer) + ": missing";
  if (auto seq = frames_seq_value(*it)) return *seq;
  return frames_wrong_type(pointer, "a non-negative integer", *it);
}

json frames_version() { return kProtocolVersion; }

std::string frames_dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// What the decoders below return on success or failure.
using Decoded = std::variant<ServerFrame, FrameError>;

Decoded frames_decode_hello_answer(const json& f) {
  auto seq = frames_member_seq(f, "seq", "/seq");
  if (auto* e = std::get_if<std::string>(&seq)) return frames_bad_frame(*e);
  auto mode = f.find("mode");
  if (mode == f.end()) return frames_bad_frame("/mode: missing");
  HelloAnswerFrame out{std::get<Seq>(seq), StreamMode::snapshot};
  if (*mode == "replay") {
    out.mode = StreamMode::replay;
  } else if (*mode != "snapshot") {
    return frames_bad_frame(frames_wrong_type("/mode", "\"replay\" or \"snapshot\"", *mode));
  }
  return ServerFrame{out};
}

Decoded frames_decode_snapshot(const json& f) {
  auto seq = frames_member_seq(f, "seq", "/seq");
  if (auto* e = std::get_if<std::string>(&seq)) return frames_bad_frame(*e);
  if (auto region = f.find("region"); region != f.end()) {
    if (!region->is_object())
      return frames_bad_frame(frames_wrong_type("/region", "an object", *region));
    return ServerFrame{RegionSnapshotFrame{std::get<Seq>(seq), *region}};
  }
  auto situation = f.find("situation");
  if (situation == f.end()) return frames_bad_frame("/situation: missing");
  if (!situation->is_object())
    return frames_bad_frame(frames_wrong_type("/situation", "an object", *situation));
  try {
    return ServerFrame{SnapshotFrame{std::get<Seq>(seq), situation_from_json(*situation)}};
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return frames_bad_frame(std::string("/situation: ") + e.what());
  }
}

Decoded frames_decode_event(const json& f) {
  EventFrame out;
  if (auto town = f.find("town"); town != f.end()) {
    if (!town->is_string()) return frames_bad_frame(frames_wrong_type("/town", "a string", *town));
    out.town = town->get<std::string>();
  }
  auto event = f.find("event");
  if (event == f.end()) return frames_bad_frame("/event: missing");
  if (!event->is_object())
    return frames_bad_frame(frames_wrong_type("/event", "an object", *event));
  try {
    out.event = event_from_json(*event);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return frames_bad_frame(std::string("/event: ") + e.what());
  }
  return ServerFrame{std::move(out)};
}

Decoded frames_decode_heartbeat(const json& f) {
  auto seq = frames_member_seq(f, "seq", "/seq");
  if (auto* e = std::get_if<std::string>(&seq)) return frames_bad_frame(*e);
  auto at = f.find("at");
  if (at == f.end()) return frames_bad_frame("/at: missing");
  if (!at->is_string()) return frames_bad_frame(frames_wrong_type("/at", "a time string", *at));
  try {
    return ServerFrame{
        HeartbeatFrame{std::get<Seq>(seq), parse_time(at->get_ref<const std::string&>(), "/at")}};
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return frames_bad_frame(e.what());
  }
}

Decoded frames_decode_error(const json& f) {
  ErrorFrame out;
  auto code = f.find("code");
  if (code == f.end()) return frames_bad_frame("/code: missing");
  if (!code->is_string()) return frames_bad_frame(frames_wrong_type("/code", "a string", *code));
  out.code = code->get<std::string>();
  if (auto message = f.find("message"); message != f.end()) {
    if (!message->is_string())
      return frames_bad_frame(frames_wrong_type("/message", "a string", *message));
    out.message = message->get<std::string>();
  } else {
    out.message = out.code;
  }
  if (auto client = f.find("client_version"); client != f.end()) out.client_version = *client;
  if (auto daemon = f.find("daemon_version"); daemon != f.end()) {
    if (!daemon->is_number_integer() || !frames_seq_value(*daemon) ||
        *frames_seq_value(*daemon) > std::numeric_limits<int>::max()) {
      return frames_bad_frame(
          frames_wrong_type("/daemon_version", "a non-negative integer", *daemon));
    }
    out.daemon_version = static_cast<int>(*frames_seq_value(*daemon));
  }
  return ServerFrame{std::move(out)};
}

}  // namespace

std::string_view to_string(StreamMode mode) {
  return mode == StreamMode::replay ? "replay" : "snapshot";
}

// --- encoding ---

std::string encode(const HelloFrame& frame) {
  json j = {{"v", frames_version()}, {"type", kFrameHello}, {"display", frame.display}};
  if (frame.token) j["token"] = *frame.token;
  j["since"] = frame.since ? json(*frame.since) : json(nullptr);
  return frames_dump(j);
}

std::string encode(const HelloAnswerFrame& frame) {
  return frames_dump({{"v", frames_version()},
                      {"type", kFrameHello},
                      {"seq", frame.seq},
                      {"mode", to_string(frame.mode)}});
}

std::string encode_snapshot_frame(Seq seq, std::string_view situation_json) {
  std::string text = R"({"v":1,"type":"snapshot","seq":)";
  text += std::to_string(seq);
  text += R"(,"situation":)";
  text += situation_json;
  text += '}';
  return text;
}

std::string encode(const SnapshotFrame& frame) {
  return encode_snapshot_frame(frame.seq, situation_to_json(frame.situation).dump());
}

std::string encode(const RegionSnapshotFrame& frame) {
  return frames_dump({{"v", frames_version()},
                      {"type", kFrameSnapshot},
                      {"seq", frame.seq},
                      {"region", frame.region}});
}

std::string encode_event_frame(std::string_view event_json) {
  std::string text = R"({"v":1,"type":"event","event":)";
  text.reserve(text.size() + event_json.size() + 1);
  text += event_json;
  text += '}';
  return text;
}

std::string encode_town_event_frame(std::string_view town, std::string_view event_json) {
  std::string text = R"({"v":1,"type":"event","town":)";
  text += frames_dump(json(std::string(town)));
  text += R"(,"event":)";
  text += event_json;
  text += '}';
  return text;
}

std::string encode(const EventFrame& frame) {
  const std::string event = to_json(frame.event).dump();
  return frame.town ? encode_town_event_frame(*frame.town, event) : encode_event_frame(event);
}

std::string encode(const HeartbeatFrame& frame) {
  return frames_dump({{"v", frames_version()},
                      {"type", kFrameHeartbeat},
                      {"seq", frame.seq},
                      {"at", format_time(frame.at)}});
}

std::string encode(const ErrorFrame& frame) {
  json j = {{"v", frames_version()},
            {"type", kFrameError},
            {"code", frame.code},
            {"message", frame.message}};
  if (frame.daemon_version) j["daemon_version"] = *frame.daemon_version;
  if (frame.client_version) j["client_version"] = *frame.client_version;
  return frames_dump(j);
}

ErrorFrame refusal_frame(const FrameError& refusal) {
  ErrorFrame out{refusal.code, refusal.message, refusal.client_version, std::nullopt};
  if (refusal.client_version) out.daemon_version = kProtocolVersion;
  return out;
}

// --- decoding ---

std::variant<HelloFrame, FrameError> decode_hello(std::string_view text) try {
  if (text.size() > kMaxHelloBytes)
    return frames_bad_hello("hello longer than " + std::to_string(kMaxHelloBytes) + " bytes");
  StrictJson parsed = parse_strict_json(text);
  if (!parsed.value) return frames_bad_hello("hello is not valid JSON: " + parsed.error);
  const json& hello = *parsed.value;
  if (!hello.is_object()) return frames_bad_hello("first frame must be a hello object");

  auto type = hello.find("type");
  if (type == hello.end()) return frames_bad_hello("/type: missing (expected \"hello\")");
  if (!type->is_string() || type->get_ref<const std::string&>() != kFrameHello) {
    return frames_bad_hello("/type: expected \"hello\", got " + describe_json(*type));
  }

  auto v = hello.find("v");
  if (v == hello.end()) return frames_bad_hello("/v: missing protocol version");
  if (!v->is_number_integer())
    return frames_bad_hello(frames_wrong_type("/v", "an integer protocol version", *v));
  if (!frames_is_version(*v, kProtocolVersion)) {
    return FrameError{"version_mismatch",
                      "daemon speaks protocol version " + std::to_string(kProtocolVersion) +
                          ", the wall sent version " + v->dump(),
                      *v};
  }

  HelloFrame out;
  if (auto display = hello.find("display"); display != hello.end()) {
    if (!display->is_string())
      return frames_bad_hello(frames_wrong_type("/display", "a string", *display));
    if (display->get_ref<const std::string&>().size() > kMaxDisplayName) {
      return frames_bad_hello("/display: longer than " + std::to_string(kMaxDisplayName) +
                              " bytes");
    }
    out.display = display->get<std::string>();
  }
  if (auto token = hello.find("token"); token != hello.end()) {
    if (!token->is_string())
      return frames_bad_hello(frames_wrong_type("/token", "a string", *token));
    out.token = token->get<std::string>();
  }
  if (auto since = hello.find("since"); since != hello.end() && !since->is_null()) {
    auto seq = frames_seq_value(*since);
    if (!seq)
      return frames_bad_hello(
          frames_wrong_type("/since", "null or a non-negative integer", *since));
    out.since = *seq;
  }
  return out;
} catch (const std::bad_alloc&) {
  throw;
} catch (const std::exception& e) {
  return frames_bad_hello(std::string("hello could not be read: ") + e.what());
}

std::variant<ServerFrame, FrameError> decode_server_frame(std::string_view text) try {
  if (text.size() > kMaxServerFrameBytes)
    return frames_bad_frame("frame longer than " + std::to_string(kMaxServerFrameBytes) + " bytes");
  StrictJson parsed = parse_strict_json(text);
  if (!parsed.value) return frames_bad_frame("frame is not valid JSON: " + parsed.error);
  const json& f = *parsed.value;
  if (!f.is_object()) return frames_bad_frame("frame is not a JSON object");

  auto type_it = f.find("type");
  if (type_it == f.end()) return frames_bad_frame("/type: missing");
  if (!type_it->is_string())
    return frames_bad_frame(frames_wrong_type("/type", "a string", *type_it));
  const std::string& type = type_it->get_ref<const std::string&>();

  auto v = f.find("v");
  if (v == f.end()) return frames_bad_frame("/v: missing protocol version");
  if (!v->is_number_integer())
    return frames_bad_frame(frames_wrong_type("/v", "an integer protocol version", *v));
  // A daemon of another version still says why it refuses, in its own version's error frame.
  if (type != kFrameError && !frames_is_version(*v, kProtocolVersion)) {
    return frames_bad_frame("/v: expected " + std::to_string(kProtocolVersion) + ", got " +
                            v->dump());
  }

  if (type == kFrameHello) return frames_decode_hello_answer(f);
  if (type == kFrameSnapshot) return frames_decode_snapshot(f);
  if (type == kFrameEvent) return frames_decode_event(f);
  if (type == kFrameHeartbeat) return frames_decode_heartbeat(f);
  if (type == kFrameError) return frames_decode_error(f);
  return ServerFrame{UnknownFrame{type}};
} catch (const std::bad_alloc&) {
  throw;
} catch (const std::exception& e) {
  return frames_bad_frame(std::string("frame could not be read: ") + e.what());
}

}  // namespace bcp::model
