// Recovering the caller of a sampled leaf function that has no frame.
//
// GCC 12 on x86-64 sets up no frame in a leaf function that needs no stack,
// even with -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer, and no
// function has one at its first instruction. There, rbp is still the caller's
// frame, so a frame-pointer walk skips the caller: the leaf's return address
// is the word at the stack pointer instead. The SIGPROF handler records that
// word; the collector (outside the handler) accepts it as the caller only if
// it differs from the next frame of the walk and the bytes before it are a
// call instruction. A framed leaf whose [sp] happens to hold such an address
// gets one wrong frame; that needs a code pointer right after a call in its
// top stack slot, which locals rarely are.
//
// Code is read with process_vm_readv on our own pid (an unmapped page gives
// EFAULT, not SIGSEGV), or through /proc/self/mem where seccomp forbids
// process_vm_readv (Docker's default profile without CAP_SYS_PTRACE).
// Verdicts are cached per word: return addresses repeat, and a profile sees
// a few thousand distinct ones.
//
// Not thread-safe: one checker per collector or per thread dump.
#ifndef CPPROF_RUNTIME_LEAF_CALLER_H_
#define CPPROF_RUNTIME_LEAF_CALLER_H_

#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace cpprof::runtime {

class LeafCallerCheck {
 public:
  // Whether `word` (read at the interrupted sp) looks like the return address
  // of the call that entered the leaf and is not already the next frame of
  // the walk (next_ret, 0 if none).
  bool IsLeafCaller(uintptr_t word, uintptr_t next_ret);
  void Clear() { verdicts_.clear(); }

 private:
  bool FollowsCall(uintptr_t word);

  // Bounded: cleared when it reaches this many words (1 MiB or so).
  static constexpr size_t kMaxCached = 1 << 15;
  std::unordered_map<uintptr_t, bool> verdicts_;
};

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_LEAF_CALLER_H_
