// The public API of include/cpprof/trace.h: noexcept wrappers over the
// trace recorder.
// Tested by tests/runtime/trace_test.cc.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cpprof/trace.h"
#include "runtime/trace_recorder.h"

namespace cpprof {
namespace {

std::atomic<uint64_t> g_next_task{1};

// Writes all of bytes to fd, retrying short writes and EINTR.
bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

template <typename Fn>
Error Guard(Fn fn) noexcept {
  try {
    Status s = fn();
    return s.ok() ? Error{} : Error{s.message()};
  } catch (...) {
    return Error{"cpprof: out of memory"};
  }
}

}  // namespace

Error StartTrace(int fd) noexcept {
  return Guard([&] { return runtime::StartTracing([fd](std::string_view b) { return WriteAll(fd, b); }); });
}

Error StopTrace() noexcept {
  return Guard([] { return runtime::StopTracing(); });
}

bool TraceEnabled() noexcept { return runtime::TraceSession() != 0; }

namespace trace_internal {

uint32_t RegionBegin(std::string_view type) noexcept {
  try {
    return runtime::TraceRegionBegin(type);
  } catch (...) {
    return 0;  // out of memory interning the type: the region is not recorded
  }
}

void RegionEnd(uint32_t session) noexcept { runtime::TraceRegionEnd(session); }

}  // namespace trace_internal

Task Task::New(std::string_view type) noexcept {
  Task task;
  task.id_ = g_next_task.fetch_add(1, std::memory_order_relaxed);
  if (trace_internal::session.load(std::memory_order_relaxed) == 0) return task;
  try {
    task.type_ = runtime::TraceInternType(type);
    runtime::TraceTaskBegin(task.id_, runtime::TraceCurrentTask(), task.type_);
  } catch (...) {
  }
  return task;
}

void Task::End() noexcept {
  if (ended_ || type_ == 0) return;  // type_ 0: created while no trace ran, nothing to end
  ended_ = true;
  if (trace_internal::session.load(std::memory_order_relaxed) != 0) runtime::TraceTaskEnd(id_, type_);
}

TaskScope::TaskScope(const Task& task) noexcept : previous_(runtime::TraceCurrentTask()) {
  runtime::TraceSetCurrentTask(task.id());
}

TaskScope::~TaskScope() { runtime::TraceSetCurrentTask(previous_); }

void TraceLog(std::string_view category, std::string_view message) noexcept {
  if (trace_internal::session.load(std::memory_order_relaxed) == 0) return;
  try {
    runtime::TraceLogMessage(category, message);
  } catch (...) {
  }
}

}  // namespace cpprof
