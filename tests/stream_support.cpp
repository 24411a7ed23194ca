#include "stream_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace chirp::test {

namespace {

using Clock = std::chrono::steady_clock;

std::string sse_lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string sse_trimmed(const std::string& text) {
  auto start = text.find_first_not_of(' ');
  auto end = text.find_last_not_of(" \r");
  return start == std::string::npos ? "" : text.substr(start, end - start + 1);
}

}  // namespace

SseStream::SseStream(int port, const std::string& path, const std::string& token,
                     const std::vector<std::string>& extra) {
  m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return;
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
  for (const auto& line : extra) request += line + "\r\n";
  request += "\r\n";
  if (::send(m_fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return;
  auto deadline = Clock::now() + std::chrono::seconds(10);
  std::size_t head_end = std::string::npos;
  while ((head_end = m_raw.find("\r\n\r\n")) == std::string::npos) {
    if (!read_more(deadline)) return;
  }
  std::string head = m_raw.substr(0, head_end);
  m_raw.erase(0, head_end + 4);
  auto first_line_end = head.find("\r\n");
  std::string status_line = head.substr(0, first_line_end);
  if (status_line.size() >= 12) m_status = std::stoi(status_line.substr(9, 3));
  std::size_t at = first_line_end == std::string::npos ? head.size() : first_line_end + 2;
  while (at < head.size()) {
    auto end = head.find("\r\n", at);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(at, end - at);
    if (auto colon = line.find(':'); colon != std::string::npos) {
      m_headers[sse_lower(line.substr(0, colon))] = sse_trimmed(line.substr(colon + 1));
    }
    at = end + 2;
  }
  m_chunked = sse_lower(header("transfer-encoding")) == "chunked";
  // The first events may have come in the same read as the head.
  decode();
  if (!m_chunked) {
    std::size_t length = header("content-length").empty() ? 0 : std::stoul(header("content-length"));
    while (m_raw.size() < length && read_more(deadline)) {
    }
    m_body = m_raw.substr(0, std::min(length, m_raw.size()));
  }
}

SseStream::~SseStream() { close(); }

void SseStream::close() {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
}

std::string SseStream::header(const std::string& name) const {
  auto it = m_headers.find(name);
  return it == m_headers.end() ? "" : it->second;
}

bool SseStream::read_more(Clock::time_point deadline) {
  if (m_fd < 0 || m_eof) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return false;
  pollfd p{m_fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char buffer[8192];
  ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
  if (n <= 0) {
    m_eof = true;
    return false;
  }
  m_raw.append(buffer, static_cast<std::size_t>(n));
  decode();
  return true;
}

void SseStream::decode() {
  if (m_status < 0 || !m_chunked) return;
  for (;;) {
    auto size_end = m_raw.find("\r\n");
    if (size_end == std::string::npos) return;
    std::size_t size = std::stoul(m_raw.substr(0, size_end), nullptr, 16);
    if (size == 0) {
      if (m_raw.size() >= size_end + 4) m_last_chunk = true;
      return;
    }
    if (m_raw.size() < size_end + 2 + size + 2) return;
    m_text += m_raw.substr(size_end + 2, size);
    m_raw.erase(0, size_end + 2 + size + 2);
  }
}

bool SseStream::take_block(std::vector<std::string>& block) {
  auto end = m_text.find("\n\n");
  if (end == std::string::npos) return false;
  std::string text = m_text.substr(0, end);
  m_text.erase(0, end + 2);
  block.clear();
  std::size_t at = 0;
  while (at <= text.size()) {
    auto line_end = std::min(text.find('\n', at), text.size());
    std::string line = text.substr(at, line_end - at);
    m_lines.push_back(line);
    if (line.starts_with(':')) m_comments.push_back(line);
    block.push_back(line);
    at = line_end + 1;
  }
  return true;
}

std::optional<SseEvent> SseStream::next_event(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::vector<std::string> block;
  for (;;) {
    while (take_block(block)) {
      SseEvent event;
      bool has_data = false;
      for (const auto& line : block) {
        auto colon = line.find(':');
        if (colon == 0 || colon == std::string::npos) continue;
        std::string field = line.substr(0, colon);
        std::string value = line.substr(colon + 1);
        if (value.starts_with(' ')) value.erase(0, 1);
        if (field == "id") event.id = value;
        if (field == "event") event.event = value;
        if (field == "data") {
          event.data += (has_data ? "\n" : "") + value;
          has_data = true;
        }
      }
      if (has_data) return event;
    }
    if (!read_more(deadline)) return std::nullopt;
  }
}

bool SseStream::comment_seen(const std::string& text, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::vector<std::string> block;
  for (;;) {
    while (take_block(block)) {
    }
    for (; m_comments_checked < m_comments.size(); ++m_comments_checked) {
      if (m_comments[m_comments_checked].find(text) != std::string::npos) {
        ++m_comments_checked;
        return true;
      }
    }
    if (!read_more(deadline)) return false;
  }
}

bool SseStream::ended(std::chrono::milliseconds timeout, bool* complete) {
  auto deadline = Clock::now() + timeout;
  while (!m_eof) {
    if (!read_more(deadline) && !m_eof) return false;
  }
  if (complete) *complete = m_last_chunk;
  return true;
}

}  // namespace chirp::test
