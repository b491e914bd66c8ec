// Interned, immutable label sets. A thread's current set is one pointer in
// its ThreadState, so the SIGPROF handler reads labels with one load.
//
// Sets are never freed: a sample in a ring may name a set long after the
// thread moved on, and interning keeps their number to the distinct sets the
// program uses (documented: bounded label values only).
#ifndef CPPROF_RUNTIME_LABELS_H_
#define CPPROF_RUNTIME_LABELS_H_

#include <string>
#include <utility>
#include <vector>

#include "cpprof/cpprof.h"

namespace cpprof::runtime {

struct LabelSetData {
  LabelSet entries;  // sorted by key, keys unique
};

// The interned set equal to base's entries with `add` applied on top
// (a key in `add` replaces base's value). base may be null.
const LabelSetData* MergeLabels(const LabelSetData* base, const LabelSet& add);

// Renders {"k":"v", ...} as Go's debug=1 "# labels:" line does.
std::string FormatLabels(const LabelSetData* labels);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_LABELS_H_
