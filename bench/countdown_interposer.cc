// The floor of bench/heap_overhead.sh: the least a sampling malloc
// interposer does on every call, and nothing else. malloc counts its bytes
// down in initial-exec TLS and tail-calls glibc; free tests page alignment
// and tail-calls glibc. It never samples (the countdown starts at 2^62), so
// its cost over no interposer is the interposition and the countdown alone:
// cpprof's fast paths are these same instructions.
// usage: LD_PRELOAD=libcountdown_interposer.so PROGRAM
#include <cstddef>
#include <cstdint>

extern "C" void* __libc_malloc(size_t);
extern "C" void __libc_free(void*);

namespace {
__thread uint64_t t_bytes_until_sample __attribute__((tls_model("initial-exec"))) = uint64_t{1} << 62;

// Where cpprof looks a page-aligned block up among its samples.
__attribute__((noinline)) void FreeAligned(void* p) {
  asm volatile("");
  __libc_free(p);
}
}  // namespace

extern "C" __attribute__((visibility("default"))) void* malloc(size_t n) {
  uint64_t left = t_bytes_until_sample;
  if (__builtin_expect(n < left, 1)) t_bytes_until_sample = left - n;
  return __libc_malloc(n);
}

extern "C" __attribute__((visibility("default"))) void free(void* p) {
  if (__builtin_expect((reinterpret_cast<uintptr_t>(p) & 4095) != 0, 1)) return __libc_free(p);
  FreeAligned(p);
}
