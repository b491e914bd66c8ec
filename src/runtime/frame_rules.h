// How to step from a frame to its caller at a code address, read from the
// DWARF call frame information (.eh_frame) and cached per address.
//
// libgcc's _Unwind_Backtrace finds and interprets the FDE of every frame on
// every call: perf on bench/malloc_workload at rate 1 puts 70% of a sampled
// allocation's 1.1 µs in it, with a 4-frame stack. Return addresses repeat
// (a heap profile sees a few thousand), so the rule of each is computed
// once and kept in a lock-free table: a cached frame costs one table probe.
//
// x86-64 only, and only what compiled code needs: the CFA is rsp or rbp plus
// an offset, the return address is at CFA - 8, and rbp is either unchanged or
// saved at CFA - 8k. Anything else (CFA expressions, stack realignment,
// signal frames) is kUnsupported, and the caller unwinds that stack with
// libgcc instead.
//
// Thread-safety: safe from any thread, also inside malloc (no allocation, no
// locks of its own; _Unwind_Find_FDE is what libgcc itself calls). Signal
// handlers use CachedFrameRule only: computing a rule may take libgcc's
// object lock (frames registered by a JIT) or the loader's (glibc < 2.35).
#ifndef CPPROF_RUNTIME_FRAME_RULES_H_
#define CPPROF_RUNTIME_FRAME_RULES_H_

#include <cstdint>

#include "runtime/signal_safe.h"

namespace cpprof::runtime {

struct FrameRule {
  bool cfa_from_rbp = false;  // CFA = (rbp or rsp) + cfa_offset
  int64_t cfa_offset = 0;
  int64_t rbp_slot = 0;  // rbp saved at CFA + rbp_slot (negative), 0: unchanged
};

enum class RuleStatus {
  kFound,
  kOutermost,    // no caller: the return address is undefined (_start, clone)
  kNoInfo,       // no FDE covers the address (libgcc ends the stack there)
  kUnsupported,  // a rule FrameRule cannot express
};

// The rule at address `where` (the pc itself for the innermost frame, the
// return address minus 1 for the others, as libgcc does).
RuleStatus FindFrameRule(uintptr_t where, FrameRule* rule);

// The same from the cache alone, for signal handlers: an address not in
// the cache is kUnsupported now and noted for ResolveMissedFrameRules.
CPPROF_SIGNAL_SAFE RuleStatus CachedFrameRule(uintptr_t where, FrameRule* rule);

// Computes and caches the rules of the addresses CachedFrameRule missed (up
// to 64 since the last call); for a thread outside signal handlers (the CPU
// profiler's collector, a thread dump's caller). Returns how many.
int ResolveMissedFrameRules();

// Forgets every cached rule. The interposed dlclose calls it: once a library
// is unloaded, another may be loaded at its addresses, and a stale rule
// would send the walk to the wrong words.
void ForgetFrameRules();

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_FRAME_RULES_H_
