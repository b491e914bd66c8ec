// ServeDebug: a cpp-httplib server thread that hands every request to
// HandleDebugRequest. Its threads are cpprof's own (SIGPROF blocked, not in
// thread dumps); bad requests are answered by httplib or the handler and
// never reach the host program.
// Tested by tests/runtime/http_test.cc.
#include <httplib.h>

#include <pthread.h>

#include <memory>
#include <mutex>
#include <thread>

#include "cpprof/http.h"
#include "runtime/thread_registry.h"

namespace cpprof {
namespace {

struct Server {
  std::mutex mu;
  std::unique_ptr<httplib::Server> http;
  std::thread thread;
};

// After fork the server thread does not exist in the child: forget it (its
// memory is left alone) so that ServeDebug and StopServeDebug work there.
void ForgetServerInChild();

Server& S() {
  static Server* s = [] {
    pthread_atfork(nullptr, nullptr, ForgetServerInChild);
    return new Server;  // immortal: may be stopped during exit
  }();
  return *s;
}

void ForgetServerInChild() {
  Server& s = S();
  new (&s.mu) std::mutex;
  new (&s.thread) std::thread;
  (void)s.http.release();
}

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
  res.set_content(std::move(out.body), content_type);
}

void Serve(const httplib::Request& req, httplib::Response& res) noexcept {
  try {
    ServeOrThrow(req, res);
  } catch (...) {
    res.status = 500;  // out of memory while copying the request or response
  }
}

}  // namespace

Error ServeDebug(const std::string& address) noexcept {
  try {
    Server& s = S();
    std::lock_guard lock(s.mu);
    if (s.http) return Error{"ServeDebug: already serving"};
    size_t colon = address.rfind(':');
    if (colon == std::string::npos) return Error{"ServeDebug: address must be host:port, got " + address};
    std::string host = address.substr(0, colon);
    if (host.empty()) host = "127.0.0.1";
    int port = std::atoi(address.c_str() + colon + 1);
    auto http = std::make_unique<httplib::Server>();
    // Request bodies are symbol lists at most; 1 MiB bounds a hostile one.
    http->set_payload_max_length(1 << 20);
    http->Get(".*", Serve);
    http->Post(".*", Serve);
    http->Put(".*", Serve);  // net/http/pprof answers every method the same way
    http->Delete(".*", Serve);
    http->Patch(".*", Serve);
    if (!http->bind_to_port(host, port)) return Error{"ServeDebug: cannot listen on " + address};
    httplib::Server* raw = http.get();
    s.http = std::move(http);
    runtime::InternalThreadScope internal;
    s.thread = std::thread([raw] {
      runtime::ThreadRegistry::Get().MarkSelfInternal();
      raw->listen_after_bind();
    });
    return {};
  } catch (const std::exception& e) {
    return Error{std::string("ServeDebug: ") + e.what()};
  }
}

void StopServeDebug() noexcept {
  Server& s = S();
  std::lock_guard lock(s.mu);
  if (!s.http) return;
  s.http->stop();
  if (s.thread.joinable()) s.thread.join();
  s.http.reset();
}

}  // namespace cpprof
