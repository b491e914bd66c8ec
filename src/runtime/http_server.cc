// ServeDebug: a server thread of cpprof's own (SIGPROF blocked, not in thread
// dumps) running the listener of libcpprof_http.so, which is loaded from
// libcpprof's directory on the first call (see http_listener.h).
// Tested by tests/runtime/http_test.sh and preload_test.sh.
#include <dlfcn.h>
#include <pthread.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cpprof/http.h"
#include "runtime/http_listener.h"
#include "runtime/thread_registry.h"

namespace cpprof {
namespace {

using runtime::HttpListener;

// libcpprof's own directory with its trailing '/' ("" if unknown), taken when
// it is loaded: a preloaded library's recorded path may be relative, and the
// host may change directory before it serves. Runs in a static initializer,
// so it neither allocates nor throws; an absolute path costs no system call.
const char* OwnDirectory() {
  static char dir[PATH_MAX] = "";
  [[maybe_unused]] static bool found = [] {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&OwnDirectory), &info) == 0 || info.dli_fname == nullptr) return false;
    char absolute[PATH_MAX];
    const char* path = info.dli_fname;
    if (path[0] != '/' && realpath(path, absolute) != nullptr) path = absolute;
    const char* slash = std::strrchr(path, '/');
    size_t n = slash == nullptr ? 0 : static_cast<size_t>(slash - path) + 1;
    if (n >= sizeof(dir)) return false;
    std::memcpy(dir, path, n);
    dir[n] = '\0';
    return true;
  }();
  return dir;
}
[[maybe_unused]] const char* g_own_directory_at_load = OwnDirectory();

// The listener library's bind function, loaded once and kept.
runtime::BindHttpListenerFn LoadListener(std::string* error) {
  static void* library = nullptr;
  if (library == nullptr) {
    std::string path = std::string(OwnDirectory()) + runtime::kHttpListenerLibrary;
    library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
      const char* why = dlerror();
      *error = why != nullptr ? why : "cannot load " + path;
      return nullptr;
    }
  }
  auto bind = reinterpret_cast<runtime::BindHttpListenerFn>(dlsym(library, runtime::kBindHttpListenerSymbol));
  if (bind == nullptr)
    *error = std::string(runtime::kHttpListenerLibrary) + " has no " + runtime::kBindHttpListenerSymbol;
  return bind;
}

struct Server {
  std::mutex mu;
  std::unique_ptr<HttpListener> listener;
  std::thread thread;
  std::string address;  // host:port as bound (the kernel's port for port 0)
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
  new (&s.address) std::string;
  (void)s.listener.release();
}

}  // namespace

Error ServeDebug(const std::string& address) noexcept {
  try {
    Server& s = S();
    std::lock_guard lock(s.mu);
    if (s.listener) return Error{"ServeDebug: already serving"};
    size_t colon = address.rfind(':');
    if (colon == std::string::npos) return Error{"ServeDebug: address must be host:port, got " + address};
    std::string host = address.substr(0, colon);
    if (host.empty()) host = "127.0.0.1";
    int port = std::atoi(address.c_str() + colon + 1);
    std::string error;
    runtime::BindHttpListenerFn bind = LoadListener(&error);
    if (bind == nullptr) return Error{"ServeDebug: " + error};
    std::unique_ptr<HttpListener> listener(bind(host, &port, &error));
    if (!listener) return Error{"ServeDebug: " + (error.empty() ? "cannot listen on " + address : error)};
    HttpListener* raw = listener.get();
    s.listener = std::move(listener);
    s.address = host + ":" + std::to_string(port);
    runtime::InternalThreadScope internal;
    s.thread = std::thread([raw] {
      runtime::ThreadRegistry::Get().MarkSelfInternal();
      raw->Listen();
    });
    return {};
  } catch (const std::exception& e) {
    return Error{std::string("ServeDebug: ") + e.what()};
  }
}

void StopServeDebug() noexcept {
  Server& s = S();
  std::lock_guard lock(s.mu);
  if (!s.listener) return;
  s.listener->Stop();
  if (s.thread.joinable()) s.thread.join();
  s.listener.reset();
  s.address.clear();
}

std::string DebugAddress() noexcept {
  try {
    Server& s = S();
    std::lock_guard lock(s.mu);
    return s.address;
  } catch (...) {
    return {};  // out of memory copying a short string
  }
}

}  // namespace cpprof
