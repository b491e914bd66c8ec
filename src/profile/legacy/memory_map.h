// The memory map section that closes every legacy profile ("--- Memory map:
// ---" or "MAPPED_LIBRARIES:"), read as pprof's ParseMemoryMapFromScanner
// does: /proc/<pid>/maps lines and a brief "start-end [perms] file [(@offset)]
// [buildid]" form, non-executable ranges skipped, glog prefixes stripped, and
// "name=value" lines defining $name for later lines.
#ifndef CPPROF_PROFILE_LEGACY_MEMORY_MAP_H_
#define CPPROF_PROFILE_LEGACY_MEMORY_MAP_H_

#include <string_view>

#include "profile/legacy/text.h"
#include "profile/profile.h"

namespace cpprof::legacy {

// True for a line that starts the memory map section.
bool IsMemoryMapSentinel(std::string_view line);

// Appends the mappings of the remaining lines of `lines` to p.mappings, then
// applies pprof's heuristics: adjacent pieces of one file are merged, the main
// binary is moved first, and ids become 1..N. Locations must not point at
// mappings yet.
Status ParseMemoryMap(LineScanner& lines, Profile& p);

}  // namespace cpprof::legacy

#endif  // CPPROF_PROFILE_LEGACY_MEMORY_MAP_H_
