#pragma once
/// What every service is: a thin object over the connection its Core opened.

namespace chirp {

namespace detail {
struct Session;
}

class Service {
public:
  explicit Service(detail::Session& session) : m_session(session) {}
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

protected:
  detail::Session& m_session;
};

}  // namespace chirp
