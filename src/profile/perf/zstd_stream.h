// The payloads of perf's COMPRESSED records (`perf record -z`): one zstd
// stream cut into records, whose decompressed bytes are a record stream
// again; a record may straddle two payloads.
#ifndef CPPROF_PROFILE_PERF_ZSTD_STREAM_H_
#define CPPROF_PROFILE_PERF_ZSTD_STREAM_H_

#include <string>
#include <string_view>

struct ZSTD_DCtx_s;

namespace cpprof::perf {

class ZstdStream {
 public:
  ZstdStream();
  ~ZstdStream();
  ZstdStream(const ZstdStream&) = delete;
  ZstdStream& operator=(const ZstdStream&) = delete;

  // Appends the decompressed bytes of `payload` to `out`; throws FormatError
  // on corrupt data or when `out` would pass `limit` bytes.
  void Decompress(std::string_view payload, std::string& out, size_t limit);

 private:
  ZSTD_DCtx_s* ctx_;
};

}  // namespace cpprof::perf

#endif  // CPPROF_PROFILE_PERF_ZSTD_STREAM_H_
