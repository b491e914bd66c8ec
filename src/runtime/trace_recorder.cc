#include "runtime/trace_recorder.h"

namespace cpprof::runtime {

void TraceWait(WaitKind, const char*, uint64_t, int64_t, int64_t) noexcept {}

}  // namespace cpprof::runtime
