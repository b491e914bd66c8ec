// libcpprof_http.so: ServeDebug's cpp-httplib server (see http_listener.h for
// why it is a library of its own). Every request goes to HandleDebugRequest;
// bad requests are answered by httplib or the handler and never reach the
// host program.
// Tested by tests/runtime/http_test.sh, preload_test.sh and trace_test.sh (streaming).
#include "runtime/http_listener.h"

#include <httplib.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "cpprof/http.h"

namespace cpprof::runtime {
namespace {

void ServeOrThrow(const httplib::Request& req, httplib::Response& res) {
  HttpRequest in;
  in.method = req.method;
  in.path = req.path;
  size_t q = req.target.find('?');
  if (q != std::string::npos) in.query = req.target.substr(q + 1);
  in.body = req.body;
  HttpResponse out = HandleDebugRequest(in);
  res.status = out.status;
  std::string content_type = "text/plain; charset=utf-8";
  for (const auto& [k, v] : out.headers) {
    if (k == "Content-Type") {
      content_type = v;
    } else {
      res.set_header(k, v);
    }
  }
  if (!out.stream) return res.set_content(std::move(out.body), content_type);
  // Chunked: the trace goes out as it is recorded.
  res.set_chunked_content_provider(content_type, [stream = std::move(out.stream)](size_t, httplib::DataSink& sink) {
    stream([&sink](std::string_view bytes) { return sink.write(bytes.data(), bytes.size()); });
    sink.done();
    return true;
  });
}

void Serve(const httplib::Request& req, httplib::Response& res) noexcept {
  try {
    ServeOrThrow(req, res);
  } catch (...) {
    res.status = 500;  // out of memory while copying the request or response
  }
}

class HttplibListener : public HttpListener {
 public:
  HttplibListener() {
    // Request bodies are symbol lists at most; 1 MiB bounds a hostile one.
    http_.set_payload_max_length(1 << 20);
    // Debian's cpp-httplib (0.11, built with brotli) compresses text
    // responses for a browser with brotli at quality 11, in the host's
    // process: seconds of CPU for a big goroutine?debug=2 dump. net/http/pprof
    // compresses nothing, and neither does this server. The request is
    // httplib's own, non-const object, handed to this handler as const.
    http_.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
      const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
      return httplib::Server::HandlerResponse::Unhandled;
    });
    http_.Get(".*", Serve);
    http_.Post(".*", Serve);
    http_.Put(".*", Serve);  // net/http/pprof answers every method the same way
    http_.Delete(".*", Serve);
    http_.Patch(".*", Serve);
  }
  // Port 0 takes any free port (the way tests and parallel runs avoid
  // collisions); *port is then the one the kernel chose.
  bool Bind(const std::string& host, int* port) {
    if (*port != 0) return http_.bind_to_port(host, *port);
    *port = http_.bind_to_any_port(host);
    return *port > 0;
  }
  void Listen() noexcept override {
    try {
      http_.listen_after_bind();
    } catch (...) {
      // Out of memory in httplib's accept loop: the server stops serving.
    }
    listen_returned_.store(true);
  }
  // httplib's stop() does nothing until the accept loop runs, so a Stop
  // right after ServeDebug would leave the loop to run forever and the join
  // to hang: wait for the loop to start (or to have ended) first.
  void Stop() noexcept override {
    while (!http_.is_running() && !listen_returned_.load()) std::this_thread::yield();
    http_.stop();
  }

 private:
  httplib::Server http_;
  std::atomic<bool> listen_returned_{false};
};

}  // namespace
}  // namespace cpprof::runtime

extern "C" __attribute__((visibility("default"))) cpprof::runtime::HttpListener* cpprof_bind_http_listener(
    const std::string& host, int* port, std::string* error) {
  try {
    auto listener = std::make_unique<cpprof::runtime::HttplibListener>();
    // ServeDebug words a failed bind (error left empty): it knows the address as given.
    return listener->Bind(host, port) ? listener.release() : nullptr;
  } catch (const std::exception& e) {
    *error = e.what();
    return nullptr;
  }
}
