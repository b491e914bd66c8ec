#include "profile/merge.h"

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <unordered_map>

#include "profile/units.h"

namespace cpprof {
namespace {

uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}

std::string TypesString(const Profile& p) {
  std::string s = "[";
  for (size_t i = 0; i < p.sample_types.size(); ++i) {
    if (i) s += ' ';
    s += fmt::format("{}/{}", p.str(p.sample_types[i].type), p.str(p.sample_types[i].unit));
  }
  return s + "]";
}

class Merger {
 public:
  explicit Merger(Profile& out) : out_(out) {}

  void Add(const Profile& src) {
    src_ = &src;
    strings_.assign(src.strings.size(), kNone);
    mapping_of_.assign(src.mappings.size(), {kNone, 0});
    location_of_.assign(src.locations.size(), kNone);
    function_of_.assign(src.functions.size(), kNone);
    if (out_.mappings.empty() && !src.mappings.empty()) MapMapping(0);
    out_.stacks.reserve(out_.stacks.size() + src.stacks.size());
    out_.labels.reserve(out_.labels.size() + src.labels.size());
    out_.samples.reserve(out_.samples.size() + src.samples.size());
    out_.values.reserve(out_.values.size() + src.values.size());
    hashes_.reserve(hashes_.size() + src.samples.size());
    size_t n = src.num_types();
    for (size_t i = 0; i < src.samples.size(); ++i) {
      bool zero = true;
      for (int64_t v : src.values_of(i)) zero &= v == 0;
      if (!zero) MapSample(src.samples[i], src.values.data() + i * n);
    }
  }

 private:
  StrId S(StrId id) {
    StrId& out = strings_[id];
    if (out == kNone) out = out_.strings.Intern(src_->str(id));
    return out;
  }

  struct MappingRef {
    uint32_t index;
    int64_t offset;  // added to addresses of the source mapping
  };

  MappingRef MapMapping(uint32_t src_index) {
    if (src_index == kNone) return {kNone, 0};
    MappingRef& ref = mapping_of_[src_index];
    if (ref.index != kNone) return ref;
    const Mapping& m = src_->mappings[src_index];
    // pprof's key: size rounded up to 4 KiB, offset, and build id or file.
    uint64_t size = m.limit - m.start;
    size = size + 0xfff;
    size -= size % 0x1000;
    std::string_view id = src_->str(m.build_id).empty() ? src_->str(m.file) : src_->str(m.build_id);
    std::string key = fmt::format("{:x}|{:x}|{}", size, m.offset, id);
    auto it = mapping_keys_.find(key);
    if (it != mapping_keys_.end()) {
      ref = {it->second, static_cast<int64_t>(out_.mappings[it->second].start) - static_cast<int64_t>(m.start)};
      return ref;
    }
    Mapping copy = m;
    copy.id = out_.mappings.size() + 1;
    copy.file = S(m.file);
    copy.build_id = S(m.build_id);
    uint32_t index = static_cast<uint32_t>(out_.mappings.size());
    out_.mappings.push_back(copy);
    mapping_keys_.emplace(std::move(key), index);
    ref = {index, 0};
    return ref;
  }

  uint32_t MapFunction(uint32_t src_index) {
    uint32_t& out = function_of_[src_index];
    if (out != kNone) return out;
    const Function& f = src_->functions[src_index];
    Function copy{out_.functions.size() + 1, S(f.name), S(f.system_name), S(f.filename), f.start_line};
    std::string key = fmt::format("{}|{}|{}|{}", copy.start_line, copy.name, copy.system_name, copy.filename);
    auto [it, inserted] = function_keys_.emplace(std::move(key), static_cast<uint32_t>(out_.functions.size()));
    if (inserted) out_.functions.push_back(copy);
    out = it->second;
    return out;
  }

