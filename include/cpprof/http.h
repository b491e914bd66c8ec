// cpprof's /debug/pprof HTTP endpoints, with the routes, parameters, status
// codes and headers of Go's net/http/pprof.
//
// Security: profiles expose the program's code layout, command line and
// symbol names. ServeDebug binds 127.0.0.1 unless given another address.
#ifndef CPPROF_HTTP_H_
#define CPPROF_HTTP_H_

#include <string>
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
};

// Serves one request; mount it under /debug/pprof/ in an application's own
// server. Also answers /metrics (Prometheus text: process_* metrics and the
// heap profiler's cpprof_heap_* figures). Blocks for the duration of profile?seconds=N and delta requests.
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
