// A library for stack_walk_test.cc: calls back through a frame of
// FRAME_BYTES, built without frame pointers so that the CFA rule (rsp plus
// the frame size) differs between the two builds. Loaded one after the other
// at the same address (same code bytes but for the frame size), they show
// that dlclose drops the cached rules.
extern "C" __attribute__((visibility("default"), noinline)) void* CallThrough(void* (*fn)(void*), void* arg) {
  volatile char pad[FRAME_BYTES];
  pad[0] = 0;
  void* result = fn(arg);
  asm volatile("" ::"r"(pad) : "memory");
  return result;
}
