#include "middleware.hpp"

#include "http.hpp"
#include "log_text.hpp"
#include "routes.hpp"

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <optional>

namespace chirp::server {

namespace {

using HandlerResponse = httplib::Server::HandlerResponse;

/// The size of REQ's request line and headers as the client most likely sent them
/// ("Name: value" lines; httplib trims what surrounds values), without the fields
/// httplib adds itself.
std::uint64_t head_bytes(const httplib::Request& req) {
  std::uint64_t bytes = req.method.size() + 1 + req.target.size() + 1 + req.version.size() + 2;
  for (const auto& [name, value] : req.headers) {
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
        name == "LOCAL_PORT") {
      continue;
    }
    bytes += name.size() + 2 + value.size() + 2;
  }
  return bytes + 2;
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Debian's cpp-httplib 0.11.4 mishandles some chunked bodies: chirp accepts only a
/// body with a Content-Length, at most k_max_body_bytes. Sends the refusal (411, 400 or
/// 413) and returns its status, or returns 0 when the framing is acceptable.
int refuse_body_framing(const httplib::Request& req, httplib::Response& res) {
  if (req.has_header("Transfer-Encoding")) {
    send_error(res, 411, "length_required",
               "chunked request bodies are not accepted: send Content-Length");
    return 411;
  }
  std::vector<std::string_view> values;
  auto [first, last] = req.headers.equal_range("Content-Length");
  for (auto it = first; it != last; ++it) values.push_back(it->second);
  auto declared = declared_length(values);
  if (!declared) {
    send_error(res, declared.error().status, declared.error().code, declared.error().message);
    return declared.error().status;
  }
  std::uint64_t length = *declared;
  if (length > k_max_body_bytes) {
    send_error(res, 413, "too_large", fmt::format("request body over {} bytes", k_max_body_bytes));
    return 413;
  }
  return 0;
}

/// A known path asked with a method none of its routes takes: sends 405 with Allow and
/// returns true. False (nothing sent) for an unknown path or a method it takes.
bool refuse_method(const ServerState& state, const httplib::Request& req,
                   httplib::Response& res) {
  std::string allow = state.allowed_methods(req.path);
  if (allow.empty()) return false;
  std::string method = req.method;
  bool taken = false;
  for (std::size_t at = 0; at <= allow.size();) {
    auto end = std::min(allow.find(", ", at), allow.size());
    if (allow.compare(at, end - at, method) == 0) taken = true;
    at = end + 2;
  }
  if (taken) return false;
  res.set_header("Allow", allow);
  send_error(res, 405, "method_not_allowed",
             fmt::format("{} takes {}, not {}", req.path, allow, method.substr(0, 32)));
  return true;
}

HandlerResponse pre_route(ServerState& state, const httplib::Request& req,
                          httplib::Response& res) {
  auto thread = state.thread();
  auto& core = thread.core;
  auto& ctx = thread.context;
  ctx = RequestContext{};
  ctx.start_ns = now_ns();
  ctx.head_bytes = head_bytes(req);  // before this hook changes any header
  ctx.request_id = fmt::format("{:016x}", state.next_request_id.fetch_add(1));
  res.set_header("X-Request-Id", ctx.request_id);

  if (!req.has_header("Transfer-Encoding") && !req.has_header("Content-Length")) {
    // RFC 9112 section 6.3: no Content-Length and no Transfer-Encoding means an empty
    // body (`curl -X POST URL`). Debian's httplib 0.11.4 would instead read until the
    // client closes; saying so explicitly makes it read nothing. The Request it hands
    // to this hook is its own mutable object.
    const_cast<httplib::Request&>(req).set_header("Content-Length", "0");
  } else if (refuse_body_framing(req, res) != 0) {
    return HandlerResponse::Handled;
  }
  ctx.rules = state.rate_rules(core);
  ctx.client = state.client_address(req);
  const bool exempt = state.is_exempt(req);
  if (!exempt && !within_limit(state, res, "address", ctx.client, ctx.rules.requests)) {
    return HandlerResponse::Handled;
  }
  if (req.has_header("Authorization")) {
    // Two Authorization fields are two claims to be someone: neither is believed. The
    // field is read whole (httplib's get_header_value stops at a NUL byte).
    auto token = req.headers.count("Authorization") == 1
                     ? bearer_token(req.headers.find("Authorization")->second)
                     : std::nullopt;
    auto user = token ? core.auth().authenticate(*token)
                      : fail(Code::unauthenticated, "use Authorization: Bearer <token>");
    if (!user) {
      // A method the path does not take is that, whoever asks.
      if (refuse_method(state, req, res)) return HandlerResponse::Handled;
      res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      send_error(res, user.error());
      return HandlerResponse::Handled;
    }
    ctx.user = *user;
    if (!exempt &&
        !within_limit(state, res, "user", std::to_string(user->id), ctx.rules.requests)) {
      return HandlerResponse::Handled;
    }
  }
  // Whether the route needs a login, and its own limits, are applied by the route
  // (routes.hpp): each declares them where it is registered.
  return HandlerResponse::Unhandled;
}

void log_request(ServerState& state, const httplib::Request& req, const httplib::Response& res) {
  state.connections.request_finished(peer_key(req.remote_addr, req.remote_port));
  auto& ctx = state.context();
  if (ctx.route == "unmatched") ctx.route = state.route_label(req);
  // A request httplib refused before the middleware saw it (a malformed request line,
  // an oversized URI) has no start time: it is counted, but has no latency to observe.
  std::optional<double> seconds;
  if (ctx.start_ns != 0) seconds = static_cast<double>(now_ns() - ctx.start_ns) / 1e9;
  // A live stream is counted, but how long it stayed open is not a request's latency.
  state.metrics.observe_request(req.method, ctx.route, res.status,
                                ctx.streaming ? std::nullopt : seconds);
  // Everything the client chose is escaped: no control character reaches the log.
  // The line is built only when it is written (the access log is at info).
  if (spdlog::should_log(spdlog::level::info)) {
    spdlog::info("{} {} {} {} {} id={} user={}",
                 ctx.client.empty() ? req.remote_addr : ctx.client, log_safe(req.method, 32),
                 log_safe(req.path, 2048), res.status,
                 seconds ? fmt::format("{:.2f}ms", *seconds * 1000) : std::string("-"),
                 ctx.request_id.empty() ? std::string("-") : ctx.request_id,
                 ctx.user ? ctx.user->handle : std::string("-"));
  }
  ctx = RequestContext{};  // nothing of this request leaks into the next on this thread
}

}  // namespace

/// Sends the response already in RES at once, then ends the connection: the body bytes
/// the client declared are never read. httplib 0.11.4 has no way to close a kept-alive
/// connection from a handler, but it does close one whose content provider fails, so
/// the provider writes the whole body and then reports failure.
void answer_then_close(RequestContext& ctx, const httplib::Request& req, httplib::Response& res,
                       int drain_fd = -1) {
  auto body = std::make_shared<std::string>(std::move(res.body));
  std::string type = res.get_header_value("Content-Type");
  res.body.clear();
  res.headers.erase("Content-Type");  // set_content_provider sets it again
  res.set_header("Connection", "close");
  res.set_content_provider(
      body->size(), type,
      [body, drain_fd](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        sink.write(body->data() + offset, length);
        // Bytes left unread make the close a reset, which can cost the client the
        // response it has not read yet.
        drain_unread(drain_fd);
        return false;
      });
  ctx.closing = true;
  // Nothing is to be read before answering. The Request httplib hands to this hook is
  // its own mutable object.
  auto& mutable_req = const_cast<httplib::Request&>(req);
  mutable_req.headers.erase("Content-Length");
  mutable_req.set_header("Content-Length", "0");
}

void end_if_pipelined(ServerState& state, const httplib::Request& req, httplib::Response& res) {
  auto thread = state.thread();
  auto& ctx = thread.context;
  if (ctx.closing || ctx.head_bytes == 0) return;
  if (!thread.pipeline.read_beyond(peer_key(req.remote_addr, req.remote_port), req.local_port,
                                   ctx.head_bytes + req.body.size())) {
    return;
  }
  state.metrics.count_pipelined_close();
  answer_then_close(ctx, req, res, thread.pipeline.fd());
}

/// True when the request declares body bytes that nothing has read yet.
bool declares_body(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding")) return true;
  std::string length = req.get_header_value("Content-Length");
  return !length.empty() && length != "0";
}

void install_middleware(httplib::Server& server, ServerState& state) {
  server.set_pre_routing_handler(
      [&state](const httplib::Request& req, httplib::Response& res) {
        try {
          auto handled = pre_route(state, req, res);
          if (handled == HandlerResponse::Handled && declares_body(req)) {
            // The refused request's body is unread, and must never be parsed as a next
            // request on this connection.
            if (res.status == 413 || req.has_header("Transfer-Encoding")) {
              // Large or chunked: let httplib read (or skip) it first, so a client still
              // sending gets to read the answer; the route wrapper runs no handler and
              // the error handler restores the status.
              state.context().refused_status = res.status;
              return HandlerResponse::Unhandled;
            }
            answer_then_close(state.context(), req, res);
          } else if (handled == HandlerResponse::Handled) {
            end_if_pipelined(state, req, res);
          }
          return handled;
        } catch (const std::exception& e) {
          spdlog::error("request {}: {}", state.context().request_id, e.what());
          send_error(res, 500, "internal", "internal error; see the server log");
          return HandlerResponse::Handled;
        }
      });
  // A client that sends `Expect: 100-continue` (curl does for large uploads) waits for a
  // go-ahead before its body: refuse there what pre-routing would refuse anyway.
  server.set_expect_100_continue_handler([](const httplib::Request& req, httplib::Response& res) {
    int refused = refuse_body_framing(req, res);
    return refused != 0 ? refused : 100;
  });
  server.set_logger([&state](const httplib::Request& req, const httplib::Response& res) {
    log_request(state, req, res);
  });
  server.set_exception_handler(
      [&state](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
          // The database could not be written: a full disk (or a file size limit). The
          // write was rolled back; reads go on, and writes work again once there is
          // room, without a restart.
          if (is_storage_full(e)) {
            spdlog::warn("request {}: {}", state.context().request_id, what);
            res.set_header("Retry-After", "60");
            send_error(res, 507, "storage_full",
                       "the server's storage is full: nothing was written; reading still works");
            return;
          }
        } catch (...) {
        }
        spdlog::error("request {}: {}", state.context().request_id, what);
        send_error(res, 500, "internal", "internal error; see the server log");
      });
  // Anything that ends with an error status and no body (no route matched, httplib's
  // own checks) gets the JSON error shape too.
  server.set_error_handler([&state](const httplib::Request& req, httplib::Response& res) {
    auto& ctx = state.context();
    if (ctx.closing) return;  // the response is in a content provider
    struct EndIfPipelined {
      ServerState& state;
      const httplib::Request& req;
      httplib::Response& res;
      ~EndIfPipelined() { end_if_pipelined(state, req, res); }
    } end_if_pipelined_after{state, req, res};
    if (auto refused = ctx.refused_status) res.status = refused;
    if (!res.body.empty()) return;
    if (res.status == 404 && refuse_method(state, req, res)) return;
    switch (res.status) {
      case 404: send_error(res, 404, "not_found", "no such endpoint"); break;
      case 413: send_error(res, 413, "too_large", "request too large"); break;
      case 400: send_error(res, 400, "bad_request", "malformed request"); break;
      default: send_error(res, res.status, "error", "the request failed");
    }
  });
}

}  // namespace chirp::server
