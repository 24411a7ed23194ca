#include "connections.hpp"

#include <arpa/inet.h>
#include <linux/tcp.h>
#include <sys/ioctl.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <charconv>
#include <cstdlib>

namespace chirp::server {

namespace {

/// The port and "address:port" peer of socket FD's end of a TCP connection; false
/// when FD is not a connected IPv4/IPv6 socket.
bool describe(int fd, int& local_port, std::string& peer) {
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) return false;
  if (local.ss_family == AF_INET) {
    local_port = ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
  } else if (local.ss_family == AF_INET6) {
    local_port = ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
  } else {
    return false;
  }
  sockaddr_storage remote{};
  length = sizeof remote;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &length) != 0) return false;
  char text[INET6_ADDRSTRLEN] = {};
  int port = 0;
  if (remote.ss_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&remote);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    port = ntohs(in->sin_port);
  } else if (remote.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&remote);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    port = ntohs(in6->sin6_port);
  } else {
    return false;
  }
  peer = peer_key(text, port);
  return true;
}

}  // namespace

std::string peer_key(const std::string& address, int port) {
  return address + ":" + std::to_string(port);
}

bool Connections::handler_started(const std::string& peer) {
  std::lock_guard lock(m_mutex);
  if (m_ended.contains(peer)) return false;
  m_in_handler.insert(peer);
  return true;
}

void Connections::request_finished(const std::string& peer) {
  std::lock_guard lock(m_mutex);
  if (auto it = m_in_handler.find(peer); it != m_in_handler.end()) m_in_handler.erase(it);
  if (auto inode = m_inode_of_peer.find(peer); inode != m_inode_of_peer.end()) {
    m_waiting_since[inode->second] = std::chrono::steady_clock::now();
  }
}

std::vector<ClientSocket> Connections::client_sockets(int listen_port) {
  std::vector<ClientSocket> out;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return out;
  int own = ::dirfd(dir);
  while (dirent* entry = ::readdir(dir)) {
    int fd = 0;
    std::string_view name = entry->d_name;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), fd);
    if (ec != std::errc() || end != name.data() + name.size() || fd == own) continue;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    int port = 0;
    std::string peer;
    if (!describe(fd, port, peer) || port != listen_port) continue;
    out.push_back({fd, std::move(peer), static_cast<std::uint64_t>(st.st_ino)});
  }
  ::closedir(dir);
  return out;
}

int Connections::close_idle(int listen_port) {
  int closed = 0;
  for (const auto& socket : client_sockets(listen_port)) {
    std::lock_guard lock(m_mutex);
    if (m_in_handler.contains(socket.peer)) continue;
    // The thread blocked on it sees the end of the stream and closes it.
    if (::shutdown(socket.fd, SHUT_RDWR) == 0) {
      m_ended[socket.peer] = socket.inode;
      ++closed;
    }
  }
  return closed;
}

int Connections::close_slow(int listen_port, std::chrono::steady_clock::duration max_age) {
  auto now = std::chrono::steady_clock::now();
  auto sockets = client_sockets(listen_port);
  int closed = 0;
  std::lock_guard lock(m_mutex);
  std::unordered_map<std::uint64_t, std::chrono::steady_clock::time_point> waiting;
  m_inode_of_peer.clear();
  for (const auto& socket : sockets) {
    m_inode_of_peer[socket.peer] = socket.inode;
    auto since = m_waiting_since.find(socket.inode);
    auto started = since == m_waiting_since.end() ? now : since->second;
    if (m_in_handler.contains(socket.peer)) started = now;
    if (now - started > max_age && ::shutdown(socket.fd, SHUT_RDWR) == 0) {
      m_ended[socket.peer] = socket.inode;
      ++closed;
      continue;
    }
    waiting[socket.inode] = started;
  }
  m_waiting_since = std::move(waiting);  // forgets the connections that are gone
  // A handler whose request never reached the logger (its connection broke) leaves
  // its peer behind: forgotten once that connection is gone.
  std::erase_if(m_in_handler, [&](const std::string& peer) { return !m_inode_of_peer.contains(peer); });
  // An ended connection is remembered while its socket is open (its thread may not
  // have reached the handler yet), and forgotten once it is gone, so a later
  // connection from the same address and port is served.
  std::erase_if(m_ended, [&](const auto& ended) {
    auto open = m_inode_of_peer.find(ended.first);
    return open == m_inode_of_peer.end() || open->second != ended.second;
  });
  return closed;
}

bool PipelineWatch::read_beyond(const std::string& peer, int listen_port,
                                std::uint64_t request_bytes) {
  int port = 0;
  std::string now_peer;
  if (m_fd < 0 || peer != m_peer || !describe(m_fd, port, now_peer) || now_peer != peer) {
    // A new connection for this thread: find its socket (once per connection).
    m_fd = -1;
    m_consumed = 0;
    for (const auto& socket : Connections::client_sockets(listen_port)) {
      if (socket.peer == peer) m_fd = socket.fd;
    }
    m_peer = peer;
    if (m_fd < 0) return false;
  }
  struct tcp_info info {};
  socklen_t length = sizeof info;
  int unread = 0;
  if (::getsockopt(m_fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0 ||
      ::ioctl(m_fd, FIONREAD, &unread) != 0) {
    return false;
  }
  std::uint64_t consumed = info.tcpi_bytes_received - static_cast<std::uint64_t>(unread);
  if (consumed < m_consumed) m_consumed = 0;  // a new connection under the same peer
  // The estimate of a request's size can be a few bytes off (spaces around header
  // values); a request pipelined behind it is at least 16 bytes ("GET / HTTP/1.1" and
  // an empty line).
  constexpr std::uint64_t k_smallest_request = 16;
  bool beyond = consumed >= m_consumed + request_bytes + k_smallest_request;
  m_consumed = consumed;
  return beyond;
}

void drain_unread(int fd) {
  if (fd < 0) return;
  char buffer[4096];
  for (int i = 0; i < 256; ++i) {  // at most 1 MiB
    ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n <= 0) break;
  }
}

}  // namespace chirp::server
