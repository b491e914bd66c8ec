// Tested by tests/runtime/torture_test.cc (a program with its own SIGPROF handler).
#include "runtime/signal_handler.h"

#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "runtime/cpu_profiler.h"
#include "runtime/cpu_timer.h"
#include "runtime/heap_sampler.h"
#include "runtime/thread_dump.h"

namespace cpprof::runtime {
namespace {

struct sigaction g_previous;
bool g_installed = false;
std::mutex g_install_mu;

// A fork child that starts a CPU profile or dumps threads installs the
// handler: it must not inherit g_install_mu locked (it would wait forever)
// or g_previous half-written, so the mutex is held across fork. Nothing
// nests inside it.
[[maybe_unused]] const int g_fork_handlers = [] {
  NoSamplingScope scope;  // pthread_atfork allocates
  return pthread_atfork([] { g_install_mu.lock(); }, [] { g_install_mu.unlock(); }, [] { g_install_mu.unlock(); });
}();

CPPROF_SIGNAL_SAFE void Forward(int sig, siginfo_t* info, void* uc) {
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction != nullptr) g_previous.sa_sigaction(sig, info, uc);
  } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(sig);
  }
}

CPPROF_SIGNAL_SAFE void Handler(int sig, siginfo_t* info, void* uc) {
  int saved_errno = errno;
  bool handled = false;
  if (info->si_code == SI_TIMER && info->si_value.sival_int == kTimerCookie) {
    CpuProfiler::OnTimerSignal(uc, /*from_process_timer=*/false, info->si_overrun);
    handled = true;
  } else if (info->si_code == SI_KERNEL) {
    handled = CpuProfiler::OnTimerSignal(uc, /*from_process_timer=*/true, 0);
  } else if (info->si_code == SI_QUEUE) {
    handled = OnDumpSignal(info, uc);
  }
  if (!handled) Forward(sig, info, uc);
  errno = saved_errno;
}

}  // namespace

Status InstallSigprofHandler() {
  std::lock_guard lock(g_install_mu);
  if (g_installed) return {};
  struct sigaction sa;
  std::memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = Handler;
  sa.sa_flags = SA_RESTART | SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGPROF, &sa, &g_previous) != 0) {
    return Status::Error(std::string("installing the SIGPROF handler: ") + std::strerror(errno));
  }
  g_installed = true;
  return {};
}

}  // namespace cpprof::runtime
