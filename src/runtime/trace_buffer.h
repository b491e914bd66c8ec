// A thread's trace buffer: a lock-free ring of 64-bit words with one writer
// (the thread itself, in its code or in its SIGPROF handler) and one reader
// (the trace flusher), like SampleRing.
//
// A record is [header, payload...]; the header holds the record's length in
// words, its type and the session it was written in, so the reader skips
// records a previous trace's late writers left behind. The writer never
// waits: a record that does not fit is dropped and counted.
//
// The thread's own code and its signal handler both write: a handler that
// interrupts a write finds busy_ set and drops its record (counted), so a
// record is never interleaved with another.
//
// Size: 32768 words = 256 KiB. A region pair is 8 words: at 100 ms flushes a
// thread fills half of it with 200k regions a second, when the writer wakes
// the flusher early (Kick). Buffers are mmap'ed, so pages a quiet thread
// never writes cost nothing.
#ifndef CPPROF_RUNTIME_TRACE_BUFFER_H_
#define CPPROF_RUNTIME_TRACE_BUFFER_H_

#include <sys/mman.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "runtime/signal_safe.h"

namespace cpprof::runtime {

class TraceBuffer {
 public:
  static constexpr size_t kWords = 32768;  // power of two
  static constexpr size_t kMaxRecordWords = 4096;

  static constexpr uint64_t Header(size_t words, uint8_t type, uint32_t session) {
    return uint64_t{session} << 32 | uint64_t{type} << 16 | words;
  }

  // Appends header + fixed[0, nfixed) + tail[0, ntail); false (counted in
  // lost) when it does not fit or a write of this thread is in progress.
  // *half_full is set when the buffer just passed half its size.
  CPPROF_SIGNAL_SAFE bool TryWrite(uint8_t type, uint32_t session, const uint64_t* fixed, size_t nfixed,
                                   const uint64_t* tail, size_t ntail, bool* half_full) {
    if (busy_.load(std::memory_order_relaxed)) {
      lost_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    busy_.store(true, std::memory_order_relaxed);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    uint64_t head = head_.load(std::memory_order_relaxed);
    uint64_t tail_pos = tail_.load(std::memory_order_acquire);
    size_t need = 1 + nfixed + ntail;
    bool ok = need <= kMaxRecordWords && head - tail_pos + need <= kWords;
    if (ok) {
      Put(head, Header(need, type, session));
      for (size_t i = 0; i < nfixed; ++i) Put(head + 1 + i, fixed[i]);
      for (size_t i = 0; i < ntail; ++i) Put(head + 1 + nfixed + i, tail[i]);
      head_.store(head + need, std::memory_order_release);
      *half_full = head - tail_pos < kWords / 2 && head + need - tail_pos >= kWords / 2;
    } else {
      lost_.fetch_add(1, std::memory_order_relaxed);
    }
    std::atomic_signal_fence(std::memory_order_seq_cst);
    busy_.store(false, std::memory_order_relaxed);
    return ok;
  }

  // Calls fn(type, words, n) for each record of `session` written so far
  // (words: the payload, n its length); reader only.
  template <typename Fn>
  void Drain(uint32_t session, Fn fn) {
    uint64_t tail = tail_.load(std::memory_order_relaxed);
    uint64_t head = head_.load(std::memory_order_acquire);
    uint64_t words[kMaxRecordWords];
    while (tail < head) {
      uint64_t header = Get(tail);
      size_t n = header & 0xffff;
      // A zero or overlong length is a record a late writer of an earlier
      // session wrote into pages Release had dropped: skip what is there.
      if (n == 0 || n > kMaxRecordWords || tail + n > head) {
        tail = head;
        break;
      }
      for (size_t i = 1; i < n; ++i) words[i - 1] = Get(tail + i);
      tail += n;
      if (header >> 32 == session) fn(static_cast<uint8_t>(header >> 16), words, n - 1);
    }
    tail_.store(tail, std::memory_order_release);
  }

  uint64_t TakeLost() { return lost_.exchange(0, std::memory_order_relaxed); }

  // Gives the ring's pages back to the kernel when a trace stops (the
  // buffer stays for the thread's next trace; a late writer touches zeroes).
  void ReleasePages() { madvise(words_, sizeof(words_), MADV_DONTNEED); }

 private:
  void Put(uint64_t pos, uint64_t v) { words_[pos & (kWords - 1)] = v; }
  uint64_t Get(uint64_t pos) const { return words_[pos & (kWords - 1)]; }

  std::atomic<uint64_t> head_{0};
  std::atomic<uint64_t> tail_{0};
  std::atomic<uint64_t> lost_{0};
  std::atomic<bool> busy_{false};
  alignas(4096) uint64_t words_[kWords];
};

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_TRACE_BUFFER_H_
