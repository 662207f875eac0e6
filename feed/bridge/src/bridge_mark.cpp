// The "bridged up to" mark file (see bridge_mark.hpp): {"town":"<id>","bridged":N}.
#include "bridge_mark.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace bcp::bridge::detail {

std::optional<std::uint64_t> load_mark(const std::filesystem::path& file, const std::string& town,
                                       std::string& problem) {
  problem.clear();
  std::error_code ec;
  if (file.empty() || !std::filesystem::exists(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) {
    problem = "cannot be read";
    return std::nullopt;
  }
  const auto doc = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("town") || !doc["town"].is_string() ||
      !doc.contains("bridged") || !doc["bridged"].is_number_unsigned()) {
    problem = "is not a bridge mark";
    return std::nullopt;
  }
  if (doc["town"].get<std::string>() != town) {
    problem = "belongs to town \"" + doc["town"].get<std::string>() + "\"";
    return std::nullopt;
  }
  return doc["bridged"].get<std::uint64_t>();
}

void store_mark(const std::filesystem::path& file, const std::string& town, std::uint64_t seq) {
  const std::filesystem::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << nlohmann::json{{"town", town}, {"bridged", seq}}.dump() << "\n";
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) throw std::runtime_error("cannot rename " + tmp.string() + ": " + ec.message());
}

}  // namespace bcp::bridge::detail
