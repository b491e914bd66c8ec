// Reads a cpprof execution trace (the subset of Perfetto's protobuf that
// trace_format.h describes) into a TraceModel, in one pass over the packets.
//
// Fields and packets outside that subset are skipped, so a trace that
// Perfetto's tools or another writer added to still reads. Slices on one
// track are matched in file order, as Perfetto requires them to nest; a
// slice still open at the end is closed at the trace's end.
//
// Tested by tests/trace/trace_reader_test.cc and tests/fuzz/trace_fuzzer.cc.
#ifndef CPPROF_TRACE_TRACE_READER_H_
#define CPPROF_TRACE_TRACE_READER_H_

#include <string_view>

#include "trace/trace_model.h"
#include "util/status.h"

namespace cpprof::trace {

// Decodes `bytes` (gzipped or not). Errors are one line: "not a Perfetto
// trace: ...", "truncated trace: ...", "not a cpprof trace: no \"trace
// start\" event", "empty trace".
Result<TraceModel> ReadTrace(std::string_view bytes);

}  // namespace cpprof::trace

#endif  // CPPROF_TRACE_TRACE_READER_H_
