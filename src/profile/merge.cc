#include "profile/merge.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>

#include "profile/row_set.h"
#include "profile/units.h"
#include "util/parallel.h"

namespace cpprof {
namespace {

uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}

uint64_t RelativeAddress(const Profile& p, const Location& l) {
  return l.mapping == kNone ? l.address : l.address - p.mappings[l.mapping].start;
}

std::string TypesString(const Profile& p) {
  std::string s = "[";
  for (size_t i = 0; i < p.sample_types.size(); ++i) {
    if (i) s += ' ';
    s += fmt::format("{}/{}", p.str(p.sample_types[i].type), p.str(p.sample_types[i].unit));
  }
  return s + "]";
}

bool IsZero(std::span<const int64_t> values) {
  for (int64_t v : values) {
    if (v != 0) return false;
  }
  return true;
}

// Appends src's samples and tables to out, as they are: strings re-interned,
// indices shifted. Compact then deduplicates, so merging many profiles is
// appending them to the first and compacting once.
void Append(Profile& out, const Profile& src) {
  std::vector<StrId> str(src.strings.size());
  for (StrId id = 0; id < str.size(); ++id) str[id] = out.strings.Intern(src.str(id));
  auto shift = [](uint32_t index, size_t by) { return index == kNone ? kNone : static_cast<uint32_t>(index + by); };
  size_t mappings = out.mappings.size(), functions = out.functions.size(), lines = out.lines.size(),
         locations = out.locations.size(), stacks = out.stacks.size(), labels = out.labels.size();
  for (Mapping m : src.mappings) {
    m.file = str[m.file];
    m.build_id = str[m.build_id];
    out.mappings.push_back(m);
  }
  for (Function f : src.functions) {
    f.name = str[f.name];
    f.system_name = str[f.system_name];
    f.filename = str[f.filename];
    out.functions.push_back(f);
  }
  for (Line l : src.lines) {
    l.function = shift(l.function, functions);
    out.lines.push_back(l);
  }
  for (Location l : src.locations) {
    l.mapping = shift(l.mapping, mappings);
    l.line_begin += static_cast<uint32_t>(lines);
    out.locations.push_back(l);
  }
  for (uint32_t loc : src.stacks) out.stacks.push_back(static_cast<uint32_t>(loc + locations));
  for (Label l : src.labels) {
    l.key = str[l.key];
    l.str = str[l.str];
    l.num_unit = str[l.num_unit];
    out.labels.push_back(l);
  }
  for (Sample s : src.samples) {
    s.stack_begin += static_cast<uint32_t>(stacks);
    s.label_begin += static_cast<uint32_t>(labels);
    out.samples.push_back(s);
  }
  out.values.insert(out.values.end(), src.values.begin(), src.values.end());
}

// pprof's merge keys, compared as values; pprof formats them into strings,
// which took 18 ms for the 100k locations of bench/symbolize.sh.
//
// A mapping's key: its size rounded up to 4 KiB, offset, and build id or
// file.
std::tuple<uint64_t, uint64_t, StrId> MappingKey(const Mapping& m) {
  uint64_t size = m.limit - m.start;
  size = size + 0xfff;
  size -= size % 0x1000;
  return {size, m.offset, m.build_id != 0 ? m.build_id : m.file};
}

uint64_t MappingHash(const Mapping& m) {
  auto [size, offset, name] = MappingKey(m);
  return Mix(Mix(size, offset), name);
}

// A function's key: all of its fields but the id.
std::tuple<int64_t, StrId, StrId, StrId> FunctionKey(const Function& f) {
  return {f.start_line, f.name, f.system_name, f.filename};
}

uint64_t FunctionHash(const Function& f) {
  return Mix(Mix(Mix(static_cast<uint64_t>(f.start_line), f.name), f.system_name), f.filename);
}

// A location's key: its address relative to its mapping, the mapping,
// folding, and each line's function and line number (not the column).
uint64_t LocationHash(const Profile& p, const Location& l) {
  uint64_t h = Mix(Mix(RelativeAddress(p, l), l.mapping), l.is_folded);
  for (const Line& line : p.lines_of(l)) h = Mix(Mix(h, line.function), static_cast<uint64_t>(line.line));
  return h;
}

bool SameLocation(const Profile& p, const Location& a, const Location& b) {
  auto la = p.lines_of(a), lb = p.lines_of(b);
  return RelativeAddress(p, a) == RelativeAddress(p, b) && a.mapping == b.mapping && a.is_folded == b.is_folded &&
         std::equal(la.begin(), la.end(), lb.begin(), lb.end(),
                    [](const Line& x, const Line& y) { return x.function == y.function && x.line == y.line; });
}

// pprof's Merge of one profile, in place: mappings, functions and locations
// deduplicated by pprof's keys and renumbered 1..N in order of first use by a
// sample; samples with equal stacks and labels summed; all-zero samples
// dropped. The sample pools are rewritten where they are, so compacting the
// 1M-sample benchmark profile allocates no second copy of its 31M frames.
class Compactor {
 public:
  explicit Compactor(Profile& p)
      : p_(p),
        old_mappings_(std::move(p.mappings)),
        old_locations_(std::move(p.locations)),
        old_lines_(std::move(p.lines)),
        old_functions_(std::move(p.functions)),
        mapping_of_(old_mappings_.size(), {kNone, 0}),
        location_of_(old_locations_.size(), kNone),
        function_of_(old_functions_.size(), kNone),
        mapping_keys_(old_mappings_.size()),
        function_keys_(old_functions_.size()),
        location_keys_(old_locations_.size()) {
    p.mappings.clear();
    p.locations.clear();
    p.lines.clear();
    p.functions.clear();
    p.locations.reserve(old_locations_.size());
    p.lines.reserve(old_lines_.size());
  }

