// CPU work for cpu_profile_test.cc built without frame pointers, as most
// C++ is (-O2 omits them). A frame-pointer walk from NoFramePointerLeaf
// skips NoFramePointerMiddle and NoFramePointerOuter: rbp still holds their
// caller's frame. The cached DWARF rules of the signal handler find them.
#include <cstdint>

extern "C" __attribute__((noinline)) uint64_t NoFramePointerLeaf(uint64_t x) {
  for (int i = 0; i < 100000; ++i) x = x * 6364136223846793005ull + 1442695040888963407ull;
  return x;
}

extern "C" __attribute__((noinline)) uint64_t NoFramePointerMiddle(uint64_t x) {
  volatile uint64_t spill[8];  // a frame of its own, rsp-based
  spill[x % 8] = NoFramePointerLeaf(x);
  return spill[x % 8] + 1;
}

extern "C" __attribute__((noinline)) uint64_t NoFramePointerOuter(uint64_t x) {
  uint64_t r = NoFramePointerMiddle(x);
  asm volatile("" : "+r"(r));  // no tail call
  return r + 1;
}
