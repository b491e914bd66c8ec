#include "profile/legacy/builder.h"

#include <algorithm>
#include <limits>

#include "profile/legacy/memory_map.h"

namespace cpprof::legacy {
namespace {

void EraseFrame(Profile& p, Sample& s, size_t index) {
  std::span<uint32_t> stack = p.stack(s);
  std::copy(stack.begin() + static_cast<ptrdiff_t>(index) + 1, stack.end(),
            stack.begin() + static_cast<ptrdiff_t>(index));
  --s.stack_size;
}

}  // namespace

void ProfileBuilder::SetPeriodType(TypeUnit type) {
  p_.period_type = {p_.strings.Intern(type.first), p_.strings.Intern(type.second)};
}

void ProfileBuilder::SetSampleTypes(std::initializer_list<TypeUnit> types) {
  p_.sample_types.clear();
  for (const auto& [type, unit] : types) {
    p_.sample_types.push_back({p_.strings.Intern(type), p_.strings.Intern(unit)});
  }
}

uint32_t ProfileBuilder::Location(uint64_t address) {
  auto [it, added] = by_address_.try_emplace(address, static_cast<uint32_t>(p_.locations.size()));
  if (added) {
    cpprof::Location l;
    l.address = address;
    p_.locations.push_back(l);
  }
  return it->second;
}

uint32_t ProfileBuilder::FindLocation(uint64_t address) const {
  auto it = by_address_.find(address);
  return it == by_address_.end() ? kNone : it->second;
}

void ProfileBuilder::AddSample(std::span<const int64_t> values, std::span<const uint32_t> locations) {
  Sample s;
  s.stack_begin = static_cast<uint32_t>(p_.stacks.size());
  s.stack_size = static_cast<uint32_t>(locations.size());
  s.label_begin = static_cast<uint32_t>(p_.labels.size());
  p_.stacks.insert(p_.stacks.end(), locations.begin(), locations.end());
  p_.values.insert(p_.values.end(), values.begin(), values.end());
  p_.samples.push_back(s);
}

void ProfileBuilder::AddSample(std::span<const int64_t> values, std::span<const uint32_t> locations, int64_t bytes) {
  AddSample(values, locations);
  if (bytes == 0) return;
  Label l;
  l.key = p_.strings.Intern("bytes");
  l.num = bytes;
  p_.labels.push_back(l);
  p_.samples.back().label_count = 1;
}

void ProfileBuilder::RemoveSecondFrame(uint64_t address) {
  for (Sample& s : p_.samples) {
    if (s.stack_size > 1 && p_.locations[p_.stacks[s.stack_begin + 1]].address == address) EraseFrame(p_, s, 1);
  }
}

void ProfileBuilder::RemoveDuplicateLeaves() {
  for (Sample& s : p_.samples) {
    std::span<const uint32_t> stack = p_.stack(s);
    if (stack.size() > 1 && p_.locations[stack[0]].address == p_.locations[stack[1]].address + 1) {
      EraseFrame(p_, s, 1);
    }
  }
}

Status ProfileBuilder::FinishWithMemoryMap(LineScanner& lines) {
  if (Status s = ParseMemoryMap(lines, p_); !s.ok()) return s;
  Finish();
  return Status();
}

Status ProfileBuilder::FinishAfterSamples(LineScanner& lines) {
  while (!IsMemoryMapSentinel(lines.text()) && lines.Scan()) {
  }
  if (Status s = lines.status(); !s.ok()) return s;
  return FinishWithMemoryMap(lines);
}

void ProfileBuilder::Finish() {
  RemapLocations();
  RemapFunctions();
  RemapMappings();
}

// Locations in order of first use by a sample, ids 1..N; unused ones go.
void ProfileBuilder::RemapLocations() {
  std::vector<uint32_t> new_index(p_.locations.size(), kNone);
  Column<cpprof::Location> kept;
  for (const Sample& s : p_.samples) {
    for (uint32_t& loc : p_.stack(s)) {
      if (new_index[loc] == kNone) {
        new_index[loc] = static_cast<uint32_t>(kept.size());
        kept.push_back(p_.locations[loc]);
        kept.back().id = kept.size();
      }
      loc = new_index[loc];
    }
  }
  p_.locations = std::move(kept);
  by_address_.clear();  // indices changed; no lookups happen after this
}

// Functions in order of first use by a location, ids 1..N.
void ProfileBuilder::RemapFunctions() {
  std::vector<uint32_t> new_index(p_.functions.size(), kNone);
  Column<Function> kept;
  for (const cpprof::Location& l : p_.locations) {
    for (Line& ln : p_.lines_of(l)) {
      if (new_index[ln.function] == kNone) {
        new_index[ln.function] = static_cast<uint32_t>(kept.size());
        kept.push_back(p_.functions[ln.function]);
        kept.back().id = kept.size();
      }
      ln.function = new_index[ln.function];
    }
  }
  p_.functions = std::move(kept);
}

// pprof's remapMappingIDs: fixes for mappings some profilers write wrongly,
// then each location goes to the first mapping that holds its address, or to
// a catch-all mapping (Go's legacy profiles have no memory map at all). The
// scan is O(locations x mappings) as in pprof, because mappings may overlap
// and the first one wins; 200,000 locations against 500 mappings (the main
// binary last) add no measurable time to a 0.9 s -top of a 31 MB profile.
void ProfileBuilder::RemapMappings() {
  std::vector<Mapping>& ms = p_.mappings;
  // A leading /anon_hugepage region right before the next mapping is the
  // text of the main binary remapped onto huge pages.
  if (ms.size() > 1 && p_.str(ms[0].file).starts_with("/anon_hugepage") && ms[0].limit == ms[1].start) {
    ms.erase(ms.begin());
  }
  // A main binary that starts at the usual 0x400000 once its offset is taken
  // off was mapped from offset 0.
  constexpr uint64_t kExpectedStart = 0x400000;
  if (!ms.empty() && ms[0].start - ms[0].offset == kExpectedStart) {
    ms[0].start = kExpectedStart;
    ms[0].offset = 0;
  }
  uint32_t fake = kNone;
  for (cpprof::Location& l : p_.locations) {
    const uint64_t a = l.address;
    if (l.mapping != kNone || a == 0) continue;
    for (size_t i = 0; i < ms.size() && l.mapping == kNone; ++i) {
      if (ms[i].start <= a && a < ms[i].limit) l.mapping = static_cast<uint32_t>(i);
    }
    // Profilers that fail to write the first part of a mapping split in two.
    for (size_t i = 0; i < ms.size() && l.mapping == kNone; ++i) {
      if (ms[i].offset != 0 && ms[i].start - ms[i].offset <= a && a < ms[i].start) {
        ms[i].start -= ms[i].offset;
        ms[i].offset = 0;
        l.mapping = static_cast<uint32_t>(i);
      }
    }
    if (l.mapping != kNone) continue;
    if (fake == kNone) {
      fake = static_cast<uint32_t>(ms.size());
      Mapping m;
      m.limit = std::numeric_limits<uint64_t>::max();
      ms.push_back(m);
    }
    l.mapping = fake;
  }
  for (size_t i = 0; i < ms.size(); ++i) ms[i].id = i + 1;
}

}  // namespace cpprof::legacy
