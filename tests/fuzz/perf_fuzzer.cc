// libFuzzer target: the readers of perf's outputs (src/profile/perf/) on
// untrusted bytes: perf.data when the input starts with its magic, else the
// `perf script` and folded-stack text readers. Every input must end in a
// profile or an error, never a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "profile/perf/perf_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (cpprof::perf::IsPerfData(bytes)) {
    (void)cpprof::perf::ParsePerfData(bytes, nullptr);
  } else {
    (void)cpprof::perf::ParsePerfScript(bytes);
    (void)cpprof::perf::ParseFolded(bytes);
  }
  return 0;
}
