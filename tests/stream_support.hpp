#pragma once
// A Server-Sent Events client for the tests: one GET on a raw socket, the chunked
// response decoded as it arrives, events and comment lines read with deadlines.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace chirp::test {

struct SseEvent {
  std::string id;
  std::string event;  ///< "" when the block named none
  std::string data;
};

class SseStream {
public:
  /// Opens PATH on 127.0.0.1:PORT with TOKEN (none when empty) and EXTRA header lines
  /// ("Name: value"); waits (at most 10 s) for the response head.
  SseStream(int port, const std::string& path, const std::string& token,
            const std::vector<std::string>& extra = {});
  ~SseStream();
  SseStream(const SseStream&) = delete;
  SseStream& operator=(const SseStream&) = delete;

  int status() const { return m_status; }  ///< -1 when no response head arrived
  /// A response header (lowercase NAME), "" when absent.
  std::string header(const std::string& name) const;
  /// The whole body of a response that is not a stream (an error), read at once.
  const std::string& error_body() const { return m_body; }

  /// The next event (a block with data), waiting at most TIMEOUT; nullopt when none
  /// came or the stream ended.
  std::optional<SseEvent> next_event(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Waits at most TIMEOUT for a comment line (": TEXT") containing TEXT.
  bool comment_seen(const std::string& text,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Waits at most TIMEOUT for the server to end the stream; true when it did, with
  /// the last chunk (a complete response) when COMPLETE is given.
  bool ended(std::chrono::milliseconds timeout, bool* complete = nullptr);
  /// Every "field: value" line and comment seen so far, in order.
  const std::vector<std::string>& lines() const { return m_lines; }
  void close();

private:
  bool read_more(std::chrono::steady_clock::time_point deadline);
  void decode();
  bool take_block(std::vector<std::string>& block);

  int m_fd = -1;
  int m_status = -1;
  std::map<std::string, std::string> m_headers;
  std::string m_raw;   ///< received, not yet de-chunked
  std::string m_text;  ///< de-chunked, not yet parsed into blocks
  std::string m_body;
  bool m_chunked = false;
  bool m_last_chunk = false;
  bool m_eof = false;
  std::vector<std::string> m_lines;
  std::vector<std::string> m_comments;
  std::size_t m_comments_checked = 0;
};

}  // namespace chirp::test
