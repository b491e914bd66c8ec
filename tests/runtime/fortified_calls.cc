// Calls compiled with -D_FORTIFY_SOURCE=2 (tests/CMakeLists.txt), as Ubuntu
// compiles programs by default: read, recv and poll into buffers whose size
// the compiler knows become __read_chk, __recv_chk and __poll_chk, which
// libcpprof hooks too (src/runtime/wait_interpose.cc). For
// wait_hooks_test.cc.
#include "fortified_calls.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace cpprof {

ssize_t FortifiedRead(int fd, size_t n, char* out) {
  char buf[8];
  ssize_t got = read(fd, buf, n);
  if (got > 0) std::memcpy(out, buf, static_cast<size_t>(got));
  return got;
}

ssize_t FortifiedRecv(int fd, size_t n, char* out) {
  char buf[8];
  ssize_t got = recv(fd, buf, n, 0);
  if (got > 0) std::memcpy(out, buf, static_cast<size_t>(got));
  return got;
}

int FortifiedPoll(int fd, nfds_t n, int timeout) {
  pollfd fds[1] = {{fd, POLLIN, 0}};
  return poll(fds, n, timeout);
}

}  // namespace cpprof
