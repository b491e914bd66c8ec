// The leak of the pprof write-ups, in C++: a worker thread handles requests
// with short-lived allocations (steady churn) but remembers every request's
// payload in a container that only grows. Two heap snapshots a few seconds
// apart, compared with `cpprof -top -base`, name the function that grows it.
// A reporter thread holds the container's lock while it "formats" a report,
// which the mutex and block profiles show (both turned on here).
//
// usage: leaky_server [host:port (default 127.0.0.1:6060)]
// Runs until stdin is closed or SIGTERM/SIGINT arrives.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cpprof/cpprof.h"
#include "cpprof/http.h"

namespace {

std::atomic<bool> g_stop{false};
std::mutex g_history_mu;
std::vector<std::string> g_history;  // the leak: appended to, never trimmed

// Copies the payload into the history "for debugging": 2 KiB per request,
// about 4 MiB a second at the worker's pace.
__attribute__((noinline)) void RememberRequest(const std::string& payload) {
  std::lock_guard lock(g_history_mu);
  g_history.push_back(payload);
}

// Holds the history's lock for 2 ms every 20 ms: the worker waits on it.
__attribute__((noinline)) size_t ReportHistory() {
  std::lock_guard lock(g_history_mu);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return g_history.size();
}

void Reporter() {
  pthread_setname_np(pthread_self(), "reporter");  // names group threads in `cpprof trace`
  size_t sink = 0;
  while (!g_stop.load(std::memory_order_relaxed)) {
    sink += ReportHistory();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (sink == 42) std::puts("");
}

// Steady churn: buffers that live for one request.
__attribute__((noinline)) size_t ParseRequest(int id) {
  std::vector<std::string> fields;
  for (int i = 0; i < 16; ++i) fields.push_back(std::string(64 + (id + i) % 200, 'f'));
  size_t n = 0;
  for (const std::string& f : fields) n += f.size();
  return n;
}

void Worker() {
  pthread_setname_np(pthread_self(), "worker");
  size_t sink = 0;
  for (int id = 0; !g_stop.load(std::memory_order_relaxed); ++id) {
    sink += ParseRequest(id);
    RememberRequest(std::string(2048, static_cast<char>('a' + id % 26)));
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  if (sink == 42) std::puts("");
}

void OnSignal(int) { g_stop.store(true); }

}  // namespace

int main(int argc, char** argv) {
  std::string address = argc > 1 ? argv[1] : "127.0.0.1:6060";
  signal(SIGTERM, OnSignal);
  signal(SIGINT, OnSignal);
  cpprof::Error e = cpprof::ServeDebug(address);
  if (!e.ok()) {
    std::fprintf(stderr, "leaky_server: %s\n", e.message.c_str());
    return 1;
  }
  cpprof::SetMutexProfileFraction(1);
  cpprof::SetBlockProfileRate(10000);  // every block of 10 us or more
  std::thread worker(Worker);
  std::thread reporter(Reporter);
  std::printf("leaky_server: serving http://%s/debug/pprof/\n", cpprof::DebugAddress().c_str());
  std::fflush(stdout);
  std::thread([] {
    pthread_setname_np(pthread_self(), "stdin-watch");
    char c;
    while (read(0, &c, 1) > 0) {
    }
    g_stop.store(true);
  }).detach();
  while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  worker.join();
  reporter.join();
  cpprof::StopServeDebug();
  return 0;
}
