#pragma once
// Live event streams (GET /stream/...): what they wait on and how many may be open.
// The fan-out worker publishes after each batch it commits and whenever another process
// added events; each stream waits here for that (or its heartbeat) rather than polling
// the database, then reads what is new for its reader.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

namespace chirp::server {

class StreamHub {
public:
  /// One open stream's place under the bound; released when the last copy goes.
  class Lease {
  public:
    explicit Lease(StreamHub& hub) : m_hub(hub) {}
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

  private:
    StreamHub& m_hub;
  };

  /// Runs (under no lock) as each stream opens (true) and closes (false): the server
  /// lends the stream a thread of its own and counts it.
  void on_open_close(std::function<void(bool opened)> hook) { m_hook = std::move(hook); }

  /// A place for one more stream, or nullptr when MAX_OPEN are open or the hub stopped.
  std::shared_ptr<Lease> open(std::int64_t max_open);
  std::int64_t open_count();

  /// New events may be there: wakes every waiting stream.
  void publish();
  /// Counts publish() calls: a stream notes it before reading, then waits past it.
  std::uint64_t generation();
  /// Returns once the generation is past SEEN, the hub stopped, or TIMEOUT passed.
  void wait(std::uint64_t seen, std::chrono::steady_clock::duration timeout);

  /// The server is stopping: every stream ends at its next wake-up, which is now.
  void stop();
  bool stopping();

private:
  void release();

  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::uint64_t m_generation = 0;
  std::int64_t m_open = 0;
  bool m_stopping = false;
  std::function<void(bool)> m_hook;
};

}  // namespace chirp::server
