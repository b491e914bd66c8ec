#include "runtime/signal_safe.h"

#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

namespace cpprof::runtime {

pid_t CurrentTid() { return static_cast<pid_t>(syscall(SYS_gettid)); }

int64_t MonotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void LogLine(const char* message) {
  char buf[512];
  static const char kPrefix[] = "cpprof: ";
  size_t n = sizeof(kPrefix) - 1;
  std::memcpy(buf, kPrefix, n);
  size_t len = std::strlen(message);
  if (len > sizeof(buf) - n - 1) len = sizeof(buf) - n - 1;
  std::memcpy(buf + n, message, len);
  n += len;
  buf[n++] = '\n';
  ssize_t ignored = write(2, buf, n);
  (void)ignored;
}

}  // namespace cpprof::runtime