  void Run() {
    // The first mapping is the main binary's; it stays first.
    if (!old_mappings_.empty()) MapMapping(0);
    size_t n = p_.num_types(), count = p_.samples.size();
    // Locations are renumbered in order of first use. Each range of
    // samples lists the locations it uses first, in parallel; numbering
    // them range by range gives the order of one sequential pass, and the
    // stacks are then rewritten in place, in parallel again, with each
    // sample's hash (on the benchmark's 31M frames: 0.20 s sequential).
    std::vector<uint8_t> zero(count);
    std::vector<std::vector<uint32_t>> first_used(RangeCount(count));
    ForRanges(count, first_used.size(), [&](size_t r, size_t begin, size_t end) {
      std::vector<uint8_t> seen(old_locations_.size());
      for (size_t i = begin; i < end; ++i) {
        zero[i] = IsZero(p_.values_of(i));
        if (zero[i]) continue;
        for (uint32_t loc : p_.stack(p_.samples[i])) {
          if (seen[loc]) continue;
          seen[loc] = 1;
          first_used[r].push_back(loc);
        }
      }
    });
    for (const std::vector<uint32_t>& locations : first_used) {
      for (uint32_t loc : locations) MapLocation(loc);
    }
    Column<uint64_t> hashes(count);
    ForRanges(count, first_used.size(), [&](size_t, size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        hashes[i] = 0;
        if (zero[i]) continue;
        for (uint32_t& loc : p_.stack(p_.samples[i])) loc = location_of_[loc];
        hashes[i] = SampleHash(p_.samples[i]);
      }
    });
    // Equal samples are summed into the first. The slot of a later sample
    // is prefetched, as nearly every lookup misses the cache (16 MB of
    // table on 1M samples).
    constexpr size_t kPrefetchDistance = 16;
    RowSet kept_samples(count);
    size_t kept = 0;
    for (size_t i = 0; i < count; ++i) {
      if (i + kPrefetchDistance < count) kept_samples.Prefetch(hashes[i + kPrefetchDistance]);
      if (zero[i]) continue;
      uint64_t h = hashes[i];
      const Sample s = p_.samples[i];
      uint32_t j = kept_samples.Insert(h, static_cast<uint32_t>(kept), [&](uint32_t other) {
        return hashes[other] == h && SameSample(p_.samples[other], s);
      });
      if (j != kept) {
        for (size_t k = 0; k < n; ++k) p_.values[j * n + k] += p_.values[i * n + k];
        continue;
      }
      hashes[kept] = h;
      p_.samples[kept] = s;
      std::copy_n(p_.values.begin() + static_cast<ptrdiff_t>(i * n), n,
                  p_.values.begin() + static_cast<ptrdiff_t>(kept * n));
      ++kept;
    }
    p_.samples.resize(kept);
    p_.values.resize(kept * n);
  }

 private:
  struct MappingRef {
    uint32_t index;
    int64_t offset;  // added to addresses of the old mapping
  };

