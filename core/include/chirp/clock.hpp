#pragma once
/// The time source, injectable so tests can move time deterministically.

#include <cstdint>
#include <memory>

namespace chirp {

class Clock {
public:
  virtual ~Clock() = default;
  /// Milliseconds since the Unix epoch, UTC.
  virtual std::int64_t now_ms() const = 0;
};

/// The real clock (std::chrono::system_clock).
std::shared_ptr<Clock> system_clock();

/// A clock that only moves when told to (for tests).
class ManualClock final : public Clock {
public:
  explicit ManualClock(std::int64_t start_ms) : m_now(start_ms) {}
  std::int64_t now_ms() const override { return m_now; }
  void advance_ms(std::int64_t ms) { m_now += ms; }
  void set_ms(std::int64_t ms) { m_now = ms; }

private:
  std::int64_t m_now;
};

}  // namespace chirp
