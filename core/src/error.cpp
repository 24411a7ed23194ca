#include <chirp/clock.hpp>
#include <chirp/error.hpp>

#include <chrono>

namespace chirp {

const char* code_name(Code code) {
  switch (code) {
    case Code::invalid: return "invalid";
    case Code::not_found: return "not_found";
    case Code::forbidden: return "forbidden";
    case Code::conflict: return "conflict";
    case Code::unauthenticated: return "unauthenticated";
    case Code::rate_limited: return "rate_limited";
    case Code::too_large: return "too_large";
  }
  return "unknown";
}

namespace {

class SystemClock final : public Clock {
public:
  std::int64_t now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

}  // namespace

std::shared_ptr<Clock> system_clock() {
  static const auto clock = std::make_shared<SystemClock>();
  return clock;
}

}  // namespace chirp
