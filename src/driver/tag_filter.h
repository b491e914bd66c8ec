// -tagfocus / -tagignore expressions: "key=" prefix optional, then either a
// numeric range ("1mb:2gb", "30kb:", ":100", "64") or comma-separated regexps
// (pprof's internal/driver/driver_focus.go).
#ifndef CPPROF_DRIVER_TAG_FILTER_H_
#define CPPROF_DRIVER_TAG_FILTER_H_

#include <map>
#include <string>

#include "profile/filter.h"
#include "util/status.h"

namespace cpprof {

// Compiles the expression; `note` receives pprof's "Interpreted ... as range"
// message when it is a range. An empty expression gives an empty matcher.
Result<SampleMatcher> CompileTagFilter(const std::string& name, const std::string& expression,
                                       const std::map<std::string, std::string>& num_label_units, std::string* note);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_TAG_FILTER_H_
