// pthread_create interposition (std::thread goes through it too): records the
// creating stack for threadcreate, and wraps the start routine so the new
// thread registers itself (stack bounds, inherited labels, CPU timer while a
// profile runs) before user code runs.
// Tested by tests/runtime/named_profiles_test.cc and torture_test.cc.
#include <dlfcn.h>
#include <pthread.h>

#include <new>

#include "runtime/heap_sampler.h"
#include "runtime/named_profiles.h"
#include "runtime/thread_registry.h"

namespace cpprof::runtime {
namespace {

using CreateFn = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);

struct StartArgs {
  void* (*fn)(void*);
  void* arg;
  const LabelSetData* labels;
  bool internal;
};

CreateFn RealCreate() {
  static CreateFn real = reinterpret_cast<CreateFn>(dlsym(RTLD_NEXT, "pthread_create"));
  return real;
}

void* Trampoline(void* p) {
  StartArgs args = *static_cast<StartArgs*>(p);
  {
    NoSamplingScope scope;
    delete static_cast<StartArgs*>(p);
    ThreadRegistry::Get().RegisterNewThread(args.labels, args.internal);
  }
  return args.fn(args.arg);
}

}  // namespace

}  // namespace cpprof::runtime

extern "C" __attribute__((visibility("default"))) int pthread_create(pthread_t* thread, const pthread_attr_t* attr,
                                                                     void* (*start)(void*), void* arg) {
  using namespace cpprof::runtime;
  CreateFn real = RealCreate();
  if (real == nullptr) return EAGAIN;
  NoSamplingScope scope;  // cpprof's bookkeeping is not the host's allocation
  ThreadState* self = ThreadRegistry::Get().SelfIfRegistered();
  bool internal = (self != nullptr && self->internal) || InternalThreadScope::active();
  if (!internal) {
    try {
      RecordThreadCreate();
    } catch (...) {
    }
  }
  auto* args = new (std::nothrow) StartArgs{start, arg, self != nullptr ? self->labels.load() : nullptr, internal};
  if (args == nullptr) return real(thread, attr, start, arg);
  int rc = real(thread, attr, Trampoline, args);
  if (rc != 0) delete args;
  return rc;
}
