// Whole-buffer gzip with libdeflate.
#ifndef CPPROF_PROFILE_GZIP_H_
#define CPPROF_PROFILE_GZIP_H_

#include <string>
#include <string_view>

#include "profile/column.h"
#include "util/status.h"

namespace cpprof {

inline bool IsGzip(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f && static_cast<unsigned char>(data[1]) == 0x8b;
}

// Decompresses every gzip member in `data` (concatenated members are one stream,
// as Go's gzip reader treats them).
Result<Bytes> Gunzip(std::string_view data);

// Compresses at a level that keeps writing a 50 MB profile under a second.
std::string Gzip(std::string_view data, int level = 6);

}  // namespace cpprof

#endif  // CPPROF_PROFILE_GZIP_H_
