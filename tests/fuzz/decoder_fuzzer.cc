// libFuzzer target for the profile decoder: any input must give a profile
// that validates and survives a write/read round trip, or an error; never a
// crash, hang or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "profile/codec.h"
#include "profile/dump.h"
#include "profile/gzip.h"

namespace {

// Legacy inputs may lose numeric labels of value 0 in a round trip, as in
// pprof; legacy_fuzzer.cc checks them.
bool IsProto(std::string_view input) {
  std::string inflated;
  if (cpprof::IsGzip(input)) {
    cpprof::Result<std::string> r = cpprof::Gunzip(input);
    if (!r.ok()) return false;
    inflated = std::move(r).value();
    input = inflated;
  }
  return cpprof::DecodeProfile(input).ok();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  cpprof::Result<cpprof::Profile> p = cpprof::ParseProfile(input);
  if (!p.ok() || !IsProto(input)) return 0;
  std::string dump = cpprof::DumpProfile(*p);
  cpprof::Result<cpprof::Profile> again = cpprof::ParseProfile(cpprof::WriteProfile(*p));
  if (!again.ok() || cpprof::DumpProfile(*again) != dump) __builtin_trap();
  return 0;
}
