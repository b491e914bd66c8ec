// -tagroot / -tagleaf pseudo-frames (pprof's internal/driver/tagroot.go).
#ifndef CPPROF_PROFILE_LABEL_FRAMES_H_
#define CPPROF_PROFILE_LABEL_FRAMES_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "profile/profile.h"

namespace cpprof {

// -tagroot/-tagleaf: adds pseudo-frames named after label values. Returns
// whether any sample had the root / leaf keys.
std::pair<bool, bool> AddLabelFrames(Profile& p, const std::vector<std::string>& root_keys,
                                     const std::vector<std::string>& leaf_keys, std::string_view output_unit);

}  // namespace cpprof

#endif  // CPPROF_PROFILE_LABEL_FRAMES_H_
