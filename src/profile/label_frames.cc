// -tagroot / -tagleaf pseudo-frames (pprof's internal/driver/tagroot.go): each
// listed label key becomes a frame named after the sample's values for it, with
// the key as its file name.

#include "profile/label_frames.h"

#include <fmt/format.h>

#include <map>

#include "profile/units.h"

namespace cpprof {
namespace {

std::string LabelValues(const Profile& p, const Sample& s, std::string_view key, std::string_view output_unit) {
  std::vector<std::string> values;
  auto labels = p.labels_of(s);
  bool has_units = false;
  for (const Label& l : labels) has_units |= !l.is_string() && p.str(l.key) == key && l.num_unit != 0;
  for (const Label& l : labels) {
    if (p.str(l.key) != key) continue;
    if (l.is_string()) {
      values.emplace_back(p.str(l.str));
    } else if (has_units) {
      values.push_back(ScaledLabel(l.num, p.str(l.num_unit), output_unit));
    } else {
      values.push_back(ScaledLabel(l.num, "", ""));
    }
  }
  return fmt::format("{}", fmt::join(values, ","));
}

bool HasKey(const Profile& p, const Sample& s, std::string_view key) {
  for (const Label& l : p.labels_of(s)) {
    if (p.str(l.key) == key) return true;
  }
  return false;
}

}  // namespace

std::pair<bool, bool> AddLabelFrames(Profile& p, const std::vector<std::string>& root_keys,
                                     const std::vector<std::string>& leaf_keys, std::string_view output_unit) {
  if (root_keys.empty() && leaf_keys.empty()) return {false, false};
  uint64_t next_location = 1, next_function = 1;
  for (const Location& l : p.locations) next_location = std::max(next_location, l.id + 1);
  for (const Function& f : p.functions) next_function = std::max(next_function, f.id + 1);
  std::map<std::pair<std::string, std::string>, uint32_t> interned;
  auto intern = [&](const std::string& name, const std::string& file) {
    auto [it, inserted] = interned.emplace(std::make_pair(name, file), 0);
    if (inserted) {
      p.functions.push_back(Function{next_function++, p.strings.Intern(name), 0, p.strings.Intern(file), 0});
      Location loc;
      loc.id = next_location++;
      loc.line_begin = static_cast<uint32_t>(p.lines.size());
      loc.line_count = 1;
      p.lines.push_back(Line{static_cast<uint32_t>(p.functions.size() - 1), 0, 0});
      it->second = static_cast<uint32_t>(p.locations.size());
      p.locations.push_back(loc);
    }
    return it->second;
  };
  // Keys are applied last-first, so the first key ends up outermost.
  auto frames = [&](const Sample& s, const std::vector<std::string>& keys, bool& matched) {
    std::vector<uint32_t> locs;
    for (size_t i = keys.size(); i-- > 0;) {
      std::string values = LabelValues(p, s, keys[i], output_unit);
      matched |= HasKey(p, s, keys[i]);
      locs.push_back(intern(values, keys[i]));
    }
    return locs;
  };
  bool root_matched = false, leaf_matched = false;
  Column<uint32_t> stacks;
  stacks.reserve(p.stacks.size());
  for (Sample& s : p.samples) {
    std::vector<uint32_t> roots = frames(s, root_keys, root_matched);
    std::vector<uint32_t> leaves = frames(s, leaf_keys, leaf_matched);
    uint32_t begin = static_cast<uint32_t>(stacks.size());
    stacks.insert(stacks.end(), leaves.begin(), leaves.end());
    auto stack = p.stack(s);
    stacks.insert(stacks.end(), stack.begin(), stack.end());
    stacks.insert(stacks.end(), roots.begin(), roots.end());
    s.stack_begin = begin;
    s.stack_size = static_cast<uint32_t>(stacks.size() - begin);
  }
  p.stacks = std::move(stacks);
  return {root_matched, leaf_matched};
}

}  // namespace cpprof
