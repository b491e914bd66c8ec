#include "driver/tag_filter.h"

#include <re2/re2.h>

#include <memory>
#include <utility>
#include <vector>

#include "profile/units.h"

namespace cpprof {
namespace {

struct RangeMatch {
  std::string text;    // the whole match
  std::string number;  // [+-]digits
  std::string unit;    // letters, may be empty
};

// FindAllStringSubmatch of ([+-]?[[:digit:]]+)([[:alpha:]]+)? with n=2.
std::vector<RangeMatch> FindRanges(const std::string& s) {
  static const re2::RE2 rx("([+-]?[[:digit:]]+)([[:alpha:]]+)?");
  std::vector<RangeMatch> out;
  re2::StringPiece input(s);
  re2::StringPiece whole, number, unit;
  while (out.size() < 2 && !input.empty()) {
    const char* before = input.data();
    if (!re2::RE2::FindAndConsume(&input, "(" + rx.pattern() + ")", &whole, &number, &unit)) break;
    out.push_back({std::string(whole), std::string(number), std::string(unit)});
    if (input.data() == before) break;
  }
  return out;
}

// Time units that people type and pprof's measurement lacks (it knows ns,
// us, ms, s and hours only, so `age=10m:` matches nothing there): rewritten
// in seconds before scaling. Beyond pprof, on purpose: these filters match
// nothing in pprof, and with them `-tagfocus=age=10m:` does what it says.
void RewriteLongTimeUnit(RangeMatch& r) {
  static const std::pair<const char*, int64_t> kUnits[] = {
      {"m", 60},    {"min", 60},    {"mins", 60},    {"minute", 60}, {"minutes", 60},  {"h", 3600},
      {"d", 86400}, {"day", 86400}, {"days", 86400}, {"w", 604800},  {"week", 604800}, {"weeks", 604800}};
  for (const auto& [name, seconds] : kUnits) {
    if (r.unit != name) continue;
    r.number = std::to_string(std::stoll(r.number) * seconds);
    r.unit = "s";
    return;
  }
}

using NumFilter = std::function<bool(int64_t, const std::string&)>;

// Returns null when the expression is not a range (pprof then takes it as
// regexps).
std::unique_ptr<NumFilter> ParseRange(const std::string& filter) {
  std::vector<RangeMatch> ranges = FindRanges(filter);
  if (ranges.empty()) return nullptr;
  for (RangeMatch& r : ranges) RewriteLongTimeUnit(r);  // text stays as typed
  int64_t v = std::stoll(ranges[0].number);
  auto [scaled, unit] = ScaleValue(v, ranges[0].unit, ranges[0].unit);
  const std::string& match = ranges[0].text;
  if (ranges.size() == 1) {
    int op;  // 0 ==, 1 >=, 2 <=
    if (filter == match)
      op = 0;
    else if (filter == match + ":")
      op = 1;
    else if (filter == ":" + match)
      op = 2;
    else
      return nullptr;
    return std::make_unique<NumFilter>([=, u = unit](int64_t value, const std::string& value_unit) {
      auto [sv, su] = ScaleValue(value, value_unit, u);
      if (su != u) return false;
      return op == 0 ? sv == scaled : op == 1 ? sv >= scaled : sv <= scaled;
    });
  }
  if (filter != ranges[0].text + ":" + ranges[1].text) return nullptr;
  int64_t v2 = std::stoll(ranges[1].number);
  auto [scaled2, unit2] = ScaleValue(v2, ranges[1].unit, unit);
  if (unit != unit2) return nullptr;
  return std::make_unique<NumFilter>([=, u = unit](int64_t value, const std::string& value_unit) {
    auto [sv, su] = ScaleValue(value, value_unit, u);
    return su == u && sv >= scaled && sv <= scaled2;
  });
}

}  // namespace

Result<SampleMatcher> CompileTagFilter(const std::string& name, const std::string& expression,
                                       const std::map<std::string, std::string>& units, std::string* note) {
  if (expression.empty()) return SampleMatcher();
  std::string value = expression, want_key;
  if (size_t eq = expression.find('='); eq != std::string::npos) {
    want_key = expression.substr(0, eq);
    value = expression.substr(eq + 1);
  }
  auto unit_of = [units](const std::string& key) {
    auto it = units.find(key);
    return it == units.end() ? std::string() : it->second;
  };
  if (std::unique_ptr<NumFilter> num = ParseRange(value)) {
    *note = name + ":Interpreted '" + value + "' as range, not regexp";
    std::shared_ptr<NumFilter> f(std::move(num));
    return SampleMatcher([f, want_key, unit_of](const Profile& p, const Sample& s) {
      for (const Label& l : p.labels_of(s)) {
        if (l.is_string()) continue;
        std::string key(p.str(l.key));
        if (!want_key.empty() && key != want_key) continue;
        if ((*f)(l.num, unit_of(key))) return true;
      }
      return false;
    });
  }
  std::vector<std::shared_ptr<re2::RE2>> rxs;
  size_t start = 0;
  while (true) {
    size_t comma = value.find(',', start);
    std::string part = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto rx = std::make_shared<re2::RE2>(part, re2::RE2::Quiet);
    if (!rx->ok()) return Status::Error("parsing " + name + " regexp: " + rx->error());
    rxs.push_back(rx);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (want_key.empty()) {
    return SampleMatcher([rxs](const Profile& p, const Sample& s) {
      for (const auto& rx : rxs) {
        bool matched = false;
        for (const Label& l : p.labels_of(s)) {
          if (l.is_string() &&
              re2::RE2::PartialMatch(std::string(p.str(l.key)) + ":" + std::string(p.str(l.str)), *rx)) {
            matched = true;
            break;
          }
        }
        if (!matched) return false;
      }
      return true;
    });
  }
  return SampleMatcher([rxs, want_key](const Profile& p, const Sample& s) {
    for (const auto& rx : rxs) {
      for (const Label& l : p.labels_of(s)) {
        if (l.is_string() && p.str(l.key) == want_key && re2::RE2::PartialMatch(p.str(l.str), *rx)) return true;
      }
    }
    return false;
  });
}

}  // namespace cpprof
