#include "server_support.hpp"

#include "support.hpp"

#include <algorithm>
#include <chirp/core.hpp>
#include <chirp/settings.hpp>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

extern char** environ;

namespace chirp::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> child_environment() {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    auto name = kv.substr(0, kv.find('='));
    if (name == "CHIRP_DB" || name == "CHIRP_USER" || name == "CHIRP_SERVER" ||
        name == "XDG_DATA_HOME" || name == "XDG_CONFIG_HOME" || name == "XDG_STATE_HOME" ||
        name == "HOME") {
      continue;
    }
    out.push_back(kv);
  }
  out.push_back("HOME=/nonexistent-chirp-test-home");
  return out;
}

/// While a server runs, httplib's client may write to a socket the server closed (a
/// refused upload): that must be an error return in the test, not a SIGPIPE death.
/// The old disposition comes back when the last server is gone.
void ignore_sigpipe(bool on) {
  static std::mutex mutex;
  static int users = 0;
  static struct sigaction saved {};
  std::lock_guard lock(mutex);
  if (on && users++ == 0) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGPIPE, &ignore, &saved);
  } else if (!on && --users == 0) {
    ::sigaction(SIGPIPE, &saved, nullptr);
  }
}

std::string ascii_lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

// ---- ServerProcess ------------------------------------------------------------------

