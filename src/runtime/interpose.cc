// pthread_create interposition (std::thread goes through it too): records the
// creating stack for threadcreate, and wraps the start routine so the new
// thread registers itself (stack bounds, inherited labels, CPU timer while a
// profile runs, "thread start" while a trace runs) before user code runs.
// pthread_setname_np and prctl(PR_SET_NAME) tell a running trace the new
// name.
// Tested by tests/runtime/named_profiles_test.cc, torture_test.cc and trace_test.cc.
#include <dlfcn.h>
#include <linux/prctl.h>
#include <pthread.h>

#include <cstdarg>
#include <new>

#include "runtime/heap_sampler.h"
#include "runtime/named_profiles.h"
#include "runtime/thread_registry.h"
#include "runtime/trace_recorder.h"

namespace cpprof::runtime {
namespace {

using CreateFn = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);

struct StartArgs {
  void* (*fn)(void*);
  void* arg;
  const LabelSetData* labels;
  bool internal;
  TraceThreadOrigin origin;
};

CreateFn RealCreate() {
  static CreateFn real = reinterpret_cast<CreateFn>(dlsym(RTLD_NEXT, "pthread_create"));
  return real;
}

void* Trampoline(void* p) {
  StartArgs args = *static_cast<StartArgs*>(p);  // ~600 bytes, on the new thread's stack
  {
    NoSamplingScope scope;
    delete static_cast<StartArgs*>(p);
    ThreadRegistry::Get().RegisterNewThread(args.labels, args.internal, args.fn);
    if (!args.internal) TraceThreadStarted(args.origin);
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
  auto* args = new (std::nothrow) StartArgs{start, arg, self != nullptr ? self->labels.load() : nullptr, internal, {}};
  if (args == nullptr) return real(thread, attr, start, arg);
  if (!internal) TraceCaptureOrigin(start, &args->origin);
  int rc = real(thread, attr, Trampoline, args);
  if (rc != 0) delete args;
  return rc;
}

extern "C" __attribute__((visibility("default"))) int pthread_setname_np(pthread_t thread, const char* name) {
  using Fn = int (*)(pthread_t, const char*);
  static Fn real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "pthread_setname_np"));
  if (real == nullptr) return ENOSYS;
  int rc = real(thread, name);
  if (rc == 0) cpprof::runtime::TraceThreadRenamed(pthread_equal(thread, pthread_self()) ? name : nullptr);
  return rc;
}

// prctl takes up to four more arguments, unsigned longs to the kernel; all
// four are passed on whatever the option.
extern "C" __attribute__((visibility("default"))) int prctl(int option, ...) {
  va_list ap;
  va_start(ap, option);
  unsigned long a[4];
  for (unsigned long& v : a) v = va_arg(ap, unsigned long);
  va_end(ap);
  using Fn = int (*)(int, ...);
  static Fn real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "prctl"));
  if (real == nullptr) return -1;
  int rc = real(option, a[0], a[1], a[2], a[3]);
  if (rc == 0 && option == PR_SET_NAME) cpprof::runtime::TraceThreadRenamed(reinterpret_cast<const char*>(a[0]));
  return rc;
}
