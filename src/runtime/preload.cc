// Zero-code-change entry: when libcpprof is loaded (LD_PRELOAD or linked),
// the environment configures it:
//   CPPROF_CPUPROFILE=path    profile the whole run; written at exit
//   CPPROF_CPUPROFILE_HZ=n    sampling rate (default 100, at most 1000)
//   CPPROF_HTTP=host:port     serve /debug/pprof there
//   CPPROF_HEAPPROFILE=path   write a heap profile at exit
//   CPPROF_MEMPROFILE_RATE=n  heap sampling: one sample per n bytes on
//                             average (default 524288, 1 = all, 0 = off)
//   CPPROF_SYMBOLIZE=0        write addresses only (read by the profile builder)
// A loader constructor is the only hook an LD_PRELOAD library gets; it only
// reads the environment and starts what was asked, and the profile is written
// by an atexit handler (not a static destructor), so it runs before the
// program's own statics are torn down. Children started with fork+exec
// inherit the environment: they write to <path>.<pid> instead of overwriting
// the parent's file, and do not serve HTTP.
// Tested by tests/runtime/preload_test.sh.
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "cpprof/cpprof.h"
#include "cpprof/http.h"
#include "runtime/signal_safe.h"
#include "runtime/thread_registry.h"

namespace cpprof::runtime {
namespace {

// The pid of the process that first read the variables; exec'd children
// inherit it and so know they are children.
constexpr const char kOwnerVar[] = "CPPROF_OWNER_PID";

void LogError(const std::string& what, const Error& e) { LogLine((what + ": " + e.message).c_str()); }

void WriteAtExit() {
  Error e = StopCPUProfile();
  if (!e.ok() && e.message != "cpu profiling is not running") LogError("CPPROF_CPUPROFILE", e);
}

std::string& HeapProfilePath() {
  static std::string* path = new std::string;  // immortal: read by the atexit handler
  return *path;
}

void WriteHeapAtExit() {
  std::ofstream out(HeapProfilePath(), std::ios::binary | std::ios::trunc);
  Error e = out ? Lookup("heap")->WriteTo(out, 0) : Error{"cannot open " + HeapProfilePath()};
  if (!e.ok()) LogError("CPPROF_HEAPPROFILE", e);
}

// The path for this process: a descendant adds its pid.
std::string OwnPath(const char* path, bool descendant) {
  return descendant ? std::string(path) + "." + std::to_string(getpid()) : path;
}

// Whether this process is a descendant (fork+exec) of the one that owns the
// configuration; marks this one as the owner otherwise.
bool IsDescendant() {
  std::string pid = std::to_string(getpid());
  const char* owner = getenv(kOwnerVar);
  if (owner == nullptr) {
    setenv(kOwnerVar, pid.c_str(), 1);
    return false;
  }
  return owner != pid;
}

__attribute__((constructor)) void StartFromEnvironment() {
  try {
    const char* path = getenv("CPPROF_CPUPROFILE");
    const char* hz = getenv("CPPROF_CPUPROFILE_HZ");
    const char* http = getenv("CPPROF_HTTP");
    const char* heap = getenv("CPPROF_HEAPPROFILE");
    const char* mem_rate = getenv("CPPROF_MEMPROFILE_RATE");
    if (mem_rate != nullptr && *mem_rate != 0) SetMemProfileRate(atoll(mem_rate));
    if (path == nullptr && http == nullptr && heap == nullptr) return;
    bool descendant = IsDescendant();
    ThreadRegistry::Get().Self();  // the main thread, with its stack bounds
    if (hz != nullptr && atoi(hz) > 0) SetCPUProfileRate(atoi(hz));
    if (path != nullptr && *path != 0) {
      Error e = StartCPUProfile(OwnPath(path, descendant));
      if (e.ok()) {
        atexit(WriteAtExit);
      } else {
        LogError("CPPROF_CPUPROFILE", e);
      }
    }
    if (heap != nullptr && *heap != 0) {
      HeapProfilePath() = OwnPath(heap, descendant);
      atexit(WriteHeapAtExit);
    }
    // Only the owner serves: its exec'd children would all fight for the port.
    if (http != nullptr && *http != 0 && !descendant) {
      Error e = ServeDebug(http);
      if (!e.ok()) LogError("CPPROF_HTTP", e);
    }
  } catch (...) {
    LogLine("environment configuration failed; profiling disabled");
  }
}

}  // namespace
}  // namespace cpprof::runtime