ServerProcess::ServerProcess(fs::path db, Options options) : m_db(std::move(db)) {
  if (!options.keep_rate_limits) {
    for (const char* key : {setting::rate_requests, setting::rate_logins, setting::rate_posts}) {
      if (!options.settings.contains(key)) options.settings[key] = "0";
    }
  }
  if (!options.settings.empty()) {
    // Settings first, on the same database file the server will open.
    auto core = Core::open({.path = m_db});
    for (const auto& [key, value] : options.settings) {
      auto done = core.settings().set(key, value);
      REQUIRE_MESSAGE(done.has_value(), key << ": " << (done ? "" : done.error().message));
    }
  }
  m_log_path = m_db;
  m_log_path += ".server.log";

  int pipe_fds[2];
  REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
  m_stdout_fd = pipe_fds[0];

  std::vector<std::string> args{CHIRP_BINARY, "--db", m_db.string(), "serve", "--log-level",
                                options.log_level};
  // A port of its own unless the test names one (a server back where another was).
  if (std::find(options.extra_args.begin(), options.extra_args.end(), "--port") == options.extra_args.end()) {
    args.insert(args.end(), {"--port", "0"});
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto env = child_environment();
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  // fork + exec rather than posix_spawn, for PR_SET_PDEATHSIG: when the test process
  // dies (a crash, a kill), its servers get SIGTERM instead of running on forever.
  // Only async-signal-safe calls between fork and exec.
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int log_fd = ::open(m_log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(null_fd >= 0);
  REQUIRE(log_fd >= 0);
  const pid_t parent = ::getpid();
  m_pid = ::fork();
  if (m_pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(null_fd, 0);
    ::dup2(pipe_fds[1], 1);
    ::dup2(log_fd, 2);
    // The server starts with default signal dispositions and an empty mask.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    for (int sig : {SIGTERM, SIGINT, SIGPIPE}) ::sigaction(sig, &default_action, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  const int fork_errno = errno;
  ::close(null_fd);
  ::close(log_fd);
  ::close(pipe_fds[1]);
  REQUIRE_MESSAGE(m_pid > 0, "fork failed: " << std::strerror(fork_errno));

  // Read "listening on port N\n", at most 10 s.
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) break;
    pollfd p{m_stdout_fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char buf[256];
    ssize_t n = ::read(m_stdout_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  const std::string prefix = "listening on port ";
  if (line.rfind(prefix, 0) == 0 && line.find('\n') != std::string::npos) {
    m_port = std::atoi(line.c_str() + prefix.size());
  }
  if (m_port <= 0) {
    stop(2s);
    ::close(m_stdout_fd);
    FAIL("the server did not start; stdout: '" << line << "'\nstderr:\n" << log());
  }
  ignore_sigpipe(true);
}

ServerProcess::~ServerProcess() {
  if (m_pid > 0 && !m_exit_code) stop();
  if (m_stdout_fd >= 0) ::close(m_stdout_fd);
  std::error_code ec;
  fs::remove(m_log_path, ec);
  ignore_sigpipe(false);
}

httplib::Client ServerProcess::client() const {
  httplib::Client client("127.0.0.1", m_port);
  client.set_tcp_nodelay(true);
  client.set_connection_timeout(10, 0);
  client.set_read_timeout(10, 0);
  client.set_write_timeout(10, 0);
  client.set_keep_alive(false);
  return client;
}

void ServerProcess::signal(int sig) {
  if (m_pid > 0 && !m_exit_code) ::kill(m_pid, sig);
}

std::optional<int> ServerProcess::wait(std::chrono::milliseconds timeout) {
  if (m_exit_code) return m_exit_code;
  if (m_pid <= 0) return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(m_pid, &status, WNOHANG);
    if (r == m_pid) {
      m_exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return m_exit_code;
    }
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

std::optional<int> ServerProcess::stop(std::chrono::milliseconds timeout) {
  if (m_exit_code) return m_exit_code;
  signal(SIGTERM);
  if (auto code = wait(timeout)) return code;
  ::kill(m_pid, SIGKILL);
  int status = 0;
  while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
  }
  m_exit_code = 128 + SIGKILL;
  return std::nullopt;
}

std::string ServerProcess::log() const {
  std::ifstream in(m_log_path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---- Reply and requests -------------------------------------------------------------

nlohmann::json Reply::json() const { return nlohmann::json::parse(body, nullptr, false); }

bool Reply::has_header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (ascii_lower(k) == ascii_lower(name)) return true;
  }
  return false;
}

std::string Reply::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (ascii_lower(k) == ascii_lower(name)) return v;
  }
  return "";
}

std::size_t Reply::header_count(const std::string& name) const {
  std::size_t n = 0;
  for (const auto& [k, v] : headers) n += ascii_lower(k) == ascii_lower(name) ? 1 : 0;
  return n;
}

std::string Reply::error_code() const {
  auto j = json();
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return "";
  const auto& e = j["error"];
  if (!e.contains("code") || !e["code"].is_string() || !e.contains("message") ||
      !e["message"].is_string()) {
    return "";
  }
  return e["code"].get<std::string>();
}

Reply request(httplib::Client& client, const std::string& method, const std::string& path,
              const std::optional<std::string>& body, const std::string& token,
              const std::string& content_type, const httplib::Headers& extra) {
  httplib::Request req;
  req.method = method;
  req.path = path;
  req.headers = extra;
  if (!token.empty()) req.headers.emplace("Authorization", "Bearer " + token);
  if (body) {
    req.body = *body;
    if (!content_type.empty()) req.headers.emplace("Content-Type", content_type);
  }
  auto result = client.send(req);
  Reply reply;
  reply.error = result.error();
  if (result) {
    reply.status = result->status;
    reply.body = result->body;
    reply.headers = result->headers;
  }
  return reply;
}

Reply get(httplib::Client& client, const std::string& path, const std::string& token) {
  return request(client, "GET", path, std::nullopt, token);
}

Reply post_json(httplib::Client& client, const std::string& path, const nlohmann::json& body,
                const std::string& token) {
  return request(client, "POST", path, body.dump(), token);
}

Reply del(httplib::Client& client, const std::string& path, const std::string& token) {
  return request(client, "DELETE", path, std::nullopt, token);
}

std::string login(httplib::Client& client, const std::string& handle,
                  const std::string& password) {
  auto r = post_json(client, "/login", {{"username", handle}, {"password", password}});
  REQUIRE_MESSAGE(r.status == 200, "login " << handle << ": " << r.status << " " << r.body);
  auto j = r.json();
  REQUIRE(j.contains("token"));
  REQUIRE(j["token"].is_string());
  return j["token"].get<std::string>();
}

Session register_and_login(httplib::Client& client, const std::string& handle,
                           const std::string& password) {
  auto r = post_json(client, "/users",
                     {{"handle", handle}, {"password", password}, {"display_name", handle}});
  REQUIRE_MESSAGE(r.status == 201, "register " << handle << ": " << r.status << " " << r.body);
  auto user = r.json();
  REQUIRE(user["id"].is_string());
  Session s;
  s.id = user["id"].get<std::string>();
  s.handle = handle;
  s.password = password;
  s.token = login(client, handle, password);
  return s;
}

std::string post_tweet(httplib::Client& client, const std::string& token,
                       const std::string& text) {
  auto r = post_json(client, "/tweets", {{"text", text}}, token);
  REQUIRE_MESSAGE(r.status == 201, "post: " << r.status << " " << r.body);
  auto j = r.json();
  REQUIRE(j["id"].is_string());
  return j["id"].get<std::string>();
}

nlohmann::json user_profile(httplib::Client& client, const std::string& handle) {
  auto r = get(client, "/users/" + handle);
  REQUIRE_MESSAGE(r.status == 200, "GET /users/" << handle << ": " << r.status << " " << r.body);
  return r.json();
}

std::vector<std::string> all_ids(httplib::Client& client, const std::string& path,
                                 const std::string& token) {
  std::vector<std::string> ids;
  std::string next = path;
  for (int pages = 0; pages < 100 && !next.empty(); ++pages) {
    auto r = get(client, next, token);
    REQUIRE_MESSAGE(r.status == 200, "GET " << next << ": " << r.status << " " << r.body);
    auto j = r.json();
    REQUIRE(j["data"].is_array());
    for (const auto& item : j["data"]) ids.push_back(item["id"].get<std::string>());
    next.clear();
    auto link = r.header("Link");
    auto open = link.find('<');
    auto close = link.find('>');
    if (!link.empty() && open != std::string::npos && close != std::string::npos &&
        link.find("rel=\"next\"") != std::string::npos) {
      next = link.substr(open + 1, close - open - 1);
    }
  }
  return ids;
}

bool eventually(const std::function<bool()>& predicate, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (predicate()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
}

std::optional<double> metric_value(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

double metric_sum(const std::string& text, const std::string& name,
                  const std::vector<std::string>& labels) {
  std::istringstream in(text);
  std::string line;
  double sum = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    std::string series = line.substr(0, space);
    std::string series_name = series.substr(0, series.find('{'));
    if (series_name != name) continue;
    bool all = true;
    for (const auto& label : labels) all = all && series.find(label) != std::string::npos;
    if (all) sum += std::stod(line.substr(space + 1));
  }
  return sum;
}

// ---- raw sockets --------------------------------------------------------------------

RawConnection::RawConnection(int port, std::chrono::milliseconds timeout, const char* source) {
  m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(m_fd >= 0);
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (source != nullptr) {
    sockaddr_in from{};
    from.sin_family = AF_INET;
    REQUIRE(::inet_pton(AF_INET, source, &from.sin_addr) == 1);
    REQUIRE_MESSAGE(::bind(m_fd, reinterpret_cast<sockaddr*>(&from), sizeof from) == 0,
                    "bind " << source << ": " << std::strerror(errno));
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int rc = ::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  REQUIRE_MESSAGE(rc == 0, "connect: " << std::strerror(errno));
}

RawConnection::~RawConnection() {
  if (m_fd >= 0) ::close(m_fd);
}

bool RawConnection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(m_fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool RawConnection::is_open() const {
  pollfd p{m_fd, POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) == 0) return true;
  if ((p.revents & (POLLERR | POLLHUP | POLLRDHUP)) != 0) return false;
  char byte;
  return ::recv(m_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

Reply RawConnection::read_response() {
  Reply reply;
  auto fill = [&]() {
    char buf[8192];
    for (;;) {
      ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      m_buffer.append(buf, static_cast<std::size_t>(n));
      return true;
    }
  };
  std::size_t header_end;
  while ((header_end = m_buffer.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) {
      reply.body = m_buffer;
      return reply;
    }
  }
  std::string head = m_buffer.substr(0, header_end);
  std::istringstream lines(head);
  std::string status_line;
  std::getline(lines, status_line);
  if (status_line.rfind("HTTP/1.", 0) == 0 && status_line.size() >= 12) {
    reply.status = std::atoi(status_line.c_str() + 9);
  }
  std::string line;
  std::size_t length = 0;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    reply.headers.emplace(name, value);
    if (ascii_lower(name) == "content-length") length = std::stoul(value);
  }
  std::size_t body_start = header_end + 4;
  while (m_buffer.size() < body_start + length) {
    if (!fill()) break;
  }
  reply.body = m_buffer.substr(body_start, length);
  m_buffer.erase(0, std::min(m_buffer.size(), body_start + length));
  return reply;
}

Reply raw_exchange(int port, const std::string& bytes, std::chrono::milliseconds timeout) {
  RawConnection connection(port, timeout);
  connection.send(bytes);
  return connection.read_response();
}

std::string database_state(const std::filesystem::path& db) {
  return sqlite3(db,
                 "SELECT id, handle, name, bio, password_hash, token_version, created_at, "
                 "inbox_floor, followers_count, following_count, tweets_count, likes_count, "
                 "pulled, follows_version, hides_version FROM users ORDER BY id;"
                 "SELECT * FROM tweets ORDER BY id; SELECT * FROM follows ORDER BY 1, 2;"
                 "SELECT * FROM likes ORDER BY 1, 2; SELECT * FROM timeline ORDER BY 1, 2;"
                 "SELECT * FROM fanout_queue ORDER BY 1; SELECT * FROM settings ORDER BY 1;"
                 "SELECT * FROM counters ORDER BY 1; SELECT count(*), max(seq) FROM cache_changes;"
                 "SELECT * FROM blocks ORDER BY 1, 2; SELECT * FROM mutes ORDER BY 1, 2;"
                 "SELECT * FROM notifications ORDER BY 1;");
}

}  // namespace chirp::test
