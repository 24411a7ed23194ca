// Archive::export_jsonl: every user, block, mute, follow, tweet and like, one line
// each, in key order, from one read transaction.
#include "archive/records.hpp"
#include "session.hpp"
#include "storage/rows.hpp"

#include <chirp/archive.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

namespace chirp {

using namespace detail;

namespace {

/// TEXT as a JSON string (stored text is valid UTF-8: the input rules saw to it).
void append_string(std::string& out, const std::string& text) {
  out += nlohmann::json(text).dump();
}

// fmt::format rather than fmt::format_to: the fuzz build (clang) names format_to's
// buffer instantiation differently from the GCC-built libfmt and does not link.
void append_id(std::string& out, std::string_view field, Id id) {
  out += fmt::format(",\"{}\":\"{}\"", field, id);
}

}  // namespace

ArchiveCounts Archive::export_jsonl(std::ostream& out, const ExportOptions& options) {
  auto& db = m_session.db;
  return db.read([&] {
    ArchiveCounts counts;
    std::string line;
    auto emit = [&] {
      line += '\n';
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
      if (!out) throw std::runtime_error("writing the export failed");
      line.clear();
    };
    line = fmt::format("{{\"type\":\"chirp_export\",\"version\":{}}}", k_archive_version);
    emit();
    {
      auto q = db.statement(
          "SELECT id, handle, name, bio, created_at, password_hash FROM users ORDER BY id");
      while (q.step()) {
        Cursor c(*q);
        line += "{\"type\":\"user\"";
        append_id(line, "id", c.integer());
        line += ",\"handle\":";
        append_string(line, c.text());
        line += ",\"name\":";
        append_string(line, c.text());
        line += ",\"bio\":";
        append_string(line, c.text());
        line += fmt::format(",\"created_at\":{}", c.integer());
        if (auto hash = c.optional_text(); hash && options.password_hashes) {
          line += ",\"password_hash\":";
          append_string(line, *hash);
        }
        line += '}';
        emit();
        ++counts.users;
      }
    }
    // Before the follows: an import then knows each block when it meets a follow.
    auto pairs = [&](const char* sql, const char* type, const char* first, const char* second) {
      std::int64_t n = 0;
      auto q = db.statement(sql);
      while (q.step()) {
        Cursor c(*q);
        line += fmt::format("{{\"type\":\"{}\"", type);
        append_id(line, first, c.integer());
        append_id(line, second, c.integer());
        line += fmt::format(",\"created_at\":{}}}", c.integer());
        emit();
        ++n;
      }
      return n;
    };
    counts.blocks = pairs("SELECT blocker, blocked, created_at FROM blocks ORDER BY blocker, blocked",
                          "block", "blocker", "blocked");
    counts.mutes = pairs("SELECT muter, muted, created_at FROM mutes ORDER BY muter, muted",
                         "mute", "muter", "muted");
    {
      auto q = db.statement(
          "SELECT follower, followee, created_at FROM follows ORDER BY follower, followee");
      while (q.step()) {
        Cursor c(*q);
        line += "{\"type\":\"follow\"";
        append_id(line, "follower", c.integer());
        append_id(line, "followee", c.integer());
        line += fmt::format(",\"created_at\":{}}}", c.integer());
        emit();
        ++counts.follows;
      }
    }
    {
      // Ids grow with time: a tweet comes before its replies and retweets.
      auto q = db.statement(
          "SELECT id, author, created_at, text, reply_to, retweet_of, media_urls, deleted_at "
          "FROM tweets ORDER BY id");
      while (q.step()) {
        Cursor c(*q);
        line += "{\"type\":\"tweet\"";
        append_id(line, "id", c.integer());
        append_id(line, "author", c.integer());
        line += fmt::format(",\"created_at\":{}", c.integer());
        std::string text = c.text();
        auto reply_to = c.optional_integer();
        auto retweet_of = c.optional_integer();
        auto media = c.optional_text();
        auto deleted_at = c.optional_integer();
        // A deleted tweet's text and media stay behind: its author took them back.
        bool bare = deleted_at || retweet_of;
        if (!bare) {
          line += ",\"text\":";
          append_string(line, text);
        }
        if (reply_to) append_id(line, "reply_to", *reply_to);
        if (retweet_of) append_id(line, "retweet_of", *retweet_of);
        if (media && !bare) {
          auto urls = nlohmann::json::parse(*media, nullptr, false);
          if (urls.is_array() && !urls.empty()) line += ",\"media\":" + urls.dump();
        }
        if (deleted_at) line += fmt::format(",\"deleted_at\":{}", *deleted_at);
        line += '}';
        emit();
        ++counts.tweets;
      }
    }
    {
      auto q = db.statement("SELECT liker, tweet, created_at FROM likes ORDER BY liker, tweet");
      while (q.step()) {
        Cursor c(*q);
        line += "{\"type\":\"like\"";
        append_id(line, "liker", c.integer());
        append_id(line, "tweet", c.integer());
        line += fmt::format(",\"created_at\":{}}}", c.integer());
        emit();
        ++counts.likes;
      }
    }
    out.flush();
    return counts;
  });
}

}  // namespace chirp
