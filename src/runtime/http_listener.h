// The HTTP listener behind ServeDebug, built as a shared object of its own
// (libcpprof_http.so, from http_listener.cc) that libcpprof loads with dlopen
// on the first ServeDebug. Only a process that serves then maps cpp-httplib
// and what Debian's build of it links (OpenSSL, brotli, zlib): loading them
// made every process start 1.3 ms slower under LD_PRELOAD (`env LD_PRELOAD=
// libcpprof.so /bin/true` in bench/runtime_overhead.sh: 2.77 ms with them,
// 1.44 ms without, 0.95 ms with no profiler), and a host's own TLS library
// is left alone.
#ifndef CPPROF_RUNTIME_HTTP_LISTENER_H_
#define CPPROF_RUNTIME_HTTP_LISTENER_H_

#include <string>

namespace cpprof::runtime {

// A bound socket that answers every request with HandleDebugRequest.
class HttpListener {
 public:
  virtual ~HttpListener() = default;
  // Serves until Stop; runs on the server thread.
  virtual void Listen() noexcept = 0;
  // From any thread; Listen returns soon after.
  virtual void Stop() noexcept = 0;
};

// The one function libcpprof_http.so exports: binds host:*port (port 0: any
// free port, which it writes back to *port), or returns null, with *error set
// unless the address could not be bound.
using BindHttpListenerFn = HttpListener* (*)(const std::string& host, int* port, std::string* error);
inline constexpr char kHttpListenerLibrary[] = "libcpprof_http.so";
inline constexpr char kBindHttpListenerSymbol[] = "cpprof_bind_http_listener";

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_HTTP_LISTENER_H_
