// Tested by tests/runtime/cpu_profile_test.cc and tests/runtime/torture_test.cc.
#include "runtime/stack_walk.h"

#include <ucontext.h>
#include <unwind.h>

#include <algorithm>

// This module's code: from its ELF header to the end of its text.
extern "C" char __ehdr_start[] __attribute__((visibility("hidden")));
extern "C" char etext[] __attribute__((visibility("hidden")));

namespace cpprof::runtime {

Registers FromSignalContext(const void* ucontext) {
  const auto* uc = static_cast<const ucontext_t*>(ucontext);
  Registers r;
#if defined(__x86_64__)
  r.pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  r.fp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RBP]);
  r.sp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
  r.pc = uc->uc_mcontext.pc;
  r.fp = uc->uc_mcontext.regs[29];
  r.sp = uc->uc_mcontext.sp;
#else
#error "cpprof's frame-pointer walker supports x86-64 and aarch64"
#endif
  return r;
}

int WalkFramePointers(Registers regs, StackBounds bounds, uintptr_t* out, int max) {
  int n = 0;
  if (max <= 0) return 0;
  out[n++] = regs.pc;
  if (!bounds.known()) return n;
  uintptr_t fp = regs.fp;
  while (n < max) {
    // [fp] and [fp + 8] must be readable: both inside the stack.
    if (fp < bounds.lo || fp > bounds.hi - 2 * sizeof(uintptr_t) || (fp & 7) != 0) break;
    const auto* frame = reinterpret_cast<const uintptr_t*>(fp);
    uintptr_t next = frame[0];
    uintptr_t ret = frame[1];
    if (ret == 0) break;
    out[n++] = ret;
    if (next <= fp) break;  // frames grow towards hi; anything else is garbage
    fp = next;
  }
  return n;
}

namespace {

struct UnwindState {
  uintptr_t* out;
  int max;
  int skip;
  int count;
};

_Unwind_Reason_Code CollectFrame(_Unwind_Context* ctx, void* arg) {
  auto* st = static_cast<UnwindState*>(arg);
  uintptr_t ip = _Unwind_GetIP(ctx);
  if (ip == 0) return _URC_END_OF_STACK;
  if (st->skip > 0) {
    --st->skip;
  } else if (st->count < st->max) {
    st->out[st->count++] = ip;
  }
  return st->count < st->max ? _URC_NO_REASON : _URC_END_OF_STACK;
}

}  // namespace

__attribute__((noinline)) int CaptureCurrentStack(int skip, uintptr_t* out, int max) {
  // The first frame reported is CaptureCurrentStack itself.
  UnwindState st{out, max, 1 + skip, 0};
  _Unwind_Backtrace(CollectFrame, &st);
  return st.count;
}

int CaptureStackOutsideRuntime(uintptr_t* out, int max) {
  // 16 spare slots for libcpprof's own frames (at most 5 today).
  uintptr_t pcs[kMaxProfStackDepth + 16];
  int depth = CaptureCurrentStack(0, pcs, std::min(max, kMaxProfStackDepth) + 16);
  uintptr_t start = reinterpret_cast<uintptr_t>(__ehdr_start);
  uintptr_t size = static_cast<uintptr_t>(etext - __ehdr_start);
  int own = 0;
  while (own < depth && pcs[own] - start < size) ++own;
  int n = std::min(depth - own, max);
  std::copy(pcs + own, pcs + own + n, out);
  return n;
}

}  // namespace cpprof::runtime
