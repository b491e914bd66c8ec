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

namespace {

// A frame larger than this means a wrong rule or a corrupt stack.
constexpr uintptr_t kMaxFrameBytes = uintptr_t{256} << 20;

// One step from a frame to its caller by the frame's rule: *sp becomes the
// CFA, *fp the caller's rbp, *ret the return address. Every word read lies
// in [max(lo, *sp), hi); false, with nothing changed, when the rule points
// elsewhere (a wrong rule or a corrupt stack).
CPPROF_SIGNAL_SAFE bool StepByRule(const FrameRule& rule, uintptr_t lo, uintptr_t hi, uintptr_t* sp, uintptr_t* fp,
                                   uintptr_t* ret) {
  uintptr_t cfa = (rule.cfa_from_rbp ? *fp : *sp) + rule.cfa_offset;
  if (cfa <= *sp || cfa - *sp > kMaxFrameBytes || cfa > hi || cfa - sizeof(uintptr_t) < lo || (cfa & 7) != 0) {
    return false;
  }
  uintptr_t caller_fp = *fp;
  if (rule.rbp_slot != 0) {
    uintptr_t slot = cfa + rule.rbp_slot;
    if (slot < *sp || slot < lo || slot > hi - sizeof(uintptr_t)) return false;
    caller_fp = *reinterpret_cast<const uintptr_t*>(slot);
  }
  *ret = reinterpret_cast<const uintptr_t*>(cfa)[-1];
  *sp = cfa;
  *fp = caller_fp;
  return true;
}

}  // namespace

int WalkStack(Registers regs, StackBounds bounds, uintptr_t* out, int max, bool* caller_exact) {
  *caller_exact = false;
  if (max <= 0) return 0;
  int n = 0;
  out[n++] = regs.pc;
  if (!bounds.known()) return n;
  uintptr_t where = regs.pc, sp = regs.sp, fp = regs.fp;
  while (n < max) {
    FrameRule rule;
    RuleStatus status = CachedFrameRule(where, &rule);
    if (status == RuleStatus::kOutermost) {
      *caller_exact = *caller_exact || n == 1;
      return n;
    }
    uintptr_t ret;
    if (status == RuleStatus::kFound) {
      if (!StepByRule(rule, bounds.lo, bounds.hi, &sp, &fp, &ret)) break;
      if (n == 1) *caller_exact = true;
    } else {
      // No rule (yet): one frame-pointer step. [fp] and [fp + 8] must be
      // readable, and frames grow towards hi. A frame without a frame
      // pointer is skipped this way, and the walk goes on from the frame rbp
      // belongs to, whose CFA is fp + 16.
      if (fp < bounds.lo || fp > bounds.hi - 2 * sizeof(uintptr_t) || (fp & 7) != 0) break;
      const auto* frame = reinterpret_cast<const uintptr_t*>(fp);
      ret = frame[1];
      if (ret != 0 && frame[0] <= fp) {
        out[n++] = ret;  // the last frame this walk can trust
        return n;
      }
      sp = fp + 2 * sizeof(uintptr_t);
      fp = frame[0];
    }
    if (ret == 0) return n;
    out[n++] = ret;
    where = ret - 1;
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

__attribute__((noinline)) int UnwindWithFrameRules(StackBounds bounds, int skip, uintptr_t* out, int max) {
#if defined(__x86_64__)
  uintptr_t pc, sp, fp;
  asm volatile("lea 0(%%rip), %0\n\tmov %%rsp, %1\n\tmov %%rbp, %2" : "=r"(pc), "=r"(sp), "=r"(fp));
  uintptr_t where = pc;  // the first step leaves this function's own frame
  // Unknown bounds: only what a frame's size allows. A stale rule (code
  // unloaded behind dlclose's back) then could read past the stack's top.
  uintptr_t hi = bounds.known() ? bounds.hi : ~uintptr_t{0};
  int count = 0;
  while (count < max) {
    FrameRule rule;
    switch (FindFrameRule(where, &rule)) {
      case RuleStatus::kOutermost:
      case RuleStatus::kNoInfo: return count;  // where libgcc ends the stack too
      case RuleStatus::kUnsupported: return -1;
      case RuleStatus::kFound: break;
    }
    uintptr_t ret;
    if (!StepByRule(rule, 0, hi, &sp, &fp, &ret)) return -1;
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

__attribute__((noinline)) int CaptureCurrentStack(StackBounds bounds, int skip, uintptr_t* out, int max) {
  int n = UnwindWithFrameRules(bounds, 1 + skip, out, max);
  if (n < 0) n = UnwindWithLibgcc(1 + skip, out, max);
  asm volatile("");  // not a tail call: this frame is the one skipped
  return n;
}

int CaptureStackOutsideRuntime(StackBounds bounds, uintptr_t* out, int max) {
  // 16 spare slots for libcpprof's own frames (at most 5 today).
  uintptr_t pcs[kMaxProfStackDepth + 16];
  int depth = CaptureCurrentStack(bounds, 0, pcs, std::min(max, kMaxProfStackDepth) + 16);
  uintptr_t start = reinterpret_cast<uintptr_t>(__ehdr_start);
  uintptr_t size = static_cast<uintptr_t>(etext - __ehdr_start);
  int own = 0;
  while (own < depth && pcs[own] - start < size) ++own;
  int n = std::min(depth - own, max);
  std::copy(pcs + own, pcs + own + n, out);
  return n;
}

}  // namespace cpprof::runtime
