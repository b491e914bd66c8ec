// The text dump of `cpprof -raw`, identical to pprof's Profile.String().
#ifndef CPPROF_PROFILE_DUMP_H_
#define CPPROF_PROFILE_DUMP_H_

#include <string>

#include "profile/profile.h"

namespace cpprof {

std::string DumpProfile(const Profile& p);

}  // namespace cpprof

#endif  // CPPROF_PROFILE_DUMP_H_
