// A profile's samples merged by call path at the report's granularity, for
// the formats that list whole stacks: -folded and -speedscope.
#ifndef CPPROF_REPORT_FOLDED_STACKS_H_
#define CPPROF_REPORT_FOLDED_STACKS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "report/report.h"

namespace cpprof {

struct FoldedStacks {
  std::vector<std::string> names;             // frames as pprof prints them
  std::vector<std::vector<uint32_t>> stacks;  // indices into names, root first
  std::vector<int64_t> values;                // per stack, at the sample index
};

// Stacks in the order of their first sample; samples without frames or of
// value 0 are left out, and with -drop_negative the negative ones too.
FoldedStacks FoldStacks(Report& r);

}  // namespace cpprof

#endif  // CPPROF_REPORT_FOLDED_STACKS_H_
