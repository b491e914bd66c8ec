// Zero-code-change entry: when libcpprof is loaded (LD_PRELOAD or linked),
// the environment configures it:
//   CPPROF_CPUPROFILE=path    profile the whole run; written at exit
//   CPPROF_CPUPROFILE_HZ=n    sampling rate (default 100, at most 1000)
//   CPPROF_WALLPROFILE=path   wall-clock profile of the whole run; written
//                             at exit
//   CPPROF_WALLPROFILE_HZ=n   its rate (default 100, at most 250)
//   CPPROF_HTTP=host:port     serve /debug/pprof there (port 0: any free
//                             port, said on stderr)
//   CPPROF_HEAPPROFILE=path   write a heap profile at exit
//   CPPROF_HEAPPROFILE_INTERVAL=seconds
//                             and one every that many seconds while it runs:
//                             path.0001, .0002, ... (heap_series.h)
//   CPPROF_MEMPROFILE_RATE=n  heap sampling: one sample per n bytes on
//                             average (default 524288, 1 = all, 0 = off)
//   CPPROF_TRACE=path         trace the whole run (cpprof/trace.h), streamed
//                             to path while it runs, finished at exit
//   CPPROF_TRACE_PERF=0       traces take scheduler waits from /proc's
//                             counters only (read by the trace recorder)
//   CPPROF_SYMBOLIZE=0        write addresses only (read by the profile builder)
// A loader constructor is the only hook an LD_PRELOAD library gets; it only
// reads the environment and starts what was asked, and the profile is written
// by an atexit handler (not a static destructor), so it runs before the
// program's own statics are torn down.
//
// Who gets the path and the port. LD_PRELOAD loads libcpprof into every
// process of a command line, and people start programs through launchers:
// `timeout 60 ./server`, `env`, `nohup`, `taskset`, `numactl`, `time`,
// `sh -c`. The rule:
//   1. A launcher (kLaunchers, by the name of its executable) takes nothing:
//      it neither profiles nor serves, and passes the variables on.
//   2. The first other process is the owner: it writes `path` and serves.
//   3. The owner's descendants (fork+exec) write `path.<pid>` and do not
//      serve; each says so in one line on stderr.
// A program that execs in place (env, nohup, `sh -c 'one command'`) keeps its
// pid, so what it execs is still the owner.
// Tested by tests/runtime/preload_test.sh and trace_test.sh.
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <string>
#include <string_view>

#include "cpprof/cpprof.h"
#include "cpprof/http.h"
#include "cpprof/trace.h"
#include "runtime/heap_series.h"
#include "runtime/signal_safe.h"
#include "runtime/thread_registry.h"

namespace cpprof::runtime {
namespace {

// The pid of the owner; exec'd children inherit it and so know they are
// descendants.
constexpr const char kOwnerVar[] = "CPPROF_OWNER_PID";

// Programs that start another program and do nothing worth profiling
// themselves, named as /proc/self/exe names them (Debian's sh is dash).
constexpr std::string_view kLaunchers[] = {
    "timeout", "time",  "env",  "nohup", "nice",    "ionice",  "taskset", "numactl", "chrt",   "setsid",  "stdbuf",
    "flock",   "xargs", "sudo", "su",    "runuser", "setpriv", "unshare", "nsenter", "chroot", "prlimit", "strace",
    "ltrace",  "perf",  "sh",   "dash",  "bash",    "zsh",     "ksh",     "mksh",    "busybox"};

void LogError(const std::string& what, const Error& e) { LogLine((what + ": " + e.message).c_str()); }

void WriteAtExit() {
  Error e = StopCPUProfile();
  if (!e.ok() && e.message != "cpu profiling is not running") LogError("CPPROF_CPUPROFILE", e);
}

void WriteWallAtExit() {
  Error e = StopWallProfile();
  if (!e.ok() && e.message != "wall profiling is not running") LogError("CPPROF_WALLPROFILE", e);
}

std::string& HeapProfilePath() {
  static std::string* path = new std::string;  // immortal: read by the atexit handler
  return *path;
}

void WriteHeapAtExit() {
  StopHeapSeries();
  if (Error e = WriteHeapProfileFile(HeapProfilePath()); !e.ok()) LogError("CPPROF_HEAPPROFILE", e);
}

int g_trace_fd = -1;

void StopTraceAtExit() {
  if (Error e = StopTrace(); !e.ok()) LogError("CPPROF_TRACE", e);
  close(g_trace_fd);
}

// Opens path and traces into it until exit.
void TraceToFile(const std::string& path) {
  g_trace_fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (g_trace_fd < 0) {
    LogLine(("CPPROF_TRACE: open " + path + ": " + std::strerror(errno)).c_str());
    return;
  }
  if (Error e = StartTrace(g_trace_fd); !e.ok()) {
    LogError("CPPROF_TRACE", e);
    close(g_trace_fd);
    return;
  }
  atexit(StopTraceAtExit);
}

enum class Role { kLauncher, kOwner, kDescendant };

bool IsLauncher() {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe));
  if (n <= 0) return false;
  std::string_view path(exe, static_cast<size_t>(n));
  std::string_view name = path.substr(path.rfind('/') + 1);
  return std::find(std::begin(kLaunchers), std::end(kLaunchers), name) != std::end(kLaunchers);
}

