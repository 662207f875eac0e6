// Who may ask for what by where they connect from: /metrics answers only on loopback.
#pragma once

#include <boost/asio/ip/address.hpp>

namespace bcp::daemon {

// 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6 (::ffff:127.x.y.z). An unset
// (default) address is not loopback.
bool is_loopback_peer(const boost::asio::ip::address& peer);

}  // namespace bcp::daemon
