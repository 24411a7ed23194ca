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
  /// A handler is about to run for the request from PEER: its connection is left alone
  /// until request_finished(PEER). False, and nothing is marked, when the connection
  /// was already ended by close_idle or close_slow: httplib had read the whole request
  /// just before, but no response can reach the client now, so the handler must not
  /// run (a post would be stored that the client never saw acknowledged).
  [[nodiscard]] bool handler_started(const std::string& peer);

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
  /// Connections ended by close_idle or close_slow (peer -> socket inode), until
  /// close_slow sees that socket gone.
  std::unordered_map<std::string, std::uint64_t> m_ended;
};

/// Per HTTP thread: notices requests pipelined behind the one being answered.
/// cpp-httplib 0.11.4 reads a connection through a 4 KiB buffer that it makes anew for
/// each request of a kept-alive connection, so requests that arrived together with the
/// one being answered sit in a buffer that is then thrown away: they would be dropped
/// silently. The kernel tells how many bytes the connection received and how many are
/// still unread (TCP_INFO, FIONREAD); what httplib read beyond the requests it parsed
/// is what would be lost. Such a response says Connection: close and ends the
/// connection, which RFC 9112 section 9.3.2 lets a client retry on.
class PipelineWatch {
public:
  /// Whether the connection of the request from PEER (a thread serves one connection at
  /// a time) holds bytes httplib read beyond this request, which took REQUEST_BYTES on
  /// the wire; LISTEN_PORT finds the connection's socket the first time.
  bool read_beyond(const std::string& peer, int listen_port, std::uint64_t request_bytes);
  /// The socket of the connection last looked at, or -1.
  int fd() const { return m_fd; }

private:
  int m_fd = -1;
  std::string m_peer;
  std::uint64_t m_consumed = 0;  ///< bytes of this connection's requests so far
};

/// Reads and drops whatever the kernel holds unread for FD (a closing connection's
/// pipelined requests), so that closing it ends with FIN rather than RST.
void drain_unread(int fd);

}  // namespace chirp::server
