#pragma once
// Cross-cutting work for every request: request id, body limits, rate limits,
// authentication (pre-routing); access log and metrics (logger); JSON errors.

#include "state.hpp"

#include <httplib.h>

namespace chirp::server {

void install_middleware(httplib::Server& server, ServerState& state);

}  // namespace chirp::server
