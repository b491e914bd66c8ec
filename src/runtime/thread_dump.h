// Stacks of every thread (the `goroutine`/`threads` profile): each thread is
// asked, one at a time, with a thread-directed SIGPROF (rt_tgsigqueueinfo,
// SI_QUEUE) to walk its own stack into a preallocated slot. A thread that does
// not answer within 100 ms (SIGPROF blocked, stopped, in uninterruptible
// sleep) is reported with its /proc state and no stack; the whole dump stops
// asking after 5 s. Like ClickHouse's system.stack_trace, late answers are
// recognized by sequence number and ignored. A dump interrupts blocking
// system calls (EINTR where SA_RESTART does not apply): do not poll it fast.
#ifndef CPPROF_RUNTIME_THREAD_DUMP_H_
#define CPPROF_RUNTIME_THREAD_DUMP_H_

#include <signal.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "runtime/labels.h"
#include "runtime/leaf_caller.h"
#include "runtime/signal_safe.h"

namespace cpprof::runtime {

struct ThreadStack {
  pid_t tid = 0;
  std::string name;            // /proc/self/task/<tid>/comm
  std::string state;           // "running", "sleeping", ... or why no stack was taken
  std::vector<uintptr_t> pcs;  // return addresses, leaf first; empty if no answer
  const LabelSetData* labels = nullptr;
};

// Every thread except cpprof's own, ordered by tid. Thread-safe; dumps are
// serialized.
std::vector<ThreadStack> DumpAllThreads();

// One thread's stack, asked as DumpAllThreads asks each (a thread cpprof
// never saw is asked again with the stack mapping around its sp); false
// when it did not answer within 100 ms. Serialized with the dumps. For the
// wall-clock profiler, which resolves the missed frame rules itself.
bool DumpThreadStack(pid_t tid, LeafCallerCheck& leaf_check, std::vector<uintptr_t>* pcs);

// Number of threads in /proc/self/task minus cpprof's own.
int64_t CountThreads();

// From the SIGPROF handler: answers a dump request; false if the signal is
// not one.
CPPROF_SIGNAL_SAFE bool OnDumpSignal(siginfo_t* info, void* ucontext);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_THREAD_DUMP_H_
