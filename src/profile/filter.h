// Sample and frame filters with pprof's semantics (profile/filter.go,
// prune.go, Profile.Aggregate). Regexps are RE2, which shares Go's syntax;
// like Go's MatchString they match anywhere in the string.
#ifndef CPPROF_PROFILE_FILTER_H_
#define CPPROF_PROFILE_FILTER_H_

#include <functional>
#include <string_view>

#include "profile/profile.h"
#include "util/status.h"

namespace re2 {
class RE2;
}

namespace cpprof {

struct NameFilterMatches {
  bool focus = false, ignore = false, hide = false, show = false;
};

// -focus/-ignore keep or drop samples with a matching frame (function name,
// file name or mapping file); -hide/-show remove or keep matching frames.
// Any regexp may be null.
NameFilterMatches FilterSamplesByName(Profile& p, const re2::RE2* focus, const re2::RE2* ignore, const re2::RE2* hide,
                                      const re2::RE2* show);

// -show_from: drops frames above (rootward of) the highest matching frame, and
// samples without one. Returns whether anything matched.
bool ShowFrom(Profile& p, const re2::RE2& show_from);

using SampleMatcher = std::function<bool(const Profile&, const Sample&)>;

// -tagfocus/-tagignore. Returns whether each matched any sample.
std::pair<bool, bool> FilterSamplesByTag(Profile& p, const SampleMatcher& focus, const SampleMatcher& ignore);

// -tagshow/-taghide: keeps or removes label keys.
std::pair<bool, bool> FilterTagsByName(Profile& p, const re2::RE2* show, const re2::RE2* hide);

// drop_frames/keep_frames pruning: drops frames matching drop (unless they
// match keep) and everything below them.
void Prune(Profile& p, const re2::RE2& drop, const re2::RE2* keep);

// Applies the profile's own drop_frames/keep_frames.
Status RemoveUninteresting(Profile& p);

// -prune_from: drops the matched frame's callees.
void PruneFrom(Profile& p, const re2::RE2& drop);

// Merges locations into equivalence classes by clearing what the granularity
// does not keep (pprof's Profile.Aggregate).
void Aggregate(Profile& p, bool inline_frames, bool function, bool filename, bool line_number, bool address);

}  // namespace cpprof

#endif  // CPPROF_PROFILE_FILTER_H_