  // Each table's rows are appended, then dropped again when an equal one
  // was kept before.
  MappingRef MapMapping(uint32_t old_index) {
    if (old_index == kNone) return {kNone, 0};
    MappingRef& ref = mapping_of_[old_index];
    if (ref.index != kNone) return ref;
    const Mapping& m = old_mappings_[old_index];
    auto row = static_cast<uint32_t>(p_.mappings.size());
    p_.mappings.push_back(m);
    p_.mappings.back().id = row + 1;
    uint32_t kept = mapping_keys_.Insert(MappingHash(m), row,
                                         [&](uint32_t j) { return MappingKey(p_.mappings[j]) == MappingKey(m); });
    if (kept != row) p_.mappings.pop_back();
    ref = {kept, static_cast<int64_t>(p_.mappings[kept].start) - static_cast<int64_t>(m.start)};
    return ref;
  }

  uint32_t MapFunction(uint32_t old_index) {
    uint32_t& out = function_of_[old_index];
    if (out != kNone) return out;
    const Function& f = old_functions_[old_index];
    auto row = static_cast<uint32_t>(p_.functions.size());
    p_.functions.push_back(f);
    p_.functions.back().id = row + 1;
    out = function_keys_.Insert(FunctionHash(f), row,
                                [&](uint32_t j) { return FunctionKey(p_.functions[j]) == FunctionKey(f); });
    if (out != row) p_.functions.pop_back();
    return out;
  }

  uint32_t MapLocation(uint32_t old_index) {
    uint32_t& out = location_of_[old_index];
    if (out != kNone) return out;
    const Location& l = old_locations_[old_index];
    MappingRef mi = MapMapping(l.mapping);
    Location copy;
    copy.id = p_.locations.size() + 1;
    copy.mapping = mi.index;
    copy.address = static_cast<uint64_t>(static_cast<int64_t>(l.address) + mi.offset);
    copy.is_folded = l.is_folded;
    copy.line_begin = static_cast<uint32_t>(p_.lines.size());
    copy.line_count = l.line_count;
    for (uint32_t i = 0; i < l.line_count; ++i) {
      Line mapped = old_lines_[l.line_begin + i];
      mapped.function = MapFunction(mapped.function);
      p_.lines.push_back(mapped);
    }
    auto row = static_cast<uint32_t>(p_.locations.size());
    p_.locations.push_back(copy);
    out = location_keys_.Insert(LocationHash(p_, copy), row,
                                [&](uint32_t j) { return SameLocation(p_, p_.locations[j], copy); });
    if (out != row) {
      p_.locations.pop_back();
      p_.lines.resize(copy.line_begin);
    }
    return out;
  }

  bool SameSample(const Sample& a, const Sample& b) const {
    if (a.stack_size != b.stack_size || a.label_count != b.label_count) return false;
    auto sa = p_.stack(a), sb = p_.stack(b);
    if (!std::equal(sa.begin(), sa.end(), sb.begin())) return false;
    auto la = p_.labels_of(a), lb = p_.labels_of(b);
    for (size_t i = 0; i < la.size(); ++i) {
      if (la[i].key != lb[i].key || la[i].str != lb[i].str || la[i].num != lb[i].num ||
          la[i].num_unit != lb[i].num_unit) {
        return false;
      }
    }
    return true;
  }

  uint64_t SampleHash(const Sample& s) const {
    uint64_t h = s.stack_size;
    for (uint32_t loc : p_.stack(s)) h = Mix(h, loc);
    for (const Label& l : p_.labels_of(s)) {
      h = Mix(Mix(Mix(Mix(h, l.key), l.str), static_cast<uint64_t>(l.num)), l.num_unit);
    }
    return h;
  }

  Profile& p_;
  std::vector<Mapping> old_mappings_;
  Column<Location> old_locations_;
  Column<Line> old_lines_;
  Column<Function> old_functions_;
  std::vector<MappingRef> mapping_of_;
  std::vector<uint32_t> location_of_;
  std::vector<uint32_t> function_of_;
  RowSet mapping_keys_, function_keys_, location_keys_;
};

// The header fields pprof combines across merged profiles; the others are
// the first profile's.
struct CombinedHeaders {
  int64_t time = 0, duration = 0, period = 0;
  std::vector<std::string> comments;  // first occurrences, in order
  std::string default_type;           // the first one set

