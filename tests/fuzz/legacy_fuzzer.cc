// libFuzzer target for the legacy parsers (src/profile/legacy/): any input
// must give a profile or an error, never a crash, hang or sanitizer report.
// A parsed profile must survive proto round trips; the first may drop what
// pprof's own encoding drops (numeric labels of value 0), after that the
// profile must not change.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "profile/codec.h"
#include "profile/dump.h"
#include "profile/legacy/legacy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  cpprof::Result<cpprof::Profile> p = cpprof::ParseLegacyProfile(input);
  if (!p.ok() || !cpprof::CheckValid(*p).ok()) return 0;
  cpprof::DumpProfile(*p);
  cpprof::Result<cpprof::Profile> once = cpprof::ParseProfile(cpprof::WriteProfile(*p));
  if (!once.ok()) __builtin_trap();
  cpprof::Result<cpprof::Profile> twice = cpprof::ParseProfile(cpprof::WriteProfile(*once));
  if (!twice.ok() || cpprof::DumpProfile(*twice) != cpprof::DumpProfile(*once)) __builtin_trap();
  return 0;
}
