// Tested by tests/runtime/cpu_profile_test.cc (accuracy per thread).
#include "runtime/cpu_timer.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <random>

namespace cpprof::runtime {
namespace {

// The kernel's encoding of another thread's CPU clock (what
// pthread_getcpuclockid yields): ~tid << 3 | CPUCLOCK_PERTHREAD (4) |
// CPUCLOCK_SCHED (2). glibc's timer_create maps CLOCK_THREAD_CPUTIME_ID to
// the caller only, hence the raw syscalls below.
clockid_t ThreadCpuClock(pid_t tid) { return static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 6); }

}  // namespace

int ArmThreadTimer(pid_t tid, int hz) {
  struct sigevent sev = {};
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = SIGPROF;
  sev.sigev_value.sival_int = kTimerCookie;
  sev._sigev_un._tid = tid;
  int id = -1;
  if (syscall(SYS_timer_create, ThreadCpuClock(tid), &sev, &id) != 0) return -1;
  long period = 1000000000L / hz;
  thread_local std::minstd_rand rng(static_cast<unsigned>(tid));
  long first = 1 + static_cast<long>(rng() % static_cast<unsigned long>(period));
  struct itimerspec its = {};
  its.it_interval.tv_nsec = period % 1000000000L;
  its.it_interval.tv_sec = period / 1000000000L;
  its.it_value.tv_nsec = first % 1000000000L;
  its.it_value.tv_sec = first / 1000000000L;
  if (syscall(SYS_timer_settime, id, 0, &its, nullptr) != 0) {
    syscall(SYS_timer_delete, id);
    return -1;
  }
  return id;
}

void DeleteThreadTimer(int timer_id) {
  if (timer_id >= 0) syscall(SYS_timer_delete, timer_id);
}

bool ThreadGone(pid_t tid) { return syscall(SYS_tgkill, getpid(), tid, 0) != 0 && errno == ESRCH; }

bool SetProcessTimer(int hz) {
  struct itimerval it = {};
  if (hz > 0) {
    it.it_interval.tv_usec = 1000000 / hz;
    it.it_value = it.it_interval;
  }
  return setitimer(ITIMER_PROF, &it, nullptr) == 0;
}

}  // namespace cpprof::runtime