  explicit CombinedHeaders(const std::vector<Profile>& srcs) {
    std::unordered_map<std::string_view, bool> seen;
    for (const Profile& src : srcs) {
      if (time == 0 || src.time_nanos < time) time = src.time_nanos;
      duration += src.duration_nanos;
      if (period == 0 || period < src.period) period = src.period;
      for (StrId c : src.comments) {
        if (seen.emplace(src.str(c), true).second) comments.emplace_back(src.str(c));
      }
      if (default_type.empty()) default_type = src.str(src.default_sample_type);
    }
  }

  void ApplyTo(Profile& out) const {
    out.time_nanos = time;
    out.duration_nanos = duration;
    out.period = period;
    out.comments.clear();
    for (const std::string& c : comments) out.comments.push_back(out.strings.Intern(c));
    out.default_sample_type = out.strings.Intern(default_type);
  }
};

}  // namespace

Status Compatible(const Profile& a, const Profile& b) {
  auto same = [&](const ValueType& x, const ValueType& y) {
    return a.str(x.type) == b.str(y.type) && a.str(x.unit) == b.str(y.unit);
  };
  if (!same(a.period_type, b.period_type)) {
    return Status::Error(fmt::format("incompatible period types {}/{} and {}/{}", a.str(a.period_type.type),
                                     a.str(a.period_type.unit), b.str(b.period_type.type), b.str(b.period_type.unit)));
  }
  bool ok = a.sample_types.size() == b.sample_types.size();
  for (size_t i = 0; ok && i < a.sample_types.size(); ++i) ok = same(a.sample_types[i], b.sample_types[i]);
  if (!ok) return Status::Error(fmt::format("incompatible sample types {} and {}", TypesString(a), TypesString(b)));
  return Status();
}

void Compact(Profile& p) {
  Compactor(p).Run();
  // Samples that cancelled out (e.g. against a -base) are dropped by
  // compacting again, as pprof merges again.
  for (size_t i = 0; i < p.samples.size(); ++i) {
    if (IsZero(p.values_of(i))) {
      Compactor(p).Run();
      return;
    }
  }
}

bool CompactKeepsMappings(const Profile& p) {
  std::vector<std::tuple<uint64_t, uint64_t, StrId>> keys;
  for (const Mapping& m : p.mappings) keys.push_back(MappingKey(m));
  std::sort(keys.begin(), keys.end());
  if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) return false;
  // Compact numbers mappings in order of first use, the first one first.
  size_t seen = 1;
  for (size_t i = 0; i < p.samples.size() && seen < p.mappings.size(); ++i) {
    if (IsZero(p.values_of(i))) continue;
    for (uint32_t loc : p.stack(p.samples[i])) {
      uint32_t m = p.locations[loc].mapping;
      if (m == kNone || m < seen) continue;
      if (m != seen) return false;
      ++seen;
    }
  }
  return seen >= p.mappings.size();
}

Result<Profile> Merge(std::vector<Profile> profiles) {
  if (profiles.empty()) return Status::Error("no profiles to merge");
  for (size_t i = 1; i < profiles.size(); ++i) {
    if (Status s = Compatible(profiles[0], profiles[i]); !s.ok()) return s;
  }
  CombinedHeaders headers(profiles);
  Profile out = std::move(profiles[0]);
  headers.ApplyTo(out);
  for (size_t i = 1; i < profiles.size(); ++i) {
    Append(out, profiles[i]);
    profiles[i] = Profile();
  }
  Compact(out);
  return out;
}

void ScaleValues(Profile& p, std::span<const double> ratios) {
  bool all_ones = true;
  for (double r : ratios) all_ones &= r == 1;
  if (all_ones) return;
  size_t n = p.num_types();
  p.RetainSamples([&](size_t i) {
    bool keep = false;
    for (size_t k = 0; k < n; ++k) {
      if (ratios[k] == 1) continue;
      int64_t& v = p.values[i * n + k];
      v = static_cast<int64_t>(std::round(static_cast<double>(v) * ratios[k]));
      keep = keep || v != 0;
    }
    return keep;
  });
}

Status Normalize(Profile& p, const Profile& base) {
  if (Status s = Compatible(p, base); !s.ok()) return s;
  size_t n = p.num_types();
  std::vector<int64_t> base_sum(n), src_sum(n);
  for (size_t i = 0; i < base.values.size(); ++i) base_sum[i % n] += base.values[i];
  for (size_t i = 0; i < p.values.size(); ++i) src_sum[i % n] += p.values[i];
  std::vector<double> ratios(n);
  for (size_t k = 0; k < n; ++k) {
    ratios[k] = src_sum[k] == 0 ? 0.0 : static_cast<double>(base_sum[k]) / static_cast<double>(src_sum[k]);
  }
  ScaleValues(p, ratios);
  return Status();
}

