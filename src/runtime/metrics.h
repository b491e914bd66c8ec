// /metrics: the Prometheus text exposition format (version 0.0.4) with the
// process collector's metrics of the Prometheus client libraries
// (process_cpu_seconds_total, process_resident_memory_bytes, ...; from
// /proc/self) and the heap profiler's own figures (cpprof_heap_*).
// Tested by tests/runtime/heap_http_test.sh.
#ifndef CPPROF_RUNTIME_METRICS_H_
#define CPPROF_RUNTIME_METRICS_H_

#include <string>

namespace cpprof::runtime {

inline constexpr const char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";

std::string PrometheusMetrics();

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_METRICS_H_
