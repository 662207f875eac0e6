// bench-distribution's town: the sample town's settings and key pair with a generated roster of
// N staff, every one with a LINE WORKS account, and its lineworks_api pointed at a stand-in
// tenant on loopback. No threads here.
#pragma once

#include <filesystem>
#include <set>
#include <string>

#include "bcp/tools/lineworks_tenant.hpp"

namespace bcp::bench {

// The tenant that knows the sample town's app (client id and secret, service account, bot,
// public key), accepting messages only to the generated staff's userIds.
tools::TenantSettings sample_app_tenant(const std::filesystem::path& sample_town_dir,
                                        const std::set<std::string>& users);

// The userIds of the generated staff: lw-b0001 … lw-bNNNN.
std::set<std::string> generated_users(int staff);

struct BenchTownOptions {
  std::filesystem::path sample_town_dir;  // config/sample-town
  std::filesystem::path dir;              // where town.json and roster.json are written
  int staff = 1000;
  std::string auth_url;  // the tenant's
  std::string api_url;
  int messages_per_minute = 240;
};

// Writes dir/roster.json and dir/town.json: a copy of the sample town.json with every
// relative path made absolute, the roster replaced, reminders off (the benchmark measures the
// first distribution alone) and the per-token request limit off (the talk load posts with one
// token far above it, as in bench/lib.sh). Returns the town.json path. Throws
// std::runtime_error naming what could not be read or written.
std::filesystem::path write_bench_town(const BenchTownOptions& options);

}  // namespace bcp::bench
