// Storage for the model's large columns. The benchmark profile (1M samples)
// has 31M frames: a 124 MB stack pool, which decoding writes once, in
// parallel. With std::vector's allocator, resize() first zero-filled it on
// one thread and the kernel then took a fault per 4 KiB page it touched
// (83,000 faults, 0.6 s of system time for `-top`). A Column skips the
// zero-fill (elements are default-initialised: ints are left as they are)
// and asks for transparent huge pages for blocks of 1 MiB and more, which
// fault in 2 MiB at a time (with the profile's bytes held in Columns too,
// `-top` went from 83,000 faults to 19,000).
//
// Default initialisation is the one difference a caller sees: resize(n) of a
// Column<int> leaves the new elements unset, so write them before reading,
// or pass a value (resize(n, 0)).
#ifndef CPPROF_PROFILE_COLUMN_H_
#define CPPROF_PROFILE_COLUMN_H_

#include <sys/mman.h>

#include <cstddef>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cpprof {

template <typename T>
class ColumnAllocator {
 public:
  using value_type = T;

  ColumnAllocator() = default;
  template <typename U>
  ColumnAllocator(const ColumnAllocator<U>&) noexcept {}

  T* allocate(size_t n) {
    size_t bytes = n * sizeof(T);
    if (bytes < kMinMapped) return std::allocator<T>().allocate(n);
    // The kernel aligns anonymous mappings whose size is a multiple of 2 MiB
    // to 2 MiB (Linux 6.18 no longer aligns others), so that the whole block
    // can be backed by huge pages. Unaligned, the partial 2 MiB at each end
    // took 4 KiB faults: 5,000 of -top's 16,000.
    void* p = mmap(nullptr, MappedSize(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    madvise(p, MappedSize(bytes), MADV_HUGEPAGE);  // a hint: without THP, plain pages
    return static_cast<T*>(p);
  }

  void deallocate(T* p, size_t n) noexcept {
    size_t bytes = n * sizeof(T);
    if (bytes < kMinMapped) {
      std::allocator<T>().deallocate(p, n);
    } else {
      munmap(p, MappedSize(bytes));
    }
  }

  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }

  template <typename U>
  bool operator==(const ColumnAllocator<U>&) const noexcept {
    return true;
  }

 private:
  static constexpr size_t kHugePage = size_t{2} << 20;
  // From 1 MiB a block takes a whole huge page (at most twice its size in
  // memory): malloc would map it in 4 KiB pages, 256 to 511 faults. -top's
  // dense edges (61K edges, 1.95 MB a thread) were 970 of its 7,200 faults.
  static constexpr size_t kMinMapped = size_t{1} << 20;
  static size_t MappedSize(size_t bytes) { return (bytes + kHugePage - 1) & ~(kHugePage - 1); }
};

template <typename T>
using Column = std::vector<T, ColumnAllocator<T>>;

// A file's or a decompressed stream's bytes (56 MB for the benchmark
// profile), read or inflated once and decoded in place.
using Bytes = Column<char>;

inline std::string_view View(const Bytes& b) { return {b.data(), b.size()}; }

}  // namespace cpprof

#endif  // CPPROF_PROFILE_COLUMN_H_
