#include "driver/http_fetch.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <vector>

#include "util/net_url.h"

namespace cpprof {
namespace {

constexpr int64_t kSecond = 1000000000;

// The parts of a URL that pprof looks at, parsed as Go's url.Parse would
// (enough of it: scheme, authority, path, query).
struct Url {
  std::string scheme;  // lower case
  std::string host;    // host[:port], empty without "//"
  std::string path;
  QueryPairs query;
};

std::optional<Url> ParseUrl(std::string_view s) {
  Url u;
  s = s.substr(0, s.find('#'));
  // A scheme is a letter, then letters, digits, "+-.", then ':'.
  size_t colon = s.find(':');
  if (colon != std::string_view::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(s[0])) &&
      std::all_of(s.begin(), s.begin() + static_cast<ptrdiff_t>(colon), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
      })) {
    u.scheme = s.substr(0, colon);
    for (char& c : u.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    s.remove_prefix(colon + 1);
  } else if (colon == 0) {
    return std::nullopt;  // "missing protocol scheme"
  }
  size_t question = s.find('?');
  if (question != std::string_view::npos) {
    u.query = ParseQuery(s.substr(question + 1));
    s = s.substr(0, question);
  }
  if (s.starts_with("//")) {
    s.remove_prefix(2);
    size_t slash = s.find('/');
    std::string_view authority = s.substr(0, slash);
    s = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
    size_t at = authority.rfind('@');
    std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
    size_t port = host.rfind(':');
    if (port != std::string_view::npos && host.find(']', port) == std::string_view::npos) {
      for (char c : host.substr(port + 1)) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;  // "invalid port"
      }
    }
    u.host = authority;
  } else if (u.scheme.empty()) {
    // Without a scheme, a colon in the first segment is an error in Go.
    if (s.substr(0, s.find('/')).find(':') != std::string_view::npos) return std::nullopt;
  }
  u.path = s;
  return u;
}

}  // namespace

std::optional<RemoteSource> AdjustURL(std::string_view source, const HttpOptions& options,
                                      std::string_view default_path) {
  std::optional<Url> u = ParseUrl(source);
  if (!u || (u->host.empty() && !u->scheme.empty() && u->scheme != "file")) {
    // "hostname:port/path" parses with "hostname" as the scheme.
    u = ParseUrl("http://" + std::string(source));
  }
  if (!u || u->host.empty()) return std::nullopt;
  if (u->path.empty() || u->path == "/") u->path = default_path;
  RemoteSource r;
  if (options.seconds > 0) {
    std::erase_if(u->query, [](const auto& kv) { return kv.first == "seconds"; });
    u->query.emplace_back("seconds", std::to_string(options.seconds));
    r.duration_nanos = int64_t{options.seconds} * kSecond;
  } else {
    auto it = std::find_if(u->query.begin(), u->query.end(), [](const auto& kv) { return kv.first == "seconds"; });
    if (it != u->query.end()) {
      char* end = nullptr;
      errno = 0;
      long long secs = std::strtoll(it->second.c_str(), &end, 10);
      if (!it->second.empty() && *end == '\0' && errno == 0 && secs >= INT32_MIN && secs <= INT32_MAX) {
        r.duration_nanos = secs * kSecond;
      }
    }
  }
  if (options.timeout > 0) {
    r.timeout_nanos = int64_t{options.timeout} * kSecond;
  } else {
    r.timeout_nanos = r.duration_nanos > 0 ? r.duration_nanos + r.duration_nanos / 2 : 60 * kSecond;
  }
  std::string query = EncodeQuery(u->query);
  r.url = u->scheme + "://" + u->host + u->path + (query.empty() ? "" : "?" + query);
  return r;
}

Result<std::string> FetchURL(const RemoteSource& source, const HttpOptions& options, const std::string* post_body) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Status::Error("tls_cert and tls_key must be specified together");
  }
  std::optional<Url> u = ParseUrl(source.url);
  if (!u) return Status::Error(fmt::format("parse \"{}\": invalid URL", source.url));
  bool insecure = u->scheme == "https+insecure";
  const char* verb = post_body != nullptr ? "Post" : "Get";
  std::string scheme = insecure ? "https" : u->scheme;
  if (scheme != "http" && scheme != "https") {
    return Status::Error(fmt::format("{} \"{}\": unsupported protocol scheme \"{}\"", verb, source.url, u->scheme));
  }
  httplib::Client client(scheme + "://" + u->host, options.tls_cert, options.tls_key);
  if (!options.tls_ca.empty()) client.set_ca_cert_path(options.tls_ca);
  client.enable_server_certificate_verification(!insecure);
  // As pprof: the server may take the whole profile duration to answer, and
  // gets 5 s more than the timeout.
  time_t secs = static_cast<time_t>((source.timeout_nanos + 5 * kSecond) / kSecond);
  client.set_connection_timeout(secs, 0);
  client.set_read_timeout(secs, 0);
  client.set_write_timeout(secs, 0);
  std::string target = u->path;
  std::string query = EncodeQuery(u->query);
  if (!query.empty()) target += "?" + query;
  httplib::Result res =
      post_body != nullptr ? client.Post(target, *post_body, "application/octet-stream") : client.Get(target);
  if (!res) {
    std::string why = httplib::to_string(res.error());
    if (res.error() == httplib::Error::Connection) why = "connection refused or host unreachable";
    if (res.error() == httplib::Error::Read) why = "timeout or connection closed while reading the response";
    return Status::Error(fmt::format("{} \"{}\": {}", verb, source.url, why));
  }
  if (res->status != 200) {
    std::string status = fmt::format("{} {}", res->status, res->reason);
    if (res->has_header("X-Go-Pprof") &&
        res->get_header_value("Content-Type").find("text/plain") != std::string::npos) {
      std::string body = res->body;
      while (!body.empty() && body.back() == '\n') body.pop_back();
      return Status::Error(fmt::format("server response: {} - {}", status, body));
    }
    return Status::Error("server response: " + status);
  }
  return std::move(res->body);
}

}  // namespace cpprof
