// Stack capture. WalkStack: cached DWARF rules, then frame pointers, with
// bounds checks, usable in a signal handler. CaptureCurrentStack: DWARF
// unwinding of the calling thread, for captures outside signal handlers.
//
// x86-64 and aarch64 keep the caller's frame pointer at [fp] and the return
// address at [fp + 8]. A frame is followed only if it lies inside the thread's
// stack [lo, hi), is 8-byte aligned and strictly above the previous one, so a
// corrupt or missing frame pointer ends the walk instead of faulting; every
// word a cached rule reads is inside the stack too. Code built without frame
// pointers and not yet in the rule cache yields truncated stacks, never
// crashes.
#ifndef CPPROF_RUNTIME_STACK_WALK_H_
#define CPPROF_RUNTIME_STACK_WALK_H_

#include <cstddef>
#include <cstdint>

#include "runtime/signal_safe.h"

namespace cpprof::runtime {

// Go's maxCPUProfStack; deeper stacks are cut at the root end.
inline constexpr int kMaxStackDepth = 64;
// Go's profstackdepth default, for every profile but CPU (heap, mutex, block).
inline constexpr int kMaxProfStackDepth = 128;

struct StackBounds {
  uintptr_t lo = 0;
  uintptr_t hi = 0;
  bool known() const { return hi > lo; }
};

struct Registers {
  uintptr_t pc = 0;
  uintptr_t fp = 0;
  uintptr_t sp = 0;
};

// The interrupted registers from a signal handler's ucontext.
CPPROF_SIGNAL_SAFE Registers FromSignalContext(const void* ucontext);

// Writes pc, then the return addresses of its callers, to out (at most max
// entries); returns the count. Frames are stepped over with the cached DWARF
// rules of runtime/frame_rules.h, which walks code built without frame
// pointers; a frame whose rule the cache lacks is stepped over by its frame
// pointer, and its address noted, so that a later ResolveMissedFrameRules
// (outside the handler) fills the cache and later walks find every frame.
// *caller_exact tells whether pc's caller came from its rule (else the
// leaf-caller check of leaf_caller.h applies).
// Stacks are stored as return addresses: the signal handler stores the
// interrupted pc + 1 so that the builder can subtract 1 from every entry to
// find the instruction.
CPPROF_SIGNAL_SAFE int WalkStack(Registers regs, StackBounds bounds, uintptr_t* out, int max, bool* caller_exact);

// Return addresses of the calling thread's stack, starting in the caller of
// CaptureCurrentStack and skipping `skip` more frames; `bounds`, when known,
// are the thread's stack, outside which no cached rule is followed. Not for signal
// handlers: it unwinds with DWARF CFI, which walks through code built
// without frame pointers (Debian's libstdc++, e.g. std::thread's
// constructor) but may take the loader's lock on glibc < 2.35. The cached
// rules of runtime/frame_rules.h unwind most stacks: on a 4-frame heap
// sample about 50 ns instead of libgcc's 780 ns. The others go to libgcc.
int CaptureCurrentStack(StackBounds bounds, int skip, uintptr_t* out, int max);

// CaptureCurrentStack's two unwinders, each starting in the caller of the
// function itself. UnwindWithFrameRules returns -1 for a stack it cannot
// unwind (it then may have written to out); UnwindWithLibgcc unwinds all.
int UnwindWithFrameRules(StackBounds bounds, int skip, uintptr_t* out, int max);
int UnwindWithLibgcc(int skip, uintptr_t* out, int max);

// The calling thread's stack from the first frame outside libcpprof (the
// caller of an interposed malloc or pthread_mutex_unlock, whatever inlining
// and tail calls did to the frames in between), at most max frames.
int CaptureStackOutsideRuntime(StackBounds bounds, uintptr_t* out, int max);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_STACK_WALK_H_
