// libFuzzer target for the legacy parsers (src/profile/legacy/): any input
// must give a profile that validates and survives a write/read round trip,
// or an error; never a crash, hang or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "profile/codec.h"
#include "profile/dump.h"
#include "profile/legacy/legacy.h"
#include "profile/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  cpprof::Result<cpprof::Profile> p = cpprof::ParseLegacyProfile(input);
  if (!p.ok() || !cpprof::CheckValid(*p).ok()) return 0;
  std::string dump = cpprof::DumpProfile(*p);
  cpprof::Result<cpprof::Profile> again = cpprof::ParseProfile(cpprof::WriteProfile(*p));
  if (!again.ok() || cpprof::DumpProfile(*again) != dump) __builtin_trap();
  return 0;
}