  uint32_t MapLocation(uint32_t src_index) {
    uint32_t& out = location_of_[src_index];
    if (out != kNone) return out;
    const Location& l = src_->locations[src_index];
    MappingRef mi = MapMapping(l.mapping);
    Location copy;
    copy.id = out_.locations.size() + 1;
    copy.mapping = mi.index;
    copy.address = static_cast<uint64_t>(static_cast<int64_t>(l.address) + mi.offset);
    copy.is_folded = l.is_folded;
    copy.line_begin = static_cast<uint32_t>(out_.lines.size());
    copy.line_count = l.line_count;
    // pprof's key: address relative to the mapping, mapping, lines, folding.
    uint64_t rel = copy.address;
    if (mi.index != kNone) rel -= out_.mappings[mi.index].start;
    std::string key = fmt::format("{:x}|{}|{}", rel, mi.index, copy.is_folded ? 1 : 0);
    for (const Line& ln : src_->lines_of(l)) {
      Line mapped = ln;
      mapped.function = MapFunction(ln.function);
      out_.lines.push_back(mapped);
      key += fmt::format("|{:x}:{:x}", mapped.function, mapped.line);
    }
    auto [it, inserted] = location_keys_.emplace(std::move(key), static_cast<uint32_t>(out_.locations.size()));
    if (inserted) {
      out_.locations.push_back(copy);
    } else {
      out_.lines.resize(copy.line_begin);
    }
    out = it->second;
    return out;
  }

  void MapSample(const Sample& s, const int64_t* values) {
    Sample copy;
    copy.stack_begin = static_cast<uint32_t>(out_.stacks.size());
    copy.stack_size = s.stack_size;
    copy.label_begin = static_cast<uint32_t>(out_.labels.size());
    copy.label_count = s.label_count;
    uint64_t h = s.stack_size;
    for (uint32_t loc : src_->stack(s)) {
      uint32_t mapped = MapLocation(loc);
      out_.stacks.push_back(mapped);
      h = Mix(h, mapped);
    }
    for (const Label& l : src_->labels_of(s)) {
      Label mapped{S(l.key), S(l.str), l.num, S(l.num_unit)};
      out_.labels.push_back(mapped);
      h = Mix(Mix(Mix(Mix(h, mapped.key), mapped.str), static_cast<uint64_t>(mapped.num)), mapped.num_unit);
    }
    size_t n = out_.num_types();
    uint32_t existing = FindSample(h, copy);
    if (existing != kNone) {
      out_.stacks.resize(copy.stack_begin);
      out_.labels.resize(copy.label_begin);
      for (size_t k = 0; k < n; ++k) out_.values[existing * n + k] += values[k];
      return;
    }
    InsertSample(h, static_cast<uint32_t>(out_.samples.size()));
    out_.samples.push_back(copy);
    out_.values.insert(out_.values.end(), values, values + n);
  }

  bool SameSample(const Sample& a, const Sample& b) const {
    if (a.stack_size != b.stack_size || a.label_count != b.label_count) return false;
    auto sa = out_.stack(a), sb = out_.stack(b);
    if (!std::equal(sa.begin(), sa.end(), sb.begin())) return false;
    auto la = out_.labels_of(a), lb = out_.labels_of(b);
    for (size_t i = 0; i < la.size(); ++i) {
      if (la[i].key != lb[i].key || la[i].str != lb[i].str || la[i].num != lb[i].num ||
          la[i].num_unit != lb[i].num_unit) {
        return false;
      }
    }
    return true;
  }

  // Open addressing over sample indices; the table is kept at most half full.
  uint32_t FindSample(uint64_t h, const Sample& s) const {
    if (table_.empty()) return kNone;
    size_t mask = table_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      uint32_t idx = table_[i];
      if (idx == kNone) return kNone;
      if (hashes_[idx] == h && SameSample(out_.samples[idx], s)) return idx;
    }
  }

  void InsertSample(uint64_t h, uint32_t idx) {
    hashes_.push_back(h);
    if ((hashes_.size()) * 2 > table_.size()) {
      size_t size = table_.empty() ? 1024 : table_.size() * 2;
      table_.assign(size, kNone);
      for (uint32_t i = 0; i < idx; ++i) Place(hashes_[i], i);
    }
    Place(h, idx);
  }

