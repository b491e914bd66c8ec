// Heap profiles written to files: the one at exit and, with
// CPPROF_HEAPPROFILE_INTERVAL, a numbered series while the program runs (as
// gperftools' HEAP_PROFILE_TIME_INTERVAL), for `cpprof -leaks`:
//   heap.pb.gz  ->  heap.0001.pb.gz, heap.0002.pb.gz, ...  and heap.pb.gz at exit
// The number goes before the first extension of the file name. Each file is
// written under a temporary name and renamed, so a reader polling the
// directory never sees half a profile.
#ifndef CPPROF_RUNTIME_HEAP_SERIES_H_
#define CPPROF_RUNTIME_HEAP_SERIES_H_

#include <string>

#include "cpprof/cpprof.h"

namespace cpprof::runtime {

// Writes the heap profile (debug=0) to path, atomically.
Error WriteHeapProfileFile(const std::string& path);

// path with the series number n inserted: SeriesPath("d/heap.pb.gz", 1) is
// "d/heap.0001.pb.gz".
std::string SeriesPath(const std::string& path, int n);

// Starts a thread that writes SeriesPath(path, 1), 2, ... every
// interval_seconds (on a fixed schedule from now: a slow write does not
// shift the later ones). Errors are logged once and end the series.
Error StartHeapSeries(const std::string& path, double interval_seconds);

// Stops the series and waits for a write in progress. Idempotent.
void StopHeapSeries();

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_HEAP_SERIES_H_
