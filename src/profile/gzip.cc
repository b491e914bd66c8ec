#include "profile/gzip.h"

#include <libdeflate.h>
#include <sys/mman.h>

#include <cstdint>
#include <memory>
#include <system_error>
#include <thread>

namespace cpprof {
namespace {

struct DecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};
struct CompressorDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// The gzip trailer holds the uncompressed size mod 2^32 (ISIZE); it is only a
// hint, so a too-small guess grows the buffer and retries.
size_t SizeHint(std::string_view member) {
  if (member.size() < 18) return 1 << 16;
  const auto* t = reinterpret_cast<const unsigned char*>(member.data() + member.size() - 4);
  size_t isize = t[0] | (t[1] << 8) | (t[2] << 16) | (static_cast<size_t>(t[3]) << 24);
  return isize == 0 ? (1 << 16) : isize;
}

// Faults in [p, p + size) on another core while the caller writes it:
// inflating is single-threaded, and in these VMs first-touched memory costs
// about as much as inflating into it. Joins on destruction.
class Prefault {
 public:
  Prefault(char* p, size_t size) {
    constexpr size_t kWorthAThread = size_t{8} << 20;
    if (size < kWorthAThread || std::thread::hardware_concurrency() < 2) return;
    try {
      // MADV_POPULATE_WRITE (Linux 5.14) allocates what is not there yet
      // and leaves written pages alone; elsewhere it fails and does nothing.
      thread_ = std::thread([p, size] { madvise(p, size, MADV_POPULATE_WRITE); });
    } catch (const std::system_error&) {
    }
  }
  ~Prefault() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

}  // namespace

Result<Bytes> Gunzip(std::string_view data) {
  std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> d(libdeflate_alloc_decompressor());
  if (!d) return Status::Error("out of memory");
  Bytes out;
  // Guess from the last member's trailer, but never trust it past 64x the input.
  size_t capacity = std::min(SizeHint(data), data.size() * 64 + (1 << 16));
  while (!data.empty()) {
    size_t start = out.size();
    for (;;) {
      out.resize(start + capacity);
      Prefault prefault(out.data() + start, capacity);
      size_t in_used = 0, out_used = 0;
      libdeflate_result r = libdeflate_gzip_decompress_ex(d.get(), data.data(), data.size(), out.data() + start,
                                                          capacity, &in_used, &out_used);
      if (r == LIBDEFLATE_SUCCESS) {
        out.resize(start + out_used);
        data.remove_prefix(in_used);
        break;
      }
      if (r == LIBDEFLATE_INSUFFICIENT_SPACE) {
        capacity *= 2;
        continue;
      }
      out.resize(start);
      return Status::Error(start == 0 ? "gzip: invalid or truncated data"
                                      : "gzip: invalid data after the first member");
    }
    // Padding after the last member (zeros) is tolerated, as by most readers.
    if (!data.empty() && !IsGzip(data)) {
      bool zeros = true;
      for (char c : data) zeros &= (c == 0);
      if (zeros) break;
      return Status::Error("gzip: invalid header");
    }
  }
  return out;
}

std::string Gzip(std::string_view data, int level) {
  std::unique_ptr<libdeflate_compressor, CompressorDeleter> c(libdeflate_alloc_compressor(level));
  std::string out(libdeflate_gzip_compress_bound(c.get(), data.size()), '\0');
  size_t n = libdeflate_gzip_compress(c.get(), data.data(), data.size(), out.data(), out.size());
  out.resize(n);
  return out;
}

}  // namespace cpprof
