// Tested by tests/runtime/cpu_profile_test.cc and tests/runtime/http_test.sh.
#include "runtime/profile_builder.h"

#include <chrono>
#include <cstdlib>
#include <map>
#include <string_view>

#include "runtime/modules.h"
#include "symbolize/demangle.h"
#include "symbolize/elf_symbolizer.h"

namespace cpprof::runtime {
namespace {

class Builder {
 public:
  explicit Builder(const ProfileHeader& h) {
    Profile& p = out_.profile;
    for (const auto& [type, unit] : h.sample_types) p.sample_types.push_back({S(type), S(unit)});
    p.period_type = {S(h.period_type.first), S(h.period_type.second)};
    p.period = h.period;
    p.time_nanos = h.time_nanos;
    p.duration_nanos = h.duration_nanos;
    if (!h.drop_frames.empty()) p.drop_frames = S(h.drop_frames);
    if (!h.default_sample_type.empty()) p.default_sample_type = S(h.default_sample_type);
    for (const std::string& c : h.comments) p.comments.push_back(S(c));
    AddMappings();
  }

  void Add(const StackRecord& r) {
    Profile& p = out_.profile;
    Sample s;
    s.stack_begin = static_cast<uint32_t>(p.stacks.size());
    if (!r.pseudo_frame.empty()) {
      p.stacks.push_back(PseudoLocation(r.pseudo_frame));
    } else {
      // Return addresses point after the call; pc - 1 is inside it.
      for (uintptr_t pc : r.pcs) p.stacks.push_back(LocationFor(pc - 1));
    }
    s.stack_size = static_cast<uint32_t>(p.stacks.size()) - s.stack_begin;
    s.label_begin = static_cast<uint32_t>(p.labels.size());
    if (r.labels != nullptr) {
      for (const auto& [k, v] : r.labels->entries) p.labels.push_back({S(k), S(v), 0, 0});
    }
    for (const StackRecord::NumericLabel& l : r.numeric_labels) {
      p.labels.push_back({S(l.key), 0, l.value, l.unit.empty() ? StrId{0} : S(l.unit)});
    }
    s.label_count = static_cast<uint32_t>(p.labels.size()) - s.label_begin;
    p.samples.push_back(s);
    p.values.insert(p.values.end(), r.values.begin(), r.values.end());
  }

  BuiltProfile Finish() {
    Profile& p = out_.profile;
    for (size_t i = 0; i < p.mappings.size(); ++i) {
      Mapping& m = p.mappings[i];
      const MappingStats& st = stats_[i];
      // A mapping no address was looked up in claims nothing, as in Go's
      // runtime/pprof, and its module's debug information stays unread:
      // finding its DWARF can mean opening it (the ~20 modules of a small
      // C++ program took 5-7 ms of the exit write).
      if (st.looked_up == 0) continue;
      ModuleDebugInfo debug = symbolizer_.DebugInfo(m.start + (m.limit - m.start) / 2);
      m.has_functions = st.looked_up == st.with_functions && debug.has_symbols;
      m.has_filenames = m.has_line_numbers = m.has_functions && st.looked_up == st.with_lines && debug.has_dwarf;
      m.has_inline_frames = m.has_line_numbers;
    }
    DemangleFunctions(p, false, DemangleMode::kDefault);
    return std::move(out_);
  }

 private:
  struct MappingStats {
    size_t looked_up = 0, with_functions = 0, with_lines = 0;
    uint32_t module = 0;  // index in modules_
  };

  StrId S(const std::string& s) { return out_.profile.strings.Intern(s); }

  void AddMappings() {
    Profile& p = out_.profile;
    modules_ = LoadedModules();
    module_added_.assign(modules_.size(), false);
    for (uint32_t i = 0; i < modules_.size(); ++i) {
      const Module& mod = modules_[i];
      for (const ModuleSegment& seg : mod.exec_segments) {
        Mapping m;
        m.id = p.mappings.size() + 1;
        m.start = seg.start;
        m.limit = seg.limit;
        m.offset = seg.offset;
        m.file = S(mod.name);
        m.build_id = S(mod.build_id);
        p.mappings.push_back(m);
        stats_.push_back({.module = i});
        by_start_[seg.start] = static_cast<uint32_t>(p.mappings.size() - 1);
      }
    }
  }

