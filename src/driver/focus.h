// Focusing and filtering a profile for a report (pprof's driver_focus.go):
// -focus, -ignore, -hide, -show, -show_from, -prune_from and the tag filters.
#ifndef CPPROF_DRIVER_FOCUS_H_
#define CPPROF_DRIVER_FOCUS_H_

#include <map>
#include <string>

#include "driver/config.h"
#include "driver/ui.h"
#include "profile/profile.h"
#include "util/status.h"

namespace cpprof {

// pprof's NumLabelUnits: the first unit seen per numeric label key, or one
// inferred from the key. Keys seen with several units are reported to ui.
std::map<std::string, std::string> NumLabelUnits(const Profile& p, Ui& ui);

// pprof's applyFocus: applies the config's filters to p, telling ui about
// each expression that matched no samples. Fails on a bad expression.
Status ApplyFocus(Profile& p, const std::map<std::string, std::string>& units, const Config& cfg, Ui& ui);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_FOCUS_H_
