// Splitting work over samples across cores. cpprof's passes over all frames
// (31M on a 1M-sample profile) are independent per sample, so each thread
// takes a contiguous range; combining results in thread order gives what one
// sequential pass would.
#ifndef CPPROF_UTIL_PARALLEL_H_
#define CPPROF_UTIL_PARALLEL_H_

#include <algorithm>
#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

namespace cpprof {

// The number of threads ForRanges uses for n items: one per core, but none
// with fewer than min_items items, below which a thread costs more than it
// saves (64k samples; costlier items, such as names to demangle, need
// fewer).
inline size_t RangeCount(size_t n, size_t min_items = size_t{1} << 16) {
  return std::clamp<size_t>(n / min_items, 1, std::max(1u, std::thread::hardware_concurrency()));
}

// Runs work(range, begin, end) over [0, n) cut into `ranges` contiguous,
// ordered ranges, each on its own thread; a range whose thread cannot be
// started runs on the calling thread instead. Returns `ranges`.
template <typename Work>
size_t ForRanges(size_t n, size_t ranges, Work work) {
  std::vector<std::thread> workers;
  for (size_t r = 1; r < ranges; ++r) {
    try {
      workers.emplace_back(work, r, n * r / ranges, n * (r + 1) / ranges);
    } catch (const std::system_error&) {
      work(r, n * r / ranges, n * (r + 1) / ranges);
    }
  }
  work(size_t{0}, size_t{0}, n / ranges);
  for (std::thread& w : workers) w.join();
  return ranges;
}

// The same with RangeCount(n) ranges.
template <typename Work>
size_t ForRanges(size_t n, Work work) {
  return ForRanges(n, RangeCount(n), work);
}

}  // namespace cpprof

#endif  // CPPROF_UTIL_PARALLEL_H_
