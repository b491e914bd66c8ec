// Tests the wait hooks (src/runtime/wait_interpose.cc, lock_interpose.cc):
// the program's calls reach libcpprof's definitions and, with no listener
// and with the wall profiler listening, return what the real functions
// return, with their errno (EAGAIN, EINTR, EBADF) and errno untouched on
// success.
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>

#include "cpprof/cpprof.h"
#include "fortified_calls.h"

namespace cpprof {
namespace {

// The program's calls go to libcpprof's definitions.
TEST(WaitHooksTest, InterposedByLibcpprof) {
  for (const char* name :
       {"read", "write", "recv", "send", "poll", "epoll_wait", "nanosleep", "usleep", "open", "openat", "pthread_join",
        "sem_wait", "waitpid", "pread64", "select", "__read_chk", "__recv_chk", "__poll_chk", "__open_2"}) {
    Dl_info info{};
    void* sym = dlsym(RTLD_DEFAULT, name);
    ASSERT_NE(sym, nullptr) << name;
    ASSERT_NE(dladdr(sym, &info), 0) << name;
    EXPECT_NE(std::string(info.dli_fname).find("libcpprof"), std::string::npos) << name << " from " << info.dli_fname;
  }
}

void NoOp(int) {}

// Runs the checks once with no listener and once while a wall profile runs
// (every hook then takes its observed path: classification, stack capture,
// timestamps).
class WaitHooksResultTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      ASSERT_TRUE(StartWallProfile(::testing::TempDir() + "/wait_hooks.pb.gz").ok());
    }
  }
  void TearDown() override {
    if (GetParam()) {
      EXPECT_TRUE(StopWallProfile().ok());
    }
  }
};

TEST_P(WaitHooksResultTest, ReturnValuesAndErrno) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_NONBLOCK), 0);
  char c = 0;
  errno = 0;
  EXPECT_EQ(read(p[0], &c, 1), -1);
  EXPECT_EQ(errno, EAGAIN);
  errno = 12345;  // success leaves errno alone
  EXPECT_EQ(write(p[1], "ab", 2), 2);
  EXPECT_EQ(errno, 12345);
  EXPECT_EQ(read(p[0], &c, 1), 1);
  EXPECT_EQ(c, 'a');
  EXPECT_EQ(errno, 12345);
  pollfd fd{p[0], POLLIN, 0};
  EXPECT_EQ(poll(&fd, 1, 0), 1);
  EXPECT_EQ(fd.revents, POLLIN);
  errno = 0;
  EXPECT_EQ(write(-1, "x", 1), -1);
  EXPECT_EQ(errno, EBADF);
  close(p[0]);
  close(p[1]);

  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
  errno = 0;
  EXPECT_EQ(recv(sv[0], &c, 1, 0), -1);
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_EQ(send(sv[1], "xyz", 3, 0), 3);
  char buf[8];
  EXPECT_EQ(recv(sv[0], buf, sizeof(buf), 0), 3);
  EXPECT_EQ(std::memcmp(buf, "xyz", 3), 0);
  close(sv[0]);
  close(sv[1]);

  errno = 777;
  EXPECT_EQ(usleep(1000), 0);
  EXPECT_EQ(errno, 777);
  EXPECT_EQ(sleep(0), 0u);
  EXPECT_EQ(open("/nonexistent/wait_hooks", O_RDONLY), -1);
  EXPECT_EQ(errno, ENOENT);
  int fd2 = open((::testing::TempDir() + "/wait_hooks_open").c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  ASSERT_GE(fd2, 0);
  EXPECT_EQ(pwrite(fd2, "q", 1, 0), 1);
  EXPECT_EQ(fsync(fd2), 0);
  close(fd2);
}

// __read_chk, __recv_chk and __poll_chk forward as read, recv and poll do.
TEST_P(WaitHooksResultTest, FortifiedCalls) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
  char buf[8] = {};
  errno = 0;
  EXPECT_EQ(FortifiedRecv(sv[0], 4, buf), -1);
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_EQ(send(sv[1], "abcdef", 6, 0), 6);
  EXPECT_EQ(FortifiedPoll(sv[0], 1, 1000), 1);
  EXPECT_EQ(FortifiedRecv(sv[0], 2, buf), 2);
  EXPECT_EQ(FortifiedRead(sv[0], 8, buf), 4);
  EXPECT_EQ(std::string(buf, 4), "cdef");
  close(sv[0]);
  close(sv[1]);
}

// A signal without SA_RESTART ends nanosleep with EINTR and the time left,
// as without cpprof.
TEST_P(WaitHooksResultTest, NanosleepInterruptedKeepsEintr) {
  struct sigaction sa {};
  sa.sa_handler = NoOp;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  struct sigaction old {};
  ASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);
  pthread_t sleeper = pthread_self();
  std::atomic<bool> done{false};
  std::thread interrupter([&] {
    // Signals until the sleeper is out: one may land before nanosleep.
    while (!done.load()) {
      pthread_kill(sleeper, SIGUSR1);
      struct timespec ts = {0, 20 * 1000 * 1000};
      nanosleep(&ts, nullptr);
    }
  });
  struct timespec want = {5, 0}, left = {0, 0};
  int rc = 0, err = 0;
  for (int i = 0; i < 100 && rc == 0; ++i) {
    errno = 0;
    rc = nanosleep(&want, &left);
    err = errno;
  }
  done = true;
  interrupter.join();
  sigaction(SIGUSR1, &old, nullptr);
  EXPECT_EQ(rc, -1);
  EXPECT_EQ(err, EINTR);
  EXPECT_GT(left.tv_sec * 1000000000LL + left.tv_nsec, 4000000000LL);
}

INSTANTIATE_TEST_SUITE_P(Listener, WaitHooksResultTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "WallProfile" : "None"; });

}  // namespace
}  // namespace cpprof
