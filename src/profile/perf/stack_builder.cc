#include "profile/perf/stack_builder.h"

#include <algorithm>

namespace cpprof::perf {

StackBuilder::StackBuilder()
    : comm_key_(p_.strings.Intern("comm")), pid_key_(p_.strings.Intern("pid")), tid_key_(p_.strings.Intern("tid")) {}

void StackBuilder::AddSampleType(std::string_view type, std::string_view unit) {
  p_.sample_types.push_back({p_.strings.Intern(type), p_.strings.Intern(unit)});
}

void StackBuilder::Reserve(size_t samples, size_t frames) {
  p_.samples.reserve(samples);
  p_.values.reserve(samples * p_.sample_types.size());
  p_.labels.reserve(samples * 3);
  p_.stacks.reserve(samples * frames);
}

uint32_t StackBuilder::Mapping(std::string_view file, uint64_t start, uint64_t limit, uint64_t offset,
                               std::string_view build_id, bool symbolized) {
  StrId f = p_.strings.Intern(file), b = p_.strings.Intern(build_id);
  auto [it, added] = mappings_.try_emplace({f, start, limit, offset, b}, static_cast<uint32_t>(p_.mappings.size()));
  if (added) {
    cpprof::Mapping m;
    m.id = p_.mappings.size() + 1;
    m.start = start;
    m.limit = limit;
    m.offset = offset;
    m.file = f;
    m.build_id = b;
    m.has_functions = symbolized;
    p_.mappings.push_back(m);
  }
  return it->second;
}

uint32_t StackBuilder::AddressLocation(uint32_t mapping, uint64_t address) {
  auto [it, added] = address_locations_.try_emplace({mapping, address}, static_cast<uint32_t>(p_.locations.size()));
  if (added) NewLocation(mapping, address);
  return it->second;
}

void StackBuilder::NewLocation(uint32_t mapping, uint64_t address) {
  p_.locations.push_back({p_.locations.size() + 1, mapping, address, static_cast<uint32_t>(p_.lines.size()), 0, false});
}

uint32_t StackBuilder::FunctionLocation(uint32_t mapping, uint64_t address, std::string_view function) {
  StrId name = p_.strings.Intern(function);
  auto [it, added] =
      function_locations_.try_emplace({mapping, address, name}, static_cast<uint32_t>(p_.locations.size()));
  if (!added) return it->second;
  auto [fn, new_function] = functions_.try_emplace(name, static_cast<uint32_t>(p_.functions.size()));
  if (new_function) {
    Function f;
    f.id = p_.functions.size() + 1;
    // perf's names are already demangled: no system name, so that the
    // driver's demangling (which would read "(anonymous namespace)" as a
    // parameter list) leaves them as they are.
    f.name = name;
    p_.functions.push_back(f);
  }
  NewLocation(mapping, address);
  p_.locations.back().line_count = 1;
  p_.lines.push_back({fn->second, 0, 0});
  return it->second;
}

void StackBuilder::AddSample(std::span<const int64_t> values, std::span<const uint32_t> stack,
                             const ThreadLabels& who) {
  Sample s;
  s.stack_begin = static_cast<uint32_t>(p_.stacks.size());
  s.stack_size = static_cast<uint32_t>(stack.size());
  s.label_begin = static_cast<uint32_t>(p_.labels.size());
  p_.stacks.insert(p_.stacks.end(), stack.begin(), stack.end());
  p_.values.insert(p_.values.end(), values.begin(), values.end());
  // String labels first, then numeric ones, each in key order (profile.h).
  if (who.comm != 0) p_.labels.push_back({comm_key_, who.comm, 0, 0});
  // Not 0 (the idle task of `perf record -a`, named by its comm "swapper"):
  // a proto round trip drops numeric labels of value 0, as pprof's does.
  if (who.pid > 0) p_.labels.push_back({pid_key_, 0, who.pid, 0});
  if (who.tid > 0) p_.labels.push_back({tid_key_, 0, who.tid, 0});
  s.label_count = static_cast<uint32_t>(p_.labels.size()) - s.label_begin;
  p_.samples.push_back(s);
}

Profile StackBuilder::Finish(uint32_t main) {
  if (main != kNone && main != 0 && main < p_.mappings.size()) {
    // Rotate [0, main] right by one so that main comes first and the others keep their order.
    std::rotate(p_.mappings.begin(), p_.mappings.begin() + main, p_.mappings.begin() + main + 1);
    for (Location& l : p_.locations) {
      if (l.mapping == kNone || l.mapping > main) continue;
      l.mapping = l.mapping == main ? 0 : l.mapping + 1;
    }
    for (size_t i = 0; i < p_.mappings.size(); ++i) p_.mappings[i].id = i + 1;
  }
  return std::move(p_);
}

}  // namespace cpprof::perf
