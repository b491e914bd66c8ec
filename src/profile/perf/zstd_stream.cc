#include "profile/perf/zstd_stream.h"

#include <zstd.h>

#include "profile/perf/byte_reader.h"

namespace cpprof::perf {

ZstdStream::ZstdStream() : ctx_(ZSTD_createDCtx()) {}

ZstdStream::~ZstdStream() { ZSTD_freeDCtx(ctx_); }

void ZstdStream::Decompress(std::string_view payload, std::string& out, size_t limit) {
  if (ctx_ == nullptr) throw FormatError{"zstd: out of memory"};
  ZSTD_inBuffer in{payload.data(), payload.size(), 0};
  // perf compresses one mmap'd buffer (default 528 KiB) per record.
  constexpr size_t kChunk = size_t{1} << 20;
  for (;;) {
    size_t old = out.size(), consumed = in.pos;
    if (old + kChunk > limit) throw FormatError{"compressed records expand beyond " + std::to_string(limit) + " bytes"};
    out.resize(old + kChunk);
    ZSTD_outBuffer o{out.data() + old, kChunk, 0};
    size_t r = ZSTD_decompressStream(ctx_, &o, &in);
    out.resize(old + o.pos);
    if (ZSTD_isError(r)) throw FormatError{std::string("compressed record: ") + ZSTD_getErrorName(r)};
    // A full output buffer may hold back more bytes of this payload.
    if (in.pos == in.size && o.pos < kChunk) return;
    if (o.pos == 0 && in.pos == consumed) throw FormatError{"compressed record: no progress"};
  }
}

}  // namespace cpprof::perf
