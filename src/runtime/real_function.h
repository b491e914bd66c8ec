// The real function behind an interposed one, for the hooks of
// lock_interpose.cc and wait_interpose.cc.
#ifndef CPPROF_RUNTIME_REAL_FUNCTION_H_
#define CPPROF_RUNTIME_REAL_FUNCTION_H_

#include <dlfcn.h>

#include <atomic>

// extern "C" definitions of the hooks: exported whatever the visibility preset.
#define CPPROF_INTERPOSE extern "C" __attribute__((visibility("default")))

namespace cpprof::runtime {

// The next definition of `name` after libcpprof's, looked up on first use
// and cached in slot (threads may race to store the same value). version,
// when set, is asked for first: pthread_cond_* exist in two versions in
// glibc, and an unversioned dlsym may return the 2002 one, whose condvar
// layout differs.
template <typename Fn>
Fn Real(std::atomic<Fn>& slot, const char* name, const char* version = nullptr) {
  Fn fn = slot.load(std::memory_order_relaxed);
  if (__builtin_expect(fn != nullptr, 1)) return fn;
  void* sym = version != nullptr ? dlvsym(RTLD_NEXT, name, version) : nullptr;
  if (sym == nullptr) sym = dlsym(RTLD_NEXT, name);
  fn = reinterpret_cast<Fn>(sym);
  slot.store(fn, std::memory_order_relaxed);
  return fn;
}

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_REAL_FUNCTION_H_
