// Profiles from live servers: which sources are URLs, and fetching them over
// HTTP or HTTPS, as `go tool pprof` does (cmd/pprof's fetcher and pprof's
// internal/transport).
#ifndef CPPROF_DRIVER_HTTP_FETCH_H_
#define CPPROF_DRIVER_HTTP_FETCH_H_

#include <optional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace cpprof {

struct HttpOptions {
  int seconds = -1;  // -seconds: sets the URL's seconds= when > 0
  int timeout = -1;  // -timeout in seconds; <= 0 derives it from the duration
  std::string tls_cert, tls_key, tls_ca;
};

struct RemoteSource {
  std::string url;             // what is fetched and printed
  int64_t duration_nanos = 0;  // the profile's duration when one was asked for
  int64_t timeout_nanos = 0;
};

// Where a URL without a path points: the CPU profile, as in go tool pprof,
// and, for `cpprof trace`, the execution trace.
inline constexpr std::string_view kProfilePath = "/debug/pprof/profile";
inline constexpr std::string_view kTracePath = "/debug/pprof/trace";

// go tool pprof's adjustURL: "host:port/path" gets "http://", an empty path
// becomes default_path, -seconds sets seconds=, and the timeout is
// -timeout, else 1.5 x the duration, else 60 s. Nothing for a source that is
// not a URL with a host.
std::optional<RemoteSource> AdjustURL(std::string_view source, const HttpOptions& options,
                                      std::string_view default_path = kProfilePath);

// GETs the profile bytes, or with post_body POSTs it (remote symbolization).
// Errors read like pprof's: "server response: 404 Not Found" (with the body
// when a pprof endpoint explains itself). "https+insecure://" skips
// certificate verification.
Result<std::string> FetchURL(const RemoteSource& source, const HttpOptions& options,
                             const std::string* post_body = nullptr);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_HTTP_FETCH_H_