  uint32_t MappingFor(uint64_t addr) const {
    auto it = by_start_.upper_bound(addr);
    if (it == by_start_.begin()) return kNone;
    --it;
    return addr < out_.profile.mappings[it->second].limit ? it->second : kNone;
  }

  uint32_t FunctionFor(const std::string& name, const std::string& file, int64_t start_line) {
    auto key = std::make_pair(name, file);
    auto it = functions_.find(key);
    if (it != functions_.end()) return it->second;
    Profile& p = out_.profile;
    Function f;
    f.id = p.functions.size() + 1;
    f.name = f.system_name = S(name);
    f.filename = S(file);
    f.start_line = start_line;
    p.functions.push_back(f);
    uint32_t index = static_cast<uint32_t>(p.functions.size() - 1);
    functions_.emplace(key, index);
    return index;
  }

  uint32_t NewLocation(uint64_t addr, uint32_t mapping, uint64_t offset) {
    Profile& p = out_.profile;
    Location l;
    l.id = p.locations.size() + 1;
    l.address = addr;
    l.mapping = mapping;
    l.line_begin = static_cast<uint32_t>(p.lines.size());
    p.locations.push_back(l);
    out_.symbol_offsets.push_back(offset);
    return static_cast<uint32_t>(p.locations.size() - 1);
  }

  uint32_t LocationFor(uint64_t addr) {
    auto it = locations_.find(addr);
    if (it != locations_.end()) return it->second;
    uint32_t mapping = MappingFor(addr);
    SymbolizedAddress sym;
    if (mapping != kNone) {
      MappingStats& st = stats_[mapping];
      // Modules are opened when a sample is in them: a small C++ program
      // maps ~20, its samples are in 3 or 4.
      if (!module_added_[st.module]) {
        module_added_[st.module] = true;
        const Module& mod = modules_[st.module];
        if (symbolize_ && !mod.path.empty()) symbolizer_.AddModule(mod.path, mod.bias);
      }
      symbolizer_.Lookup(addr, &sym);
      ++st.looked_up;
      st.with_functions += !sym.frames.empty();
      st.with_lines += sym.has_lines;
    }
    uint32_t index = NewLocation(addr, mapping, sym.symbol_offset);
    Profile& p = out_.profile;
    for (const SymbolFrame& f : sym.frames) {
      p.lines.push_back({FunctionFor(std::string(f.function), std::string(f.file), f.start_line), f.line, 0});
    }
    p.locations[index].line_count = static_cast<uint32_t>(p.lines.size()) - p.locations[index].line_begin;
    locations_.emplace(addr, index);
    return index;
  }

  uint32_t PseudoLocation(const std::string& name) {
    auto it = pseudo_.find(name);
    if (it != pseudo_.end()) return it->second;
    uint32_t index = NewLocation(0, kNone, 0);
    Profile& p = out_.profile;
    p.lines.push_back({FunctionFor(name, "", 0), 0, 0});
    p.locations[index].line_count = 1;
    pseudo_.emplace(name, index);
    return index;
  }

  BuiltProfile out_;
  ElfSymbolizer symbolizer_;
  // CPPROF_SYMBOLIZE=0: addresses only, for symbolizing later with cpprof
  // (e.g. against binaries with debug info kept off the production host).
  bool symbolize_ = [] {
    const char* v = std::getenv("CPPROF_SYMBOLIZE");
    return v == nullptr || std::string_view(v) != "0";
  }();
  std::vector<Module> modules_;
  std::vector<bool> module_added_;  // to the symbolizer, on the first lookup in one of its mappings
  std::vector<MappingStats> stats_;
  std::map<uint64_t, uint32_t> by_start_;
  std::map<uint64_t, uint32_t> locations_;
  std::map<std::string, uint32_t> pseudo_;
  std::map<std::pair<std::string, std::string>, uint32_t> functions_;
};

}  // namespace

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

BuiltProfile BuildProfile(const ProfileHeader& header, const std::vector<StackRecord>& records) {
  Builder b(header);
  for (const StackRecord& r : records) b.Add(r);
  return b.Finish();
}

}  // namespace cpprof::runtime
