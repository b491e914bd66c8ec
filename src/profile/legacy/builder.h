// Assembles a legacy profile the way pprof's legacy parsers do: one
// address-only location per distinct address, samples in input order, then
// the memory map, and the renumbering passes (remapLocationIDs,
// remapFunctionIDs, remapMappingIDs) that decide the ids -raw prints.
#ifndef CPPROF_PROFILE_LEGACY_BUILDER_H_
#define CPPROF_PROFILE_LEGACY_BUILDER_H_

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "profile/legacy/text.h"
#include "profile/profile.h"

namespace cpprof::legacy {

class ProfileBuilder {
 public:
  using TypeUnit = std::pair<std::string_view, std::string_view>;
  void SetPeriodType(TypeUnit type);
  void SetSampleTypes(std::initializer_list<TypeUnit> types);

  // The location of `address`, created on first use.
  uint32_t Location(uint64_t address);
  // The address each location was created for (Java clears the addresses
  // of the locations it names but still finds them by the old address).
  uint32_t FindLocation(uint64_t address) const;

  // Appends a sample; `values` must hold one value per sample type.
  void AddSample(std::span<const int64_t> values, std::span<const uint32_t> locations);
  // Appends a sample with pprof's "bytes" numeric label (no unit), or
  // without it when bytes is 0: pprof's parser keeps such a label, but every
  // pprof report reads a copy made by a proto round trip (generateRawReport
  // in driver.go: p.Copy()), which drops numeric labels of value 0.
  void AddSample(std::span<const int64_t> values, std::span<const uint32_t> locations, int64_t bytes);

  // Reads the memory map from the remaining lines, then renumbers.
  Status FinishWithMemoryMap(LineScanner& lines);
  // Skips the lines up to the memory map, if any, then as above (pprof's
  // parseAdditionalSections). The current line counts.
  Status FinishAfterSamples(LineScanner& lines);
  // Renumbers without a memory map (Java profiles).
  void Finish();

  // Removes stack[1] of each sample whose stack[1] is at `address`.
  void RemoveSecondFrame(uint64_t address);
  // Drops the duplicate of the leaf frame some CPU profilers record (the
  // same address from the signal context and, adjusted by -1, from the stack).
  void RemoveDuplicateLeaves();

  Profile& profile() { return p_; }

 private:
  void RemapLocations();
  void RemapFunctions();
  void RemapMappings();

  Profile p_;
  std::unordered_map<uint64_t, uint32_t> by_address_;
};

}  // namespace cpprof::legacy

#endif  // CPPROF_PROFILE_LEGACY_BUILDER_H_
