// Legacy profile formats: the text and binary profiles written before
// profile.proto (gperftools/tcmalloc CPU, heap, growth, fragmentation,
// contention and thread profiles, Go's debug=1 texts, Java's heapz,
// contentionz and CPU profiles), read as pprof's legacy parsers read them.
// Locations are address-only; a memory map section, when present, gives the
// mappings. Tested by tests/profile/legacy_test.cc and tests/compat (legacy
// cases), fuzzed by tests/fuzz/legacy_fuzzer.cc.
#ifndef CPPROF_PROFILE_LEGACY_LEGACY_H_
#define CPPROF_PROFILE_LEGACY_LEGACY_H_

#include <string_view>

#include "profile/profile.h"
#include "util/status.h"

namespace cpprof {

// Tries each legacy format in pprof's order (CPU, heap, Go count, threadz,
// contention, Java) on uncompressed bytes. Errors are pprof's, without the
// "parsing profile: " context: "unrecognized profile format" when no format
// fits. The profile is not yet checked with CheckValid.
Result<Profile> ParseLegacyProfile(std::string_view data);

}  // namespace cpprof

#endif  // CPPROF_PROFILE_LEGACY_LEGACY_H_
