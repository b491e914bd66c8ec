// Tested by tests/runtime/stack_walk_test.cc, cpu_profile_test.cc and torture_test.cc.
#include "runtime/stack_walk.h"

#include <ucontext.h>
#include <unwind.h>

#include <algorithm>

#include "runtime/frame_rules.h"

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

// A frame larger than this means a wrong rule or a corrupt stack.
constexpr uintptr_t kMaxFrameBytes = uintptr_t{256} << 20;

}  // namespace

__attribute__((noinline)) int UnwindWithFrameRules(int skip, uintptr_t* out, int max) {
#if defined(__x86_64__)
  uintptr_t pc, sp, fp;
  asm volatile("lea 0(%%rip), %0\n\tmov %%rsp, %1\n\tmov %%rbp, %2" : "=r"(pc), "=r"(sp), "=r"(fp));
  uintptr_t where = pc;  // the first step leaves this function's own frame
  int count = 0;
  while (count < max) {
    FrameRule rule;
    switch (FindFrameRule(where, &rule)) {
      case RuleStatus::kOutermost: return count;
      case RuleStatus::kUnsupported: return -1;
      case RuleStatus::kFound: break;
    }
    uintptr_t cfa = (rule.cfa_from_rbp ? fp : sp) + rule.cfa_offset;
    if (cfa <= sp || cfa - sp > kMaxFrameBytes || (cfa & 7) != 0) return -1;
    uintptr_t ret = reinterpret_cast<const uintptr_t*>(cfa)[-1];
    if (rule.rbp_slot != 0) {
      if (cfa + rule.rbp_slot < sp) return -1;
      fp = *reinterpret_cast<const uintptr_t*>(cfa + rule.rbp_slot);
    }
    sp = cfa;
    if (ret == 0) return count;
    if (skip > 0) {
      --skip;
    } else {
      out[count++] = ret;
    }
    where = ret - 1;  // inside the call, as libgcc looks it up
  }
  return count;
#else
  (void)skip, (void)out, (void)max;
  return -1;
#endif
}

__attribute__((noinline)) int UnwindWithLibgcc(int skip, uintptr_t* out, int max) {
  // The first frame reported is UnwindWithLibgcc itself.
  UnwindState st{out, max, 1 + skip, 0};
  _Unwind_Backtrace(CollectFrame, &st);
  return st.count;
}

__attribute__((noinline)) int CaptureCurrentStack(int skip, uintptr_t* out, int max) {
  int n = UnwindWithFrameRules(1 + skip, out, max);
  if (n < 0) n = UnwindWithLibgcc(1 + skip, out, max);
  asm volatile("");  // not a tail call: this frame is the one skipped
  return n;
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
