// The program of install_test.sh, built against an installed cpprof (through
// find_package and through pkg-config): profiles its own CPU into argv[1],
// serves on a free port (ServeDebug loads libcpprof_http.so from the
// directory libcpprof was loaded from) and prints the libcpprof files it has
// mapped.
#include <time.h>

#include <cpprof/cpprof.h>
#include <cpprof/http.h>
#include <cpprof/trace.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <string>

namespace {

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// 0.2 s of this thread's CPU time (not wall time), so the profile has its
// ~100 samples at 500 Hz however loaded the machine is.
__attribute__((noinline)) uint64_t SpinInConsumer() {
  cpprof::Region region("spin");  // trace.h's inline fast path links against the installed library
  uint64_t h = 14695981039346656037ull;
  double end = ThreadCpuSeconds() + 0.2;
  while (ThreadCpuSeconds() < end) {
    for (int i = 0; i < 10000; ++i) h = (h ^ static_cast<uint64_t>(i)) * 1099511628211ull;
  }
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer PROFILE\n");
    return 2;
  }
  cpprof::SetCPUProfileRate(500);
  if (cpprof::Error e = cpprof::StartCPUProfile(argv[1]); !e.ok()) {
    std::fprintf(stderr, "StartCPUProfile: %s\n", e.message.c_str());
    return 1;
  }
  volatile uint64_t sink = SpinInConsumer();
  (void)sink;
  if (cpprof::Error e = cpprof::StopCPUProfile(); !e.ok()) {
    std::fprintf(stderr, "StopCPUProfile: %s\n", e.message.c_str());
    return 1;
  }
  // Port 0: any free port; what is checked is that the listener library
  // loaded and bound. The server runs until the process exits.
  if (cpprof::Error e = cpprof::ServeDebug("127.0.0.1:0"); !e.ok()) {
    std::fprintf(stderr, "ServeDebug: %s\n", e.message.c_str());
    return 1;
  }
  std::string address = cpprof::DebugAddress();
  if (address.rfind("127.0.0.1:", 0) != 0 || std::atoi(address.c_str() + 10) <= 0) {
    std::fprintf(stderr, "DebugAddress: \"%s\"\n", address.c_str());
    return 1;
  }
  std::ifstream maps("/proc/self/maps");
  std::set<std::string> files;
  for (std::string line; std::getline(maps, line);) {
    size_t slash = line.find('/');
    if (slash != std::string::npos && line.find("libcpprof", slash) != std::string::npos)
      files.insert(line.substr(slash));
  }
  for (const std::string& f : files) std::cout << f << "\n";
  return 0;
}
