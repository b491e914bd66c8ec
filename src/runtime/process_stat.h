// What /proc says about this process: the fields of /proc/self/stat, its
// start time, and the comment that names it in heap profiles. Shared by
// /metrics (process_start_time_seconds and the process collector's other
// figures) and the heap profile's process comment. And the files of one of
// its threads (/proc/self/task/<tid>/...), which the tracer and the
// wall-clock profiler read.
#include <sys/types.h>

#ifndef CPPROF_RUNTIME_PROCESS_STAT_H_
#define CPPROF_RUNTIME_PROCESS_STAT_H_

#include <string>
#include <vector>

namespace cpprof::runtime {

// /proc/self/stat's fields after the command name (which may hold spaces and
// parentheses): index 0 is proc(5)'s field 3. Empty when unreadable.
std::vector<std::string> ProcStatFields();

// When this process started, in seconds since the Unix epoch, to the
// kernel's clock tick (10 ms): /proc/stat's btime plus field 22 of
// /proc/self/stat. 0 when /proc cannot say.
double ProcessStartSeconds();

// "process <pid> started <RFC 3339 UTC time>": which process a profile came
// from, so a series of snapshots (`cpprof -leaks`) can tell a restart or
// another program apart. "" when /proc cannot say.
std::string ProcessComment();

// Reads /proc/self/task/<tid>/<file> ("stat", "syscall", "schedstat",
// "comm") into buf, NUL-terminated: one open, read and close (about 6 us;
// these files are a page at most, and their first line is all the callers
// read). The length read, or -1 when the thread or file is gone.
ssize_t ReadTaskFile(pid_t tid, const char* file, char* buf, size_t size);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_PROCESS_STAT_H_