  void Place(uint64_t h, uint32_t idx) {
    size_t mask = table_.size() - 1;
    size_t i = h & mask;
    while (table_[i] != kNone) i = (i + 1) & mask;
    table_[i] = idx;
  }

  Profile& out_;
  const Profile* src_ = nullptr;
  std::vector<StrId> strings_;
  std::vector<MappingRef> mapping_of_;
  std::vector<uint32_t> location_of_;
  std::vector<uint32_t> function_of_;
  std::unordered_map<std::string, uint32_t> mapping_keys_, function_keys_, location_keys_;
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> table_;
};

Status CombineHeaders(std::span<const Profile* const> srcs, Profile& out) {
  for (size_t i = 1; i < srcs.size(); ++i) {
    if (Status s = Compatible(*srcs[0], *srcs[i]); !s.ok()) return s;
  }
  const Profile& first = *srcs[0];
  auto S = [&](const Profile& p, StrId id) { return out.strings.Intern(p.str(id)); };
  int64_t time = 0, duration = 0, period = 0;
  std::unordered_map<std::string_view, bool> seen;
  std::string_view default_type;
  for (const Profile* src : srcs) {
    if (time == 0 || src->time_nanos < time) time = src->time_nanos;
    duration += src->duration_nanos;
    if (period == 0 || period < src->period) period = src->period;
    for (StrId c : src->comments) {
      if (seen.emplace(src->str(c), true).second) out.comments.push_back(S(*src, c));
    }
    if (default_type.empty()) default_type = src->str(src->default_sample_type);
  }
  for (const ValueType& vt : first.sample_types) out.sample_types.push_back({S(first, vt.type), S(first, vt.unit)});
  out.drop_frames = S(first, first.drop_frames);
  out.keep_frames = S(first, first.keep_frames);
  out.time_nanos = time;
  out.duration_nanos = duration;
  out.period_type = {S(first, first.period_type.type), S(first, first.period_type.unit)};
  out.period = period;
  out.default_sample_type = out.strings.Intern(default_type);
  out.doc_url = S(first, first.doc_url);
  return Status();
}

}  // namespace

Status Compatible(const Profile& a, const Profile& b) {
  auto same = [&](const ValueType& x, const ValueType& y) {
    return a.str(x.type) == b.str(y.type) && a.str(x.unit) == b.str(y.unit);
  };
  if (!same(a.period_type, b.period_type)) {
    return Status::Error(fmt::format("incompatible period types {}/{} and {}/{}", a.str(a.period_type.type),
                                     a.str(a.period_type.unit), b.str(b.period_type.type),
                                     b.str(b.period_type.unit)));
  }
  bool ok = a.sample_types.size() == b.sample_types.size();
  for (size_t i = 0; ok && i < a.sample_types.size(); ++i) ok = same(a.sample_types[i], b.sample_types[i]);
  if (!ok) return Status::Error(fmt::format("incompatible sample types {} and {}", TypesString(a), TypesString(b)));
  return Status();
}

Result<Profile> Merge(std::span<const Profile* const> profiles) {
  if (profiles.empty()) return Status::Error("no profiles to merge");
  Profile out;
  if (Status s = CombineHeaders(profiles, out); !s.ok()) return s;
  {
    Merger merger(out);
    for (const Profile* p : profiles) merger.Add(*p);
  }
  // Samples that cancelled out (e.g. against a -base) are dropped by merging again.
  size_t n = out.num_types();
  for (size_t i = 0; i < out.samples.size(); ++i) {
    bool zero = true;
    for (size_t k = 0; k < n; ++k) zero &= out.values[i * n + k] == 0;
    if (zero) {
      const Profile* self[] = {&out};
      return Merge(self);
    }
  }
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
  std::vector<Label> pool;
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
