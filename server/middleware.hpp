#pragma once
// Cross-cutting work for every request: request id, body limits, rate limits,
// authentication (pre-routing); access log and metrics (logger); JSON errors.

#include "state.hpp"

#include <httplib.h>

namespace chirp::server {

void install_middleware(httplib::Server& server, ServerState& state);

/// Once REQ has been read whole: when httplib also read requests pipelined behind it,
/// which it would drop, RES says Connection: close and the connection ends after it.
void end_if_pipelined(ServerState& state, const httplib::Request& req, httplib::Response& res);

}  // namespace chirp::server
