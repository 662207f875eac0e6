// checkins.spread: many staff answering a roll call over a time window. The counts per
// answer follow the fractions exactly (largest remainder), so a test can predict the final
// tallies; the fixed-seed RNG only decides who answers what, and when.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "scenario_internal.hpp"

namespace bcp::tools::detail {

namespace {

using nlohmann::json;

// Portable across standard libraries (std::*_distribution are not).
struct Rng {
  std::mt19937 gen;
  explicit Rng(std::uint32_t seed) : gen(seed) {}
  double unit() { return static_cast<double>(gen() >> 5) / static_cast<double>(1u << 27); }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(unit() * static_cast<double>(n)); }
};

template <typename T>
void shuffle(std::vector<T>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

}  // namespace

std::vector<std::string> allocate(const json& fractions, const std::vector<std::string>& names, std::size_t n,
                                  const std::string& where) {
  std::vector<double> weights;
  double sum = 0;
  for (const auto& name : names) {
    double w = 0;
    if (fractions.is_object() && fractions.contains(name)) {
      if (!fractions[name].is_number() || fractions[name].get<double>() < 0) {
        throw ScenarioError(where + "/" + name + ": must be a non-negative number");
      }
      w = fractions[name].get<double>();
    }
    weights.push_back(w);
    sum += w;
  }
  if (fractions.is_object()) {
    for (const auto& [key, _] : fractions.items()) {
      if (std::find(names.begin(), names.end(), key) == names.end()) {
        throw ScenarioError(where + ": unknown answer \"" + key + "\"");
      }
    }
  }
  if (sum <= 0) throw ScenarioError(where + ": fractions must add up to more than 0");
  std::vector<std::size_t> counts(names.size());
  std::vector<std::pair<double, std::size_t>> remainders;
  std::size_t given = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    double exact = weights[i] / sum * static_cast<double>(n);
    counts[i] = static_cast<std::size_t>(std::floor(exact));
    given += counts[i];
    remainders.push_back({exact - std::floor(exact), i});
  }
  std::stable_sort(remainders.begin(), remainders.end(), [](auto& a, auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < n; ++k, ++given) ++counts[remainders[k % remainders.size()].second];
  std::vector<std::string> out;
  for (std::size_t i = 0; i < names.size(); ++i) out.insert(out.end(), counts[i], names[i]);
  return out;
}

std::vector<PlannedStep> expand_spread(const json& step, double at, std::size_t index, const config::TownConfig& town) {
  const std::string where = "step " + std::to_string(index) + " (checkins.spread)";
  std::vector<std::string> staff;
  if (!step.contains("staff") || step["staff"] == "all") {
    for (const auto& s : town.staff) staff.push_back(s.id);
  } else if (step["staff"].is_array()) {
    for (const auto& s : step["staff"]) {
      if (!s.is_string() || !town.find_staff(s.get<std::string>())) {
        throw ScenarioError(where + ": /staff: unknown staff " + s.dump());
      }
      staff.push_back(s.get<std::string>());
    }
  } else {
    throw ScenarioError(where + ": /staff: \"all\" or a list of staff ids");
  }
  const double over = step.value("over", 300.0);
  const double never = step.value("never", 0.0);
  if (over < 0 || never < 0 || never > 1) throw ScenarioError(where + ": /over >= 0 and 0 <= /never <= 1");
  const std::string via = step.value("via", std::string("mixed"));
  if (via != "mixed" && via != "api" && via != "lineworks") {
    throw ScenarioError(where + ": /via: mixed, api or lineworks");
  }
  Rng rng(step.value("seed", 1u));
  shuffle(staff, rng);
  const auto silent = static_cast<std::size_t>(std::llround(never * static_cast<double>(staff.size())));
  const std::size_t answering = staff.size() - std::min(silent, staff.size());
  staff.resize(answering);

  // Safety from the fractions, ordered mildest first; availability to work is handed out
  // in the same order (yes, later, no), so the most injured are the ones who cannot come.
  auto safety = allocate(step.value("safety", json{{"safe", 1}}),
                         {"safe", "minor_injury", "serious_injury", "needs_help"}, answering, where + ": /safety");
  auto work = allocate(step.value("can_work", json{{"yes", 1}}), {"yes", "later", "unknown", "no"}, answering,
                       where + ": /can_work");
  static const char* kLocations[] = {"自宅", "庁舎", "避難所", "移動中", "実家"};

  std::vector<PlannedStep> out;
  for (std::size_t i = 0; i < answering; ++i) {
    // Most answers come early, a long tail later (1 - e^-3u, rescaled to the window).
    const double u = rng.unit();
    const double offset = over * (1 - std::exp(-3 * u)) / (1 - std::exp(-3.0));
    json c = {{"do", "checkin"},
              {"rollcall", step.value("rollcall", std::string("current"))},
              {"staff", staff[i]},
              {"safety", safety[i]},
              {"can_work", work[i]},
              {"via", via == "mixed" ? (i % 2 ? "lineworks" : "api") : via}};
    if (c["via"] == "api") c["location"] = kLocations[rng.below(std::size(kLocations))];
    out.push_back({at + offset, index, std::move(c)});
  }
  return out;
}

}  // namespace bcp::tools::detail
