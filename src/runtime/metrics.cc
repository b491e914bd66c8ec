#include "runtime/metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <vector>

#include "runtime/cpu_profiler.h"
#include "runtime/heap_format.h"
#include "runtime/heap_profiler.h"
#include "runtime/heap_sampler.h"
#include "runtime/process_stat.h"

namespace cpprof::runtime {
namespace {

void Metric(std::string* out, const char* name, const char* type, const char* help, double value) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.15g", value);
  *out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " + buf + "\n";
}

int64_t CountEntries(const char* dir) {
  int64_t n = 0;
  if (DIR* d = opendir(dir)) {
    while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
    closedir(d);
  }
  return n;
}

}  // namespace

std::string PrometheusMetrics() {
  NoSamplingScope scope;
  std::string out;
  double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::vector<std::string> stat = ProcStatFields();
  auto field = [&](size_t n) { return n - 3 < stat.size() ? std::stod(stat[n - 3]) : 0.0; };  // proc(5) numbering
  Metric(&out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
         (field(14) + field(15)) / tick);
  Metric(&out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", field(24) * page);
  Metric(&out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", field(23));
  Metric(&out, "process_open_fds", "gauge", "Number of open file descriptors.",
         static_cast<double>(CountEntries("/proc/self/fd") - 1));  // minus the one reading it
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  Metric(&out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
         static_cast<double>(nofile.rlim_cur));
  Metric(&out, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
         ProcessStartSeconds());
  Metric(&out, "process_threads", "gauge", "Number of OS threads in the process.", field(20));

  int64_t rate = MemProfileRate(), inuse = 0, allocated = 0, unused;
  for (const HeapBucket& b : SnapshotHeapBuckets()) {
    int64_t space;
    ScaleHeapSample(b.allocs - b.frees, (b.allocs - b.frees) * b.size, rate, &unused, &space);
    inuse += space;
    ScaleHeapSample(b.allocs, b.allocs * b.size, rate, &unused, &space);
    allocated += space;
  }
  HeapProfilerStats st = GetHeapProfilerStats();
  Metric(&out, "cpprof_heap_inuse_bytes", "gauge", "Live heap bytes estimated from the heap profile's samples.",
         static_cast<double>(inuse));
  Metric(&out, "cpprof_heap_allocated_bytes_total", "counter",
         "Heap bytes allocated since start, estimated from the heap profile's samples.",
         static_cast<double>(allocated));
  Metric(&out, "cpprof_heap_sampled_allocations_total", "counter", "Allocations recorded by the heap profiler.",
         static_cast<double>(st.sampled_allocations));
  Metric(&out, "cpprof_heap_dropped_samples_total", "counter",
         "Heap samples dropped because the profiler's tables were full.", static_cast<double>(st.dropped_samples));
  Metric(&out, "cpprof_heap_profiler_seconds_total", "counter",
         "Time spent recording heap samples (stack walks and tables).", static_cast<double>(st.sampling_nanos) / 1e9);
  Metric(&out, "cpprof_heap_profile_rate_bytes", "gauge", "Mean bytes between heap samples (0 = off).",
         static_cast<double>(rate));
  // Lets a client see that a /debug/pprof/profile request has started
  // recording (a second one would be refused) without racing it.
  Metric(&out, "cpprof_cpu_profile_active", "gauge", "1 while a CPU profile is being recorded, else 0.",
         CpuProfiler::Get().active() ? 1 : 0);
  return out;
}

}  // namespace cpprof::runtime
