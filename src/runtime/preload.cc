// Zero-code-change entry: when libcpprof is loaded (LD_PRELOAD or linked),
// the environment configures it:
//   CPPROF_CPUPROFILE=path    profile the whole run; written at exit
//   CPPROF_CPUPROFILE_HZ=n    sampling rate (default 100, at most 1000)
//   CPPROF_HTTP=host:port     serve /debug/pprof there
// A loader constructor is the only hook an LD_PRELOAD library gets; it only
// reads the environment and starts what was asked, and the profile is written
// by an atexit handler (not a static destructor), so it runs before the
// program's own statics are torn down. Children started with fork+exec
// inherit the environment and write to <path>.<pid> instead of overwriting
// the parent's file.
// Tested by tests/runtime/preload_test.sh.
#include <stdlib.h>
#include <unistd.h>

#include <string>

#include "cpprof/cpprof.h"
#include "cpprof/http.h"
#include "runtime/signal_safe.h"
#include "runtime/thread_registry.h"

namespace cpprof::runtime {
namespace {

constexpr const char kOwnerVar[] = "CPPROF_CPUPROFILE_OWNER_PID";

void LogError(const std::string& what, const Error& e) { LogLine((what + ": " + e.message).c_str()); }

void WriteAtExit() {
  Error e = StopCPUProfile();
  if (!e.ok() && e.message != "cpu profiling is not running") LogError("CPPROF_CPUPROFILE", e);
}

std::string ProfilePath(const char* path) {
  std::string pid = std::to_string(getpid());
  const char* owner = getenv(kOwnerVar);
  if (owner == nullptr) {
    setenv(kOwnerVar, pid.c_str(), 1);
    return path;
  }
  return owner == pid ? std::string(path) : std::string(path) + "." + pid;
}

__attribute__((constructor)) void StartFromEnvironment() {
  try {
    const char* path = getenv("CPPROF_CPUPROFILE");
    const char* hz = getenv("CPPROF_CPUPROFILE_HZ");
    const char* http = getenv("CPPROF_HTTP");
    if (path == nullptr && http == nullptr) return;
    ThreadRegistry::Get().Self();  // the main thread, with its stack bounds
    if (hz != nullptr && atoi(hz) > 0) SetCPUProfileRate(atoi(hz));
    if (path != nullptr && *path != 0) {
      Error e = StartCPUProfile(ProfilePath(path));
      if (e.ok()) {
        atexit(WriteAtExit);
      } else {
        LogError("CPPROF_CPUPROFILE", e);
      }
    }
    if (http != nullptr && *http != 0) {
      Error e = ServeDebug(http);
      if (!e.ok()) LogError("CPPROF_HTTP", e);
    }
  } catch (...) {
    LogLine("environment configuration failed; profiling disabled");
  }
}

}  // namespace
}  // namespace cpprof::runtime
