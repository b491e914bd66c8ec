// A server whose heap grows three ways, for the leak hunt over time
// (`cpprof -leaks`, README "Leaks over time"):
//   LogRequest     the leak: 16 KiB per request kept forever, 1.6 MB/s;
//   CacheResponse  a bounded cache: 64 KiB entries up to 48 MiB, filled in
//                  the first 2 s, then churning (oldest out) at 13 MB/s, so
//                  no entry lives longer than 4 s;
//   BuildReport    bursts: 32 MiB held for 300 ms every 1.3 s (so snapshots
//                  taken once a second catch one now and then).
// Two snapshots compared with -base rank whatever the moments caught (a burst,
// the cache still filling, sampling noise) above the leak; a series of
// snapshots ranked by steady growth names the leak.
//
// usage: growing_server [host:port | -] [seconds]
// Serves /debug/pprof at host:port (default 127.0.0.1:0, a free port, printed
// on stdout; "-": do not serve). Runs for `seconds`, else until stdin is
// closed or SIGTERM/SIGINT arrives. CPPROF_HEAPPROFILE and
// CPPROF_HEAPPROFILE_INTERVAL write the series to files instead.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cpprof/cpprof.h"
#include "cpprof/http.h"

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<bool> g_stop{false};
std::vector<std::string> g_request_log;         // the leak
std::deque<std::vector<char>> g_cache;          // bounded: kCacheEntries at most
std::vector<std::unique_ptr<char[]>> g_report;  // the burst, while it lives

constexpr size_t kLogEntry = 16 << 10;
constexpr size_t kCacheEntry = 64 << 10;
constexpr size_t kCacheEntries = (48 << 20) / kCacheEntry;

__attribute__((noinline)) void LogRequest(int id) {
  g_request_log.push_back(std::string(kLogEntry, static_cast<char>('a' + id % 26)));
}

__attribute__((noinline)) void CacheResponse(int id) {
  if (g_cache.size() == kCacheEntries) g_cache.pop_front();
  g_cache.emplace_back(kCacheEntry, static_cast<char>(id));
}

__attribute__((noinline)) void BuildReport() {
  for (int i = 0; i < 32; ++i) {
    g_report.emplace_back(new char[1 << 20]);
    std::memset(g_report.back().get(), i, 64);  // used, so the allocation stays
  }
}

__attribute__((noinline)) void DropReport() { g_report.clear(); }

// One request every 10 ms; the cache fills with 4 entries a request (26 MB/s)
// and then takes 2.
void Serve(double seconds) {
  auto start = Clock::now();
  auto next = start;
  for (int id = 0; !g_stop.load(std::memory_order_relaxed); ++id) {
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (seconds > 0 && elapsed >= seconds) break;
    LogRequest(id);
    int entries = g_cache.size() < kCacheEntries ? 4 : 2;
    for (int i = 0; i < entries; ++i) CacheResponse(id);
    int tick = id % 130;
    if (tick == 0) BuildReport();
    if (tick == 30) DropReport();
    next += std::chrono::milliseconds(10);
    std::this_thread::sleep_until(next);
  }
}

void OnSignal(int) { g_stop.store(true); }

}  // namespace

int main(int argc, char** argv) {
  std::string address = argc > 1 ? argv[1] : "127.0.0.1:0";
  double seconds = argc > 2 ? std::atof(argv[2]) : 0;
  signal(SIGTERM, OnSignal);
  signal(SIGINT, OnSignal);
  if (address != "-") {
    if (cpprof::Error e = cpprof::ServeDebug(address); !e.ok()) {
      std::fprintf(stderr, "growing_server: %s\n", e.message.c_str());
      return 1;
    }
    std::printf("growing_server: serving http://%s/debug/pprof/\n", cpprof::DebugAddress().c_str());
    std::fflush(stdout);
  }
  if (seconds <= 0) {
    std::thread([] {
      char c;
      while (read(0, &c, 1) > 0) {
      }
      g_stop.store(true);
    }).detach();
  }
  Serve(seconds);
  if (address != "-") cpprof::StopServeDebug();
  return 0;
}
