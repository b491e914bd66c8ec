// Merging, scaling and relabelling whole profiles, with pprof's semantics
// (profile/merge.go, measurement.ScaleProfiles).
#ifndef CPPROF_PROFILE_MERGE_H_
#define CPPROF_PROFILE_MERGE_H_

#include <span>
#include <string_view>
#include <vector>

#include "profile/profile.h"
#include "util/status.h"

namespace cpprof {

// Merges profiles with equal sample and period types into one, consuming
// them: the others are appended to the first, which is then compacted.
Result<Profile> Merge(std::vector<Profile> profiles);

// pprof's Merge of a single profile, in place (pprof merges every input, even
// one): mappings, locations and functions are deduplicated by pprof's keys and
// renumbered 1..N in order of first use by a sample; samples with the same
// stack and labels are summed; all-zero samples are dropped. Each sample must
// own its stack range, as after decoding (stacks are rewritten in place).
void Compact(Profile& p);

// True when Compact would leave p's mappings as they are: no two share a
// merge key (which would move addresses to another mapping's base), and
// samples use each, in their order (the symbolizer's messages come in it).
// Stops reading stacks once every mapping has been seen.
bool CompactKeepsMappings(const Profile& p);

// Converts sample and period values of all profiles to their finest common
// unit (pprof's measurement.ScaleProfiles), so that "ms" and "s" merge.
Status ScaleToCommonUnits(std::span<Profile* const> profiles);

// Multiplies each sample type by its ratio (rounding to nearest) and drops
// samples left all zero.
void ScaleValues(Profile& p, std::span<const double> ratios);

// Scales p so that its per-type totals equal those of base (-normalize).
Status Normalize(Profile& p, const Profile& base);

// Sets label key=value on every sample, replacing values of that key.
void SetLabel(Profile& p, std::string_view key, std::string_view value);

// Removes the string label key from every sample.
void RemoveLabel(Profile& p, std::string_view key);

// Checks that b can be merged into a (same period type and sample types).
Status Compatible(const Profile& a, const Profile& b);

}  // namespace cpprof

#endif  // CPPROF_PROFILE_MERGE_H_
