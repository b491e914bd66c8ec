// Assembles a profile from stacks read out of perf's formats (perf.data,
// `perf script` text, folded stacks): mappings and locations deduplicated as
// they are first used, ids numbered from 1 in that order, and the per-sample
// labels perf gives (comm as a string, pid and tid as numbers) in the model's
// canonical order.
#ifndef CPPROF_PROFILE_PERF_STACK_BUILDER_H_
#define CPPROF_PROFILE_PERF_STACK_BUILDER_H_

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "profile/profile.h"

namespace cpprof::perf {

// Who a sample ran as; an id <= 0 (or comm 0, the empty string) is left out.
struct ThreadLabels {
  StrId comm = 0;  // interned in the builder's profile
  int64_t pid = -1;
  int64_t tid = -1;
};

class StackBuilder {
 public:
  StackBuilder();

  void AddSampleType(std::string_view type, std::string_view unit);
  // Room for `samples` samples of about `frames` frames each.
  void Reserve(size_t samples, size_t frames);
  Profile& profile() { return p_; }

  // The mapping of a binary loaded at [start, limit) from file offset
  // `offset`, created on first use. `symbolized` marks mappings whose
  // locations already carry function names (perf script, folded).
  uint32_t Mapping(std::string_view file, uint64_t start, uint64_t limit, uint64_t offset, std::string_view build_id,
                   bool symbolized = false);
  // An address-only location, symbolized later by the driver.
  uint32_t AddressLocation(uint32_t mapping, uint64_t address);
  // A location with one line naming `function` (mapping may be kNone).
  uint32_t FunctionLocation(uint32_t mapping, uint64_t address, std::string_view function);

  // Appends a sample: stack leaf first, one value per sample type.
  void AddSample(std::span<const int64_t> values, std::span<const uint32_t> stack, const ThreadLabels& who);

  // Moves mapping `main` to the front (pprof names the profile after the
  // first mapping) and returns the profile.
  Profile Finish(uint32_t main);

 private:
  // Appends a location without lines.
  void NewLocation(uint32_t mapping, uint64_t address);

  Profile p_;
  StrId comm_key_, pid_key_, tid_key_;
  std::map<std::tuple<StrId, uint64_t, uint64_t, uint64_t, StrId>, uint32_t> mappings_;
  struct KeyHash {
    size_t operator()(const std::pair<uint32_t, uint64_t>& k) const {
      return std::hash<uint64_t>()(k.second * 0x9E3779B97F4A7C15ull + k.first);
    }
  };
  std::unordered_map<std::pair<uint32_t, uint64_t>, uint32_t, KeyHash> address_locations_;
  std::map<std::tuple<uint32_t, uint64_t, StrId>, uint32_t> function_locations_;
  std::unordered_map<StrId, uint32_t> functions_;
};

}  // namespace cpprof::perf

#endif  // CPPROF_PROFILE_PERF_STACK_BUILDER_H_
