#pragma once
// The server's client connections as the kernel sees them. cpp-httplib 0.11.4 keeps
// them to itself (each in a pool thread, none visible to handlers), so chirp finds them
// through /proc/self/fd when it must act on them: at shutdown, to close the idle and
// half-received ones at once, and under pressure, to free the threads slow clients hold.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace chirp::server {

/// A client connection: its socket and the peer it is with.
struct ClientSocket {
  int fd = -1;
  std::string peer;  ///< "address:port", as httplib names the request's remote
  std::uint64_t inode = 0;
};

/// "ADDRESS:PORT", the key that names a connection in every place below.
std::string peer_key(const std::string& address, int port);

class Connections {
public:
  /// A handler is running for the request from PEER: its connection is left alone
  /// until request_finished(PEER).
  void handler_started(const std::string& peer);

  /// The open client connections of the server listening on LISTEN_PORT.
  static std::vector<ClientSocket> client_sockets(int listen_port);

  /// Ends (shutdown(2), which wakes the thread waiting on it) every client connection
  /// with no handler running: idle keep-alive connections, silent ones, and requests
  /// still arriving. Returns how many.
  int close_idle(int listen_port);

  /// Connections with no handler running that were first seen more than MAX_AGE ago
  /// without a request finishing since: ended as close_idle does. Called now and then;
  /// bounds how long a client may take over its request line and headers.
  int close_slow(int listen_port, std::chrono::steady_clock::duration max_age);

  /// A request from PEER finished (its response was written, or it failed).
  void request_finished(const std::string& peer);

private:
  std::mutex m_mutex;
  std::multiset<std::string> m_in_handler;
  /// Since when each connection (by socket inode) has been waiting for a request.
  std::unordered_map<std::uint64_t, std::chrono::steady_clock::time_point> m_waiting_since;
  std::unordered_map<std::string, std::uint64_t> m_inode_of_peer;
};

}  // namespace chirp::server
