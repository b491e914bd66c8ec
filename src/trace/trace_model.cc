#include "trace/trace_model.h"

#include "trace/trace_format.h"

namespace cpprof::trace {
namespace {

constexpr std::string_view kStateNames[kNumWaitStates] = {kStateSync,  kStateNetwork, kStateSyscall,
                                                          kStateSleep, kStateSched,   "other"};

}  // namespace

std::string_view WaitStateName(WaitState s) { return kStateNames[static_cast<int>(s)]; }

WaitState ParseWaitState(std::string_view name) {
  for (int i = 0; i < kNumWaitStates - 1; ++i) {
    if (kStateNames[i] == name) return static_cast<WaitState>(i);
  }
  return WaitState::kOther;
}

}  // namespace cpprof::trace
