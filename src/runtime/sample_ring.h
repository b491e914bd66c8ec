// A lock-free ring of 64-bit words with one writer (a thread's own SIGPROF
// handler) and one reader (the collector thread), like Go's profBuf.
//
// A record is [count of pcs | weight << 32, labels word, leaf word, pc...];
// the weight is the number of timer periods the sample stands for, the leaf
// word the value at the interrupted stack pointer (see leaf_caller.h). The writer never waits:
// when a record does not fit it is dropped and counted in lost(), which the
// collector reports as a "cpprof.lostProfileEvent" frame.
//
// Size: 8192 words = 64 KiB per thread. At 1 kHz the collector's 100 ms drain
// interval sees at most 100 records of at most 67 words (6,700 words), so
// nothing is lost while the collector keeps its schedule.
#ifndef CPPROF_RUNTIME_SAMPLE_RING_H_
#define CPPROF_RUNTIME_SAMPLE_RING_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "runtime/signal_safe.h"

namespace cpprof::runtime {

class SampleRing {
 public:
  static constexpr size_t kWords = 8192;  // power of two
  static constexpr size_t kHeaderWords = 3;

  // Appends one record; false when full, and its weight is counted as lost.
  CPPROF_SIGNAL_SAFE bool TryWrite(uint32_t weight, uint64_t labels, uint64_t leaf_word, const uintptr_t* pcs,
                                   size_t n) {
    uint64_t head = head_.load(std::memory_order_relaxed);
    uint64_t tail = tail_.load(std::memory_order_acquire);
    size_t need = kHeaderWords + n;
    if (head - tail + need > kWords) {
      lost_.fetch_add(weight, std::memory_order_relaxed);
      return false;
    }
    Put(head, n | static_cast<uint64_t>(weight) << 32);
    Put(head + 1, labels);
    Put(head + 2, leaf_word);
    for (size_t i = 0; i < n; ++i) Put(head + kHeaderWords + i, pcs[i]);
    head_.store(head + need, std::memory_order_release);
    return true;
  }

  // Calls fn(weight, labels, leaf_word, pcs, n) for each record written so
  // far; reader only.
  template <typename Fn>
  void Drain(Fn fn) {
    uint64_t tail = tail_.load(std::memory_order_relaxed);
    uint64_t head = head_.load(std::memory_order_acquire);
    uintptr_t pcs[kWords];  // 64 KiB on the collector's stack
    while (tail < head) {
      uint64_t head_word = Get(tail);
      size_t n = static_cast<size_t>(head_word & 0xffffffff);
      uint32_t weight = static_cast<uint32_t>(head_word >> 32);
      uint64_t labels = Get(tail + 1);
      uint64_t leaf_word = Get(tail + 2);
      for (size_t i = 0; i < n; ++i) pcs[i] = static_cast<uintptr_t>(Get(tail + kHeaderWords + i));
      tail += kHeaderWords + n;
      fn(weight, labels, leaf_word, pcs, n);
    }
    tail_.store(tail, std::memory_order_release);
  }

  // Returns and resets the weight of dropped records.
  uint64_t TakeLost() { return lost_.exchange(0, std::memory_order_relaxed); }

 private:
  void Put(uint64_t pos, uint64_t v) { words_[pos & (kWords - 1)] = v; }
  uint64_t Get(uint64_t pos) const { return words_[pos & (kWords - 1)]; }

  std::atomic<uint64_t> head_{0};
  std::atomic<uint64_t> tail_{0};
  std::atomic<uint64_t> lost_{0};
  uint64_t words_[kWords];
};

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_SAMPLE_RING_H_
