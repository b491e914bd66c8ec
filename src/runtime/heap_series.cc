// Tested by tests/runtime/leaks_test.sh.
#include "runtime/heap_series.h"

#include <pthread.h>
#include <stdio.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <new>
#include <thread>

#include "runtime/signal_safe.h"

namespace cpprof::runtime {
namespace {

struct Series {
  std::mutex mu;
  std::condition_variable wake;
  bool stop = false;
  std::thread writer;
};

// Immortal: StopHeapSeries runs from an atexit handler, after which static
// destructors may already have run.
Series& TheSeries() {
  static Series* s = new Series;
  return *s;
}

void WriteSeries(const std::string& path, std::chrono::nanoseconds interval) {
  Series& s = TheSeries();
  auto next = std::chrono::steady_clock::now();
  for (int n = 1;; ++n) {
    next += interval;
    {
      std::unique_lock lock(s.mu);
      if (s.wake.wait_until(lock, next, [&] { return s.stop; })) return;
    }
    if (Error e = WriteHeapProfileFile(SeriesPath(path, n)); !e.ok()) {
      LogLine(("CPPROF_HEAPPROFILE_INTERVAL: " + e.message + "; the series stops").c_str());
      return;
    }
  }
}

// Fork: the child must not inherit the lock held, and has no writer thread
// (its std::thread is forgotten, not joined: the parent's thread is not its).
// A forked child writes no series of its own; its exit writes heap.pb.gz.
void PrepareFork() { TheSeries().mu.lock(); }
void AfterForkInParent() { TheSeries().mu.unlock(); }
void AfterForkInChild() {
  Series& s = TheSeries();
  new (&s.writer) std::thread();  // a joinable std::thread's destructor would terminate
  s.stop = true;
  s.mu.unlock();
}

}  // namespace

Error WriteHeapProfileFile(const std::string& path) {
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return Error{"cannot create " + temporary};
    if (Error e = Lookup("heap")->WriteTo(out, 0); !e.ok()) return e;
    out.flush();
    if (!out) return Error{"cannot write " + temporary};
  }
  if (rename(temporary.c_str(), path.c_str()) != 0) return Error{"cannot rename " + temporary + " to " + path};
  return Error{};
}

std::string SeriesPath(const std::string& path, int n) {
  char number[16];
  snprintf(number, sizeof(number), ".%04d", n);
  size_t name = path.rfind('/') + 1;  // npos + 1 == 0
  size_t dot = path.find('.', name);
  if (dot == name) dot = path.find('.', name + 1);  // a hidden file's leading dot is not an extension
  if (dot == std::string::npos) return path + number;
  return path.substr(0, dot) + number + path.substr(dot);
}

Error StartHeapSeries(const std::string& path, double interval_seconds) {
  if (!(interval_seconds > 0 && interval_seconds < 1e9))
    return Error{"the interval must be a positive number of seconds"};
  Series& s = TheSeries();
  std::lock_guard lock(s.mu);
  if (s.writer.joinable()) return Error{"a heap profile series is already being written"};
  auto interval = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(interval_seconds));
  static bool fork_handlers = pthread_atfork(PrepareFork, AfterForkInParent, AfterForkInChild) == 0;
  if (!fork_handlers) return Error{"cannot register the fork handlers"};
  try {
    s.writer = std::thread([path, interval] { WriteSeries(path, interval); });  // a lambda: nothing exported
  } catch (...) {
    return Error{"cannot start the series thread"};
  }
  return Error{};
}

void StopHeapSeries() {
  Series& s = TheSeries();
  std::thread writer;
  {
    std::lock_guard lock(s.mu);
    s.stop = true;
    writer = std::move(s.writer);
  }
  s.wake.notify_all();
  if (writer.joinable()) writer.join();
}

}  // namespace cpprof::runtime