// This process's role; the first non-launcher marks itself as the owner.
Role TakeRole(std::string* owner_pid) {
  const char* owner = getenv(kOwnerVar);
  std::string pid = std::to_string(getpid());
  if (owner != nullptr) {
    *owner_pid = owner;
    return *owner_pid == pid ? Role::kOwner : Role::kDescendant;
  }
  if (IsLauncher()) return Role::kLauncher;
  setenv(kOwnerVar, pid.c_str(), 1);
  *owner_pid = pid;
  return Role::kOwner;
}

// The one line a descendant says for var: "<var>: <owner's part>; pid <pid>,
// its descendant, <what it does instead>".
void SayDescendant(const char* var, const std::string& owners, const std::string& instead) {
  LogLine((std::string(var) + ": " + owners + "; pid " + std::to_string(getpid()) + ", its descendant, " + instead)
              .c_str());
}

// The path for this process: a descendant adds its pid, and says so.
std::string OwnPath(const char* var, const char* path, Role role, const std::string& owner_pid) {
  if (role != Role::kDescendant) return path;
  std::string own = std::string(path) + "." + std::to_string(getpid());
  SayDescendant(var, std::string(path) + " belongs to pid " + owner_pid, "writes " + own);
  return own;
}

__attribute__((constructor)) void StartFromEnvironment() {
  try {
    const char* path = getenv("CPPROF_CPUPROFILE");
    const char* hz = getenv("CPPROF_CPUPROFILE_HZ");
    const char* http = getenv("CPPROF_HTTP");
    const char* heap = getenv("CPPROF_HEAPPROFILE");
    const char* mem_rate = getenv("CPPROF_MEMPROFILE_RATE");
    const char* heap_interval = getenv("CPPROF_HEAPPROFILE_INTERVAL");
    const char* wall = getenv("CPPROF_WALLPROFILE");
    const char* wall_hz = getenv("CPPROF_WALLPROFILE_HZ");
    const char* trace = getenv("CPPROF_TRACE");
    if (path == nullptr && http == nullptr && heap == nullptr && mem_rate == nullptr && heap_interval == nullptr &&
        wall == nullptr && trace == nullptr)
      return;
    std::string owner_pid;
    Role role = TakeRole(&owner_pid);
    if (role == Role::kLauncher) return;
    if (mem_rate != nullptr && *mem_rate != 0) SetMemProfileRate(atoll(mem_rate));
    ThreadRegistry::Get().Self();  // the main thread, with its stack bounds
    if (hz != nullptr && atoi(hz) > 0) SetCPUProfileRate(atoi(hz));
    if (path != nullptr && *path != 0) {
      Error e = StartCPUProfile(OwnPath("CPPROF_CPUPROFILE", path, role, owner_pid));
      if (e.ok()) {
        atexit(WriteAtExit);
      } else {
        LogError("CPPROF_CPUPROFILE", e);
      }
    }
    if (wall_hz != nullptr && atoi(wall_hz) > 0) SetWallProfileRate(atoi(wall_hz));
    if (wall != nullptr && *wall != 0) {
      Error e = StartWallProfile(OwnPath("CPPROF_WALLPROFILE", wall, role, owner_pid));
      if (e.ok()) {
        atexit(WriteWallAtExit);
      } else {
        LogError("CPPROF_WALLPROFILE", e);
      }
    }
    if (trace != nullptr && *trace != 0) TraceToFile(OwnPath("CPPROF_TRACE", trace, role, owner_pid));
    if (heap != nullptr && *heap != 0) {
      HeapProfilePath() = OwnPath("CPPROF_HEAPPROFILE", heap, role, owner_pid);
      atexit(WriteHeapAtExit);
      if (heap_interval != nullptr && *heap_interval != 0) {
        char* end = nullptr;
        double seconds = strtod(heap_interval, &end);
        Error e = *end != 0 ? Error{"not a number of seconds: " + std::string(heap_interval)}
                            : StartHeapSeries(HeapProfilePath(), seconds);
        if (!e.ok()) LogError("CPPROF_HEAPPROFILE_INTERVAL", e);
      }
    } else if (heap_interval != nullptr && *heap_interval != 0) {
      LogLine("CPPROF_HEAPPROFILE_INTERVAL: needs CPPROF_HEAPPROFILE, the path of the series; nothing written");
    }
    // Only the owner serves: its exec'd children would all fight for the port.
    if (http != nullptr && *http != 0) {
      if (role == Role::kDescendant) {
        SayDescendant("CPPROF_HTTP", "served by pid " + owner_pid, "does not serve");
      } else if (Error e = ServeDebug(http); !e.ok()) {
        LogError("CPPROF_HTTP", e);
      } else if (std::string_view(http).ends_with(":0")) {
        LogLine(("CPPROF_HTTP: serving http://" + DebugAddress() + "/debug/pprof/").c_str());
      }
    }
  } catch (...) {
    LogLine("environment configuration failed; profiling disabled");
  }
}

}  // namespace
}  // namespace cpprof::runtime
