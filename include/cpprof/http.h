// cpprof's /debug/pprof HTTP endpoints, with the routes, parameters, status
// codes and headers of Go's net/http/pprof.
//
// Security: profiles expose the program's code layout, command line and
// symbol names. ServeDebug binds 127.0.0.1 unless given another address.
#ifndef CPPROF_HTTP_H_
#define CPPROF_HTTP_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cpprof/cpprof.h"

namespace cpprof {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // "/debug/pprof/goroutine"
  std::string query;   // raw query without '?', e.g. "debug=1"
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set (instead of body) for a response sent while it is produced,
  // /debug/pprof/trace's: the server calls it once, after the headers, with
  // `send`, which sends a piece of the body and returns false when the
  // client is gone; it returns when the body is complete. A server must call
  // it (one that cannot stream may pass a send that appends to a string):
  // the trace it ends was started by HandleDebugRequest.
  std::function<void(const std::function<bool(std::string_view)>& send)> stream;
};

// Serves one request; mount it under /debug/pprof/ in an application's own
// server. Also answers /metrics (Prometheus text: process_* metrics and the
// heap profiler's cpprof_heap_* figures). Blocks for the duration of profile?seconds=N and delta requests;
// trace?seconds=N returns at once with a `stream` that lasts N seconds.
CPPROF_EXPORT HttpResponse HandleDebugRequest(const HttpRequest& request) noexcept;

// Starts a server thread on "host:port" (default 127.0.0.1:6060); port 0
// takes any free port (see DebugAddress). Fails when the address cannot be
// bound or a server is already running.
CPPROF_EXPORT Error ServeDebug(const std::string& address = "127.0.0.1:6060") noexcept;
// The address ServeDebug bound, "host:port" with the port the kernel chose
// for port 0; empty when not serving.
CPPROF_EXPORT std::string DebugAddress() noexcept;
// Stops the server started by ServeDebug and joins its thread.
CPPROF_EXPORT void StopServeDebug() noexcept;

}  // namespace cpprof

#endif  // CPPROF_HTTP_H_
