// The known answers of tests/trace/known_answers_test.sh: a program whose
// threads wait in known ways for known times while it traces itself.
//
//   sleeper    10 x 100 ms in SleepTenTimes                -> sleep   ~1 s
//   receiver   recv on a socketpair in WaitForMessage,
//              the peer sends 300 ms after it goes to recv -> network ~300 ms
//   spinner-a, spinner-b  pinned to one CPU, spinning
//              1 s each in SpinPinned                      -> sched   ~0.5 s each
//   holder, waiter  a std::mutex held 20 x 20 ms by the
//              holder while the waiter takes it in
//              ContendedLock                               -> sync (and the block profile)
//   idle-reader  started with pthread_create before the trace, blocked
//              in read on a pipe until after it            -> syscall, the whole trace,
//                                                             start routine IdleReaderMain
//
// Usage: trace_workload TRACE_FILE BLOCK_PROFILE_FILE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cpprof/cpprof.h>
#include <cpprof/trace.h>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

void Name(const char* name) { pthread_setname_np(pthread_self(), name); }

__attribute__((noinline)) void SleepTenTimes() {
  Name("sleeper");
  for (int i = 0; i < 10; i++) std::this_thread::sleep_for(100ms);
}

// The sender's 300 ms count from the receiver's going to recv (a promise:
// futex waits, which no hook sees), so a late-starting receiver on a loaded
// machine still waits the whole 300 ms.
__attribute__((noinline)) void WaitForMessage(int fd, std::promise<void>* receiving) {
  Name("receiver");
  receiving->set_value();
  char byte;
  if (recv(fd, &byte, 1, 0) != 1) perror("recv");
}

void SendAfter300ms(int fd, std::future<void> receiving) {
  receiving.wait();
  std::this_thread::sleep_for(300ms);
  if (send(fd, "x", 1, 0) != 1) perror("send");
}

__attribute__((noinline)) void SpinPinned(const char* name, int cpu) {
  Name(name);
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof(set), &set);
  auto end = std::chrono::steady_clock::now() + 1s;
  volatile uint64_t n = 0;
  while (std::chrono::steady_clock::now() < end) n = n + 1;
}

std::mutex g_mu;

// Blocked before the trace starts and until after it ends: no hook times
// this read, the recorder learns of it from /proc.
void* IdleReaderMain(void* fd) {
  Name("idle-reader");
  char byte;
  if (read(static_cast<int>(reinterpret_cast<intptr_t>(fd)), &byte, 1) != 1) perror("read");
  return nullptr;
}

// The holder tells the waiter once it holds the lock: a waiter that ran
// first took its 20 locks before the holder's first and never waited
// (seen once under ctest -j2). The first hold is the longest, so that the
// waiter still finds the lock held when it is woken late.
void HoldLock(std::promise<void>* holding) {
  Name("holder");
  for (int i = 0; i < 20; i++) {
    {
      std::lock_guard lock(g_mu);
      if (i == 0) holding->set_value();
      std::this_thread::sleep_for(i == 0 ? 100ms : 20ms);
    }
    std::this_thread::sleep_for(2ms);
  }
}

__attribute__((noinline)) void ContendedLock(std::future<void> holding) {
  Name("waiter");
  holding.wait();
  for (int i = 0; i < 20; i++) {
    std::lock_guard lock(g_mu);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: trace_workload TRACE_FILE BLOCK_PROFILE_FILE\n");
    return 2;
  }
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    perror(argv[1]);
    return 1;
  }
  cpprof::SetBlockProfileRate(1);
  int idle[2];
  pthread_t idle_reader;
  if (pipe(idle) != 0 || pthread_create(&idle_reader, nullptr, IdleReaderMain,
                                        reinterpret_cast<void*>(static_cast<intptr_t>(idle[0]))) != 0) {
    perror("idle reader");
    return 1;
  }
  std::this_thread::sleep_for(20ms);  // a bias toward the reader being in read at the start; the test allows either
  if (cpprof::Error e = cpprof::StartTrace(fd); !e.ok()) {
    fprintf(stderr, "StartTrace: %s\n", e.message.c_str());
    return 1;
  }
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) {
    perror("socketpair");
    return 1;
  }
  int cpu = sched_getcpu();
  std::vector<std::thread> threads;
  threads.emplace_back(SleepTenTimes);
  std::promise<void> receiving;
  threads.emplace_back(WaitForMessage, pair[0], &receiving);
  threads.emplace_back(SendAfter300ms, pair[1], receiving.get_future());
  threads.emplace_back(SpinPinned, "spinner-a", cpu);
  threads.emplace_back(SpinPinned, "spinner-b", cpu);
  std::promise<void> holding;
  threads.emplace_back(HoldLock, &holding);
  threads.emplace_back(ContendedLock, holding.get_future());
  for (std::thread& t : threads) t.join();
  if (cpprof::Error e = cpprof::StopTrace(); !e.ok()) {
    fprintf(stderr, "StopTrace: %s\n", e.message.c_str());
    return 1;
  }
  close(fd);
  if (write(idle[1], "x", 1) != 1 || pthread_join(idle_reader, nullptr) != 0) perror("idle reader");
  std::ofstream block(argv[2], std::ios::binary);
  if (cpprof::Error e = cpprof::Lookup("block")->WriteTo(block, 0); !e.ok()) {
    fprintf(stderr, "block profile: %s\n", e.message.c_str());
    return 1;
  }
  return 0;
}
