// A CPU-bound server for the demo: worker threads hash blocks of data (the
// workload of the pprof write-ups), labelled by the kind of work, while
// /debug/pprof is served on the given address.
//
// usage: hash_server [host:port (default 127.0.0.1:6060)] [workers (default 3)]
// Runs until stdin is closed or SIGTERM/SIGINT arrives.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cpprof/cpprof.h"
#include "cpprof/http.h"

namespace {

std::atomic<bool> g_stop{false};

// FNV-1a over a block: cheap per byte, so time goes where the loop is.
__attribute__((noinline)) uint64_t Fnv1a(const std::vector<uint8_t>& data) {
  uint64_t h = 1469598103934665603ull;
  for (uint8_t b : data) h = (h ^ b) * 1099511628211ull;
  return h;
}

// A slower mixing hash, to give the profile a second hot spot.
__attribute__((noinline)) uint64_t MixRounds(uint64_t seed, int rounds) {
  for (int i = 0; i < rounds; ++i) {
    seed ^= seed >> 33;
    seed *= 0xff51afd7ed558ccdull;
    seed ^= seed >> 29;
  }
  return seed;
}

__attribute__((noinline)) uint64_t HandleHashRequest(std::vector<uint8_t>& block) {
  for (auto& b : block) b = static_cast<uint8_t>(b * 31 + 7);
  return Fnv1a(block);
}

// A custom profile, like Go's pprof.NewProfile: the stack that allocated each
// live block.
std::optional<cpprof::ProfileRef> g_blocks;

__attribute__((noinline)) std::vector<uint8_t> AllocateBlock(int id) {
  std::vector<uint8_t> block(64 * 1024, static_cast<uint8_t>(id));
  if (g_blocks) g_blocks->Add(reinterpret_cast<uintptr_t>(block.data()));
  return block;
}

void Worker(int id) {
  std::vector<uint8_t> block = AllocateBlock(id);
  uint64_t sink = 0;
  while (!g_stop.load(std::memory_order_relaxed)) {
    // Two kinds of requests, labelled so -tagfocus=request=... separates them.
    cpprof::Do({{"request", "hash"}}, [&] { sink += HandleHashRequest(block); });
    cpprof::Do({{"request", "mix"}}, [&] { sink += MixRounds(sink, 20000); });
  }
  if (sink == 42) std::puts("");  // keep the work observable
  if (g_blocks) g_blocks->Remove(reinterpret_cast<uintptr_t>(block.data()));
}

void OnSignal(int) { g_stop.store(true); }

}  // namespace

int main(int argc, char** argv) {
  std::string address = argc > 1 ? argv[1] : "127.0.0.1:6060";
  int workers = argc > 2 ? std::atoi(argv[2]) : 3;
  signal(SIGTERM, OnSignal);
  signal(SIGINT, OnSignal);
  g_blocks = cpprof::NewProfile("hash_server.blocks");
  cpprof::Error e = cpprof::ServeDebug(address);
  if (!e.ok()) {
    std::fprintf(stderr, "hash_server: %s\n", e.message.c_str());
    return 1;
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) threads.emplace_back(Worker, i);
  std::printf("hash_server: serving http://%s/debug/pprof/ with %d workers\n", cpprof::DebugAddress().c_str(), workers);
  std::fflush(stdout);
  // Stop on stdin EOF too, so a test harness that dies takes the server with it.
  std::thread([] {
    char c;
    while (read(0, &c, 1) > 0) {
    }
    g_stop.store(true);
  }).detach();
  while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (auto& t : threads) t.join();
  cpprof::StopServeDebug();
  return 0;
}
