// Writing count profiles the way Go's runtime/pprof does: debug=0 a gzipped
// profile.proto (sample and period type "<name>/count", period 1), debug>=1
// the counted text ("<name> profile: total N", "<count> @ 0x...", "# labels:",
// "#\t0x<pc>\t<func>+0x<off>\t<file>:<line>"), and the debug=2 per-thread dump.
#ifndef CPPROF_RUNTIME_COUNT_FORMAT_H_
#define CPPROF_RUNTIME_COUNT_FORMAT_H_

#include <string>
#include <vector>

#include "runtime/named_profiles.h"
#include "runtime/profile_builder.h"
#include "runtime/thread_dump.h"

namespace cpprof::runtime {

// Gzipped proto. duration_nanos > 0 marks a delta profile.
std::string CountProfileProto(const std::string& name, const CountTable& table, int64_t time_nanos,
                              int64_t duration_nanos);
std::string CountProfileText(const std::string& name, const CountTable& table, int64_t total);
std::string ThreadDumpText(const std::vector<ThreadStack>& threads);

// "0x<hex>", as Go's %#x.
std::string Hex(uint64_t v);
// "#\t0x<pc>\t<func>+0x<off>\t<file>:<line>" for every line of every frame
// of sample s, as Go's printStackRecord writes them.
void AppendFrames(const BuiltProfile& built, const Sample& s, std::string* out);

// a - b per stack, dropping entries left at zero (Go's delta: p1 - p0).
CountTable Subtract(const CountTable& a, const CountTable& b);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_COUNT_FORMAT_H_
