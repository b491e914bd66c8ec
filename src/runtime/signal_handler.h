// cpprof's SIGPROF handler. It serves two kinds of signals:
//   - CPU timer expirations (SI_TIMER with kTimerCookie, or SI_KERNEL from the
//     setitimer fallback) -> CpuProfiler::OnTimerSignal;
//   - thread-dump requests (SI_QUEUE from this process with a dump cookie)
//     -> OnDumpSignal.
// Any other SIGPROF (the application's own timers, kill -PROF) is forwarded to
// the handler that was installed before cpprof's, or ignored if there was none
// (a stray SIGPROF must not kill the host: golang/go#19320).
//
// The handler stays installed once installed: a timer signal already pending
// when profiling stops then lands in a handler that drops it.
#ifndef CPPROF_RUNTIME_SIGNAL_HANDLER_H_
#define CPPROF_RUNTIME_SIGNAL_HANDLER_H_

#include "util/status.h"

namespace cpprof::runtime {

// Installs the handler once (SA_RESTART | SA_SIGINFO | SA_ONSTACK).
Status InstallSigprofHandler();

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_SIGNAL_HANDLER_H_
