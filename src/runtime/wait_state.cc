#include "runtime/wait_state.h"

#include "trace/trace_format.h"

namespace cpprof::runtime {

std::atomic<uint32_t> g_wait_observers{0};

const char* WaitKindName(WaitKind kind) {
  switch (kind) {
    case WaitKind::kSync: return trace::kStateSync;
    case WaitKind::kNetwork: return trace::kStateNetwork;
    case WaitKind::kSyscall: return trace::kStateSyscall;
    case WaitKind::kSleep: return trace::kStateSleep;
    case WaitKind::kNone: break;
  }
  return "running";
}

}  // namespace cpprof::runtime
