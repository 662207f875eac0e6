// Shared by the LINE WORKS suites: the sample town's public key pair, a freshly generated
// one (a key the tenant does not know), a client config pointing at a stand-in tenant, and a
// collector that waits for the client's done callbacks with a deadline.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "bcp/config/config.hpp"
#include "bcp/lineworks/api_client.hpp"
#include "bcp/tools/lineworks_tenant.hpp"

namespace bcp::lineworks::test {

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::filesystem::path sample_town() {
  return std::filesystem::path(BCP_SOURCE_DIR) / "config/sample-town";
}
inline std::string sample_private_key() {
  return read_text(sample_town() / "lineworks-private-key.pem");
}
inline std::string sample_public_key() {
  return read_text(sample_town() / "lineworks-public-key.pem");
}

// A new RSA key pair as PEM (PKCS#8 private, SubjectPublicKeyInfo public).
inline std::pair<std::string, std::string> generate_key_pair(unsigned bits = 2048) {
  EVP_PKEY* key = EVP_RSA_gen(bits);
  auto pem = [&](bool priv) {
    BIO* bio = BIO_new(BIO_s_mem());
    if (priv) {
      PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    } else {
      PEM_write_bio_PUBKEY(bio, key);
    }
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return out;
  };
  auto out = std::make_pair(pem(true), pem(false));
  EVP_PKEY_free(key);
  return out;
}

inline tools::TenantSettings tenant_settings() {
  tools::TenantSettings s;
  s.client_id = "test-client";
  s.client_secret = "test-secret";
  s.service_account = "test.serviceaccount@example-town";
  s.bot_id = "2000001";
  s.public_key_pem = sample_public_key();
  return s;
}

// The client's config for `tenant`, signed with the sample town's private key.
inline config::LineWorksApi api_for(const tools::LineWorksTenant& tenant, int per_minute = 60'000) {
  config::LineWorksApi api;
  api.auth_url = tenant.auth_url();
  api.api_url = tenant.api_url();
  api.client_id = "test-client";
  api.client_secret = "test-secret";
  api.service_account = "test.serviceaccount@example-town";
  api.private_key_pem = sample_private_key();
  api.bot_id = "2000001";
  api.messages_per_minute = per_minute;
  return api;
}

// Short waits everywhere: tests wait on conditions, never on these.
inline ClientOptions fast_options() {
  ClientOptions o;
  o.timeout = std::chrono::milliseconds(2'000);
  o.backoff_base = std::chrono::milliseconds(20);
  o.backoff_cap = std::chrono::milliseconds(80);
  o.max_attempts = 4;
  return o;
}

// The done callbacks of one test, in the order they ran.
class Results {
 public:
  ApiClient::Done callback(std::string tag = {}) {
    return [this, tag](const SendResult& r) {
      std::lock_guard lock(mutex_);
      results_.push_back({tag, r});
      cv_.notify_all();
    };
  }
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return results_.size() >= n; });
  }
  std::vector<std::pair<std::string, SendResult>> all() {
    std::lock_guard lock(mutex_);
    return results_;
  }
  SendResult at(std::size_t i) {
    std::lock_guard lock(mutex_);
    return results_.at(i).second;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::pair<std::string, SendResult>> results_;
};

inline OutgoingMessage text_to(const std::string& user, const std::string& text) {
  return OutgoingMessage{Recipient::user(user), text_content(text)};
}

}  // namespace bcp::lineworks::test