namespace {

// pprof's CommonValueType: the finest unit among compatible types (types
// equal but for a trailing "s"), or nothing when there is one type or none.
Result<std::optional<std::string>> CommonUnit(const std::vector<std::pair<std::string, std::string>>& types) {
  if (types.size() <= 1) return std::optional<std::string>();
  auto trim = [](std::string_view s) { return s.ends_with('s') ? s.substr(0, s.size() - 1) : s; };
  size_t min = 0;
  for (size_t i = 1; i < types.size(); ++i) {
    const auto& [t1, u1] = types[min];
    const auto& [t2, u2] = types[i];
    if (trim(t1) != trim(t2) || (u1 != u2 && !SameUnitFamily(u1, u2))) {
      return Status::Error(fmt::format("incompatible types: {{{} {}}} {{{} {}}}", t1, u1, t2, u2));
    }
    if (ScaleValue(1, u2, u1).first < 1) min = i;
  }
  return std::optional<std::string>(types[min].second);
}

}  // namespace

Status ScaleToCommonUnits(std::span<Profile* const> profiles) {
  if (profiles.empty()) return Status();
  std::vector<std::pair<std::string, std::string>> period_types;
  for (Profile* p : profiles) {
    period_types.emplace_back(p->str(p->period_type.type), p->str(p->period_type.unit));
  }
  auto period_unit = CommonUnit(period_types);
  if (!period_unit.ok()) return period_unit.status().WithContext("period type");
  size_t n = profiles[0]->num_types();
  for (Profile* p : profiles) {
    if (p->num_types() != n) {
      return Status::Error(fmt::format("inconsistent samples type count: {} != {}", n, p->num_types()));
    }
  }
  std::vector<std::optional<std::string>> units(n);
  for (size_t k = 0; k < n; ++k) {
    std::vector<std::pair<std::string, std::string>> types;
    for (Profile* p : profiles) {
      types.emplace_back(p->str(p->sample_types[k].type), p->str(p->sample_types[k].unit));
    }
    auto unit = CommonUnit(types);
    if (!unit.ok()) return unit.status().WithContext("sample types");
    units[k] = *unit;
  }
  for (Profile* p : profiles) {
    if (period_unit->has_value()) {
      p->period = static_cast<int64_t>(ScaleValue(p->period, p->str(p->period_type.unit), **period_unit).first);
      p->period_type.unit = p->strings.Intern(**period_unit);
    }
    std::vector<double> ratios(n, 1.0);
    for (size_t k = 0; k < n; ++k) {
      if (!units[k]) continue;
      ratios[k] = ScaleValue(1, p->str(p->sample_types[k].unit), *units[k]).first;
      p->sample_types[k].unit = p->strings.Intern(*units[k]);
    }
    ScaleValues(*p, ratios);
  }
  return Status();
}

namespace {

// Rewrites each sample's labels through edit(sample labels) -> new labels.
template <typename Edit>
void RewriteLabels(Profile& p, Edit edit) {
  Column<Label> pool;
  pool.reserve(p.labels.size());
  std::vector<Label> current;
  for (Sample& s : p.samples) {
    auto labels = p.labels_of(s);
    current.assign(labels.begin(), labels.end());
    edit(current);
    s.label_begin = static_cast<uint32_t>(pool.size());
    s.label_count = static_cast<uint32_t>(current.size());
    pool.insert(pool.end(), current.begin(), current.end());
  }
  p.labels = std::move(pool);
}

}  // namespace

void SetLabel(Profile& p, std::string_view key, std::string_view value) {
  StrId k = p.strings.Intern(key), v = p.strings.Intern(value);
  RewriteLabels(p, [&](std::vector<Label>& labels) {
    std::erase_if(labels, [&](const Label& l) { return l.is_string() && l.key == k; });
    auto pos = labels.begin();
    while (pos != labels.end() && pos->is_string() && p.str(pos->key) < key) ++pos;
    labels.insert(pos, Label{k, v, 0, 0});
  });
}

void RemoveLabel(Profile& p, std::string_view key) {
  StrId k = p.strings.Intern(key);
  RewriteLabels(p, [&](std::vector<Label>& labels) {
    std::erase_if(labels, [&](const Label& l) { return l.is_string() && l.key == k; });
  });
}

}  // namespace cpprof
