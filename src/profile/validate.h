// Validation of a profile, as pprof's Profile.CheckValid does it: every
// sample has a value per sample type and no dangling location, and ids of
// mappings, functions and locations are non-zero and unique.
#ifndef CPPROF_PROFILE_VALIDATE_H_
#define CPPROF_PROFILE_VALIDATE_H_

#include "profile/profile.h"
#include "util/status.h"

namespace cpprof {

// Checks references and ids as pprof's Profile.CheckValid does; the error
// reads like pprof's ("multiple locations with same id: 1").
Status CheckValid(const Profile& p);

}  // namespace cpprof

#endif  // CPPROF_PROFILE_VALIDATE_H_
