// One parser per family of legacy formats, tried in pprof's order by
// ParseLegacyProfile (legacy.cc). Each returns its profile, or the
// "unrecognized profile format" status to let the next parser try, or any
// other error to stop. Drop/keep frames are set by the caller.
#ifndef CPPROF_PROFILE_LEGACY_PARSERS_H_
#define CPPROF_PROFILE_LEGACY_PARSERS_H_

#include <string_view>

#include "profile/legacy/builder.h"
#include "profile/profile.h"
#include "util/status.h"

namespace cpprof::legacy {

// gperftools CPU profiles (cpu_profile.cc): C++, and Java through the
// symbol section that follows Java samples.
Result<Profile> ParseCpuProfile(std::string_view data);
// tcmalloc heapz, heap_v2, heapprofile, growthz, fragmentationz, and Go's
// debug=1 heap text (heap_profile.cc).
Result<Profile> ParseHeapProfile(std::string_view data);
// Go's debug=1 goroutine and threadcreate texts (go_count_profile.cc).
Result<Profile> ParseGoCountProfile(std::string_view data);
// threadz (thread_profile.cc).
Result<Profile> ParseThreadProfile(std::string_view data);
// C++ contentionz and Go's debug=1 mutex/block texts (contention_profile.cc).
Result<Profile> ParseContentionProfile(std::string_view data);
// Java heapz and contentionz texts (java_profile.cc).
Result<Profile> ParseJavaProfile(std::string_view data);

// Names the Java frames from the "0x<addr> <symbol>" lines of `text`, then
// clears every address and finishes the profile (java_profile.cc; the Java
// CPU profile shares it).
Status FinishJavaProfile(std::string_view text, ProfileBuilder& b);

}  // namespace cpprof::legacy

#endif  // CPPROF_PROFILE_LEGACY_PARSERS_H_
