// bcp-feedd in-process on an ephemeral loopback port with the sample town and a scratch
// journal, for the tools' tests (scenario player, load generator, bcpctl).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "bcp/config/config.hpp"
#include "bcp/daemon/daemon.hpp"

namespace bcp::tools::test {

inline bcp::config::TownConfig sample_town() {
  auto loaded = bcp::config::load_town(std::filesystem::path(BCP_SOURCE_DIR) /
                                       "config/sample-town/town.json");
  EXPECT_TRUE(loaded.errors.empty());
  return *loaded.config;
}

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = std::filesystem::temp_directory_path() /
            ("bcp-tools-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(data_);
    bcp::daemon::DaemonOptions o;
    o.port = 0;
    o.data_dir = data_;
    daemon_ = std::make_unique<bcp::daemon::Daemon>(town(), o);
    thread_ = std::thread([this] { daemon_->run(); });
  }
  void TearDown() override {
    daemon_->stop();
    thread_.join();
    daemon_.reset();
    std::filesystem::remove_all(data_);
  }
  std::uint16_t port() const { return daemon_->port(); }
  // The town the daemon runs with; a suite may change its copy of the sample town.
  virtual bcp::config::TownConfig town() const { return sample_town(); }

  std::filesystem::path data_;
  std::unique_ptr<bcp::daemon::Daemon> daemon_;
  std::thread thread_;
};

}  // namespace bcp::tools::test
