// Fortified (_FORTIFY_SOURCE=2) read, recv and poll, from
// tests/runtime/fortified_calls.cc: each reads into an 8-byte buffer of its
// own (n at most 8) and copies what it got to out.
#ifndef CPPROF_TESTS_RUNTIME_FORTIFIED_CALLS_H_
#define CPPROF_TESTS_RUNTIME_FORTIFIED_CALLS_H_

#include <poll.h>
#include <sys/types.h>

namespace cpprof {

ssize_t FortifiedRead(int fd, size_t n, char* out);
ssize_t FortifiedRecv(int fd, size_t n, char* out);
// Polls fd for input; n is 1 (a variable, so that the check stays).
int FortifiedPoll(int fd, nfds_t n, int timeout);

}  // namespace cpprof

#endif  // CPPROF_TESTS_RUNTIME_FORTIFIED_CALLS_H_
