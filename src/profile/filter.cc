#include "profile/filter.h"

#include <re2/re2.h>

#include <memory>
#include <unordered_map>

#include "profile/codec.h"

namespace cpprof {
namespace {

// Caches a regexp's verdict per interned string: a million-sample profile has
// tens of thousands of names, and each is matched once.
class StringMatcher {
 public:
  StringMatcher(const Profile& p, const re2::RE2* re) : p_(p), re_(re), cache_(re ? p.strings.size() : 0, -1) {}
  bool operator()(StrId id) {
    int8_t& c = cache_[id];
    if (c < 0) c = RE2::PartialMatch(p_.str(id), *re_) ? 1 : 0;
    return c == 1;
  }
  explicit operator bool() const { return re_ != nullptr; }

 private:
  const Profile& p_;
  const re2::RE2* re_;
  std::vector<int8_t> cache_;
};

bool LineMatches(const Profile& p, const Line& ln, StringMatcher& m) {
  const Function& f = p.functions[ln.function];
  return m(f.name) || m(f.filename);
}

bool MappingMatches(const Profile& p, const Location& l, StringMatcher& m) {
  return l.mapping != kNone && m(p.mappings[l.mapping].file);
}

bool LocationMatches(const Profile& p, const Location& l, StringMatcher& m) {
  for (const Line& ln : p.lines_of(l)) {
    if (LineMatches(p, ln, m)) return true;
  }
  return MappingMatches(p, l, m);
}

// Keeps the lines of l for which keep(line) holds, in place.
template <typename Keep>
void RetainLines(Profile& p, Location& l, Keep keep) {
  uint32_t out = l.line_begin;
  for (uint32_t i = l.line_begin; i < l.line_begin + l.line_count; ++i) {
    if (keep(p.lines[i])) p.lines[out++] = p.lines[i];
  }
  l.line_count = out - l.line_begin;
}

// Keeps the stack entries of s for which keep(location) holds, in place.
template <typename Keep>
void RetainStack(Profile& p, Sample& s, Keep keep) {
  uint32_t out = s.stack_begin;
  for (uint32_t i = s.stack_begin; i < s.stack_begin + s.stack_size; ++i) {
    if (keep(p.stacks[i])) p.stacks[out++] = p.stacks[i];
  }
  s.stack_size = out - s.stack_begin;
}

}  // namespace

NameFilterMatches FilterSamplesByName(Profile& p, const re2::RE2* focus, const re2::RE2* ignore, const re2::RE2* hide,
                                      const re2::RE2* show) {
  NameFilterMatches m;
  if (focus == nullptr && ignore == nullptr && hide == nullptr && show == nullptr) {
    // Every location is focused, so a sample stays if it has a frame: the
    // same outcome without reading the 31M frames of a big profile.
    m.focus = !p.locations.empty();
    p.RetainSamples([&](size_t i) { return p.samples[i].stack_size != 0; });
    return m;
  }
  StringMatcher focus_m(p, focus), ignore_m(p, ignore), hide_m(p, hide), show_m(p, show);
  // Per location: -1 unmarked, 0 ignored, 1 focused.
  std::vector<int8_t> focus_or_ignore(p.locations.size(), -1);
  std::vector<bool> hidden(p.locations.size(), false);
  bool any_hidden = false;
  for (size_t i = 0; i < p.locations.size(); ++i) {
    Location& l = p.locations[i];
    if (ignore_m && LocationMatches(p, l, ignore_m)) {
      m.ignore = true;
      focus_or_ignore[i] = 0;
    } else if (!focus_m || LocationMatches(p, l, focus_m)) {
      m.focus = true;
      focus_or_ignore[i] = 1;
    }
    if (hide_m && LocationMatches(p, l, hide_m)) {
      m.hide = true;
      if (MappingMatches(p, l, hide_m)) {
        l.line_count = 0;
      } else {
        RetainLines(p, l, [&](const Line& ln) { return !LineMatches(p, ln, hide_m); });
      }
      if (l.line_count == 0) hidden[i] = any_hidden = true;
    }
    if (show_m) {
      if (!MappingMatches(p, l, show_m)) {
        RetainLines(p, l, [&](const Line& ln) { return LineMatches(p, ln, show_m); });
      }
      if (l.line_count == 0) {
        hidden[i] = any_hidden = true;
      } else {
        m.show = true;
      }
    }
  }
  p.RetainSamples([&](size_t i) {
    Sample& s = p.samples[i];
    bool focused = false;
    for (uint32_t loc : p.stack(s)) {
      int8_t v = focus_or_ignore[loc];
      if (v == 0) return false;
      focused |= v == 1;
    }
    if (!focused) return false;
    if (any_hidden) {
      RetainStack(p, s, [&](uint32_t loc) { return !hidden[loc]; });
      if (s.stack_size == 0) return false;
    }
    return true;
  });
  return m;
}

bool ShowFrom(Profile& p, const re2::RE2& show_from) {
  StringMatcher m(p, &show_from);
  std::vector<bool> marked(p.locations.size(), false);
  bool matched = false;
  for (size_t i = 0; i < p.locations.size(); ++i) {
    Location& l = p.locations[i];
    if (MappingMatches(p, l, m)) {
      marked[i] = matched = true;
      continue;
    }
    auto lines = p.lines_of(l);
    for (size_t j = lines.size(); j-- > 0;) {
      if (LineMatches(p, lines[j], m)) {
        l.line_count = static_cast<uint32_t>(j + 1);
        marked[i] = matched = true;
        break;
      }
    }
  }
  p.RetainSamples([&](size_t i) {
    Sample& s = p.samples[i];
    auto stack = p.stack(s);
    for (size_t j = stack.size(); j-- > 0;) {
      if (marked[stack[j]]) {
        s.stack_size = static_cast<uint32_t>(j + 1);
        return true;
      }
    }
    return false;
  });
  return matched;
}

std::pair<bool, bool> FilterSamplesByTag(Profile& p, const SampleMatcher& focus, const SampleMatcher& ignore) {
  bool fm = false, im = false;
  p.RetainSamples([&](size_t i) {
    const Sample& s = p.samples[i];
    bool focused = !focus || focus(p, s);
    bool ignored = ignore && ignore(p, s);
    fm |= focused;
    im |= ignored;
    return focused && !ignored;
  });
  return {fm, im};
}

std::pair<bool, bool> FilterTagsByName(Profile& p, const re2::RE2* show, const re2::RE2* hide) {
  bool sm = false, hm = false;
  StringMatcher show_m(p, show), hide_m(p, hide);
  std::vector<int8_t> remove(p.strings.size(), -1);
  auto removed = [&](StrId key) {
    int8_t& r = remove[key];
    if (r < 0) {
      bool match_show = !show_m || show_m(key);
      bool match_hide = hide_m && hide_m(key);
      r = (!match_show || match_hide) ? 1 : 0;
    }
    return r == 1;
  };
  for (Sample& s : p.samples) {
    uint32_t out = s.label_begin;
    for (uint32_t i = s.label_begin; i < s.label_begin + s.label_count; ++i) {
      StrId key = p.labels[i].key;
      // pprof decides per sample and key, so the flags follow that order.
      bool match_show = !show_m || show_m(key);
      bool match_hide = hide_m && hide_m(key);
      sm |= match_show;
      hm |= match_hide;
      if (!removed(key)) p.labels[out++] = p.labels[i];
    }
    s.label_count = out - s.label_begin;
  }
  return {sm, hm};
}

namespace {

// pprof's simplifyFunc: drops a leading '.' and everything from the first '('
// that does not start "(anonymous namespace)" or "operator()".
std::string_view SimplifyFunc(std::string_view name) {
  if (name.starts_with('.')) name.remove_prefix(1);
  static constexpr std::string_view kReserved[] = {"(anonymous namespace)", "operator()"};
  size_t i = 0;
  while (i < name.size()) {
    bool reserved = false;
    for (std::string_view r : kReserved) {
      if (name.substr(i).starts_with(r)) {
        i += r.size();
        reserved = true;
        break;
      }
    }
    if (reserved) continue;
    if (name[i] == '(') return name.substr(0, i);
    ++i;
  }
  return name;
}

}  // namespace

void Prune(Profile& p, const re2::RE2& drop, const re2::RE2* keep) {
  std::vector<bool> prune(p.locations.size(), false), beneath(p.locations.size(), false);
  for (size_t li = 0; li < p.locations.size(); ++li) {
    Location& l = p.locations[li];
    auto lines = p.lines_of(l);
    int i;
    for (i = static_cast<int>(lines.size()) - 1; i >= 0; --i) {
      const Function& f = p.functions[lines[i].function];
      if (f.name == 0) continue;
      std::string_view name = SimplifyFunc(p.str(f.name));
      if (RE2::PartialMatch(name, drop) && (keep == nullptr || !RE2::PartialMatch(name, *keep))) break;
    }
    if (i >= 0) {
      beneath[li] = true;
      if (i == static_cast<int>(lines.size()) - 1) {
        prune[li] = true;
      } else {
        l.line_begin += static_cast<uint32_t>(i + 1);
        l.line_count -= static_cast<uint32_t>(i + 1);
      }
    }
  }
  for (Sample& s : p.samples) {
    bool found_user = false;
    auto stack = p.stack(s);
    for (size_t i = stack.size(); i-- > 0;) {
      uint32_t id = stack[i];
      if (!prune[id] && !beneath[id]) {
        found_user = true;
        continue;
      }
      if (!found_user) continue;
      uint32_t keep_from = prune[id] ? static_cast<uint32_t>(i + 1) : static_cast<uint32_t>(i);
      s.stack_begin += keep_from;
      s.stack_size -= keep_from;
      break;
    }
  }
}

Status RemoveUninteresting(Profile& p) {
  if (p.drop_frames == 0) return Status();
  re2::RE2 drop("^(" + std::string(p.str(p.drop_frames)) + ")$");
  if (!drop.ok()) {
    return Status::Error("failed to compile regexp " + std::string(p.str(p.drop_frames)) + ": " + drop.error());
  }
  std::unique_ptr<re2::RE2> keep;
  if (p.keep_frames != 0) {
    keep = std::make_unique<re2::RE2>("^(" + std::string(p.str(p.keep_frames)) + ")$");
    if (!keep->ok()) {
      return Status::Error("failed to compile regexp " + std::string(p.str(p.keep_frames)) + ": " + keep->error());
    }
  }
  Prune(p, drop, keep.get());
  return Status();
}

void PruneFrom(Profile& p, const re2::RE2& drop) {
  std::vector<bool> beneath(p.locations.size(), false);
  for (size_t li = 0; li < p.locations.size(); ++li) {
    Location& l = p.locations[li];
    auto lines = p.lines_of(l);
    for (size_t i = 0; i < lines.size(); ++i) {
      const Function& f = p.functions[lines[i].function];
      if (f.name != 0 && RE2::PartialMatch(SimplifyFunc(p.str(f.name)), drop)) {
        beneath[li] = true;
        l.line_begin += static_cast<uint32_t>(i);
        l.line_count -= static_cast<uint32_t>(i);
        break;
      }
    }
  }
  for (Sample& s : p.samples) {
    auto stack = p.stack(s);
    for (size_t i = 0; i < stack.size(); ++i) {
      if (beneath[stack[i]]) {
        s.stack_begin += static_cast<uint32_t>(i);
        s.stack_size -= static_cast<uint32_t>(i);
        break;
      }
    }
  }
}

void Aggregate(Profile& p, bool inline_frames, bool function, bool filename, bool line_number, bool address) {
  for (Mapping& m : p.mappings) {
    m.has_inline_frames &= inline_frames;
    m.has_functions &= function;
    m.has_filenames &= filename;
    m.has_line_numbers &= line_number;
  }
  if (!function || !filename) {
    for (Function& f : p.functions) {
      if (!function) f.name = f.system_name = 0;
      if (!filename) f.filename = 0;
    }
  }
  if (!inline_frames || !address || !line_number) {
    for (Location& l : p.locations) {
      if (!inline_frames && l.line_count > 1) {
        l.line_begin += l.line_count - 1;
        l.line_count = 1;
      }
      if (!line_number) {
        for (Line& ln : p.lines_of(l)) ln.line = 0;
      }
      if (!address) l.address = 0;
    }
  }
  // pprof checks the profile again here; clearing names, lines and addresses
  // cannot break what it checks, and the check reads all 31M frames of a
  // big profile (25 ms on every report).
}

}  // namespace cpprof
