#include "profile/units.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace cpprof {
namespace {

struct Unit {
  const char* name;
  std::vector<std::string_view> aliases;
  double factor;
};

struct UnitFamily {
  Unit default_unit;
  std::vector<Unit> units;
};

const std::vector<UnitFamily>& Families() {
  static const auto* families = new std::vector<UnitFamily>{
      {{"B", {"b", "byte"}, 1},
       {{"B", {"b", "byte"}, 1},
        {"kB", {"kb", "kbyte", "kilobyte"}, double(1 << 10)},
        {"MB", {"mb", "mbyte", "megabyte"}, double(1 << 20)},
        {"GB", {"gb", "gbyte", "gigabyte"}, double(1 << 30)},
        {"TB", {"tb", "tbyte", "terabyte"}, double(1LL << 40)},
        {"PB", {"pb", "pbyte", "petabyte"}, double(1LL << 50)}}},
      {{"s", {}, 1e9},
       {{"ns", {"ns", "nanosecond"}, 1},
        {"us", {"\xce\xbcs", "us", "microsecond"}, 1e3},
        {"ms", {"ms", "millisecond"}, 1e6},
        {"s", {"s", "sec", "second"}, 1e9},
        {"hrs", {"hour", "hr"}, 3600e9}}},
      {{"GCU", {}, 1.0},
       {{"n*GCU", {"nanogcu"}, 1e-9},
        {"u*GCU", {"microgcu"}, 1e-6},
        {"m*GCU", {"milligcu"}, 1e-3},
        {"GCU", {"gcu"}, 1},
        {"k*GCU", {"kilogcu"}, 1e3},
        {"M*GCU", {"megagcu"}, 1e6},
        {"G*GCU", {"gigagcu"}, 1e9},
        {"T*GCU", {"teragcu"}, 1e12},
        {"P*GCU", {"petagcu"}, 1e15}}},
  };
  return *families;
}

// Lower-cases the unit and, when longer than two characters, drops one
// trailing "s" ("bytes" -> "byte", "ms" stays).
const Unit* Sniff(const UnitFamily& family, std::string_view unit) {
  std::string u(unit);
  for (char& c : u) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (u.size() > 2 && u.back() == 's') u.pop_back();
  for (const Unit& candidate : family.units) {
    for (std::string_view a : candidate.aliases) {
      if (a == u) return &candidate;
    }
  }
  return nullptr;
}

bool AutoScale(const UnitFamily& family, double value, double* out, std::string* unit) {
  double f = 0;
  for (const Unit& u : family.units) {
    if (u.factor >= f && value / u.factor >= 1.0) {
      f = u.factor;
      *unit = u.name;
    }
  }
  if (f == 0) return false;
  *out = value / f;
  return true;
}

}  // namespace

std::pair<double, std::string> ScaleValue(int64_t value, std::string_view from, std::string_view to) {
  if (value < 0 && -value > 0) {
    auto [v, u] = ScaleValue(-value, from, to);
    return {-v, u};
  }
  for (const UnitFamily& family : Families()) {
    const Unit* from_unit = Sniff(family, from);
    if (from_unit == nullptr) continue;
    double v = static_cast<double>(value) * from_unit->factor;
    if (to == "minimum" || to == "auto") {
      double scaled;
      std::string unit;
      if (AutoScale(family, v, &scaled, &unit)) return {scaled, unit};
      return {v / family.default_unit.factor, family.default_unit.name};
    }
    const Unit* to_unit = Sniff(family, to);
    if (to_unit == nullptr) return {v / family.default_unit.factor, family.default_unit.name};
    return {v / to_unit->factor, to_unit->name};
  }
  if (to == "count" || to == "sample" || to == "unit" || to == "minimum" || to == "auto") {
    return {static_cast<double>(value), ""};
  }
  return {static_cast<double>(value), std::string(to)};
}

std::string ScaledLabel(int64_t value, std::string_view from, std::string_view to) {
  auto [v, unit] = ScaleValue(value, from, to);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  if (s.ends_with(".00")) s.resize(s.size() - 3);
  if (s == "0" || s == "-0") return "0";
  return s + unit;
}

std::string Percentage(int64_t value, int64_t total) {
  double ratio = 0;
  if (total != 0) ratio = std::fabs(static_cast<double>(value) / static_cast<double>(total)) * 100;
  char buf[64];
  if (ratio >= 99.95 && ratio <= 100.05) return "  100%";
  if (ratio >= 1.0) {
    std::snprintf(buf, sizeof buf, "%5.2f%%", ratio);
  } else {
    std::snprintf(buf, sizeof buf, "%5.2g%%", ratio);
  }
  return buf;
}

bool SameUnitFamily(std::string_view a, std::string_view b) {
  for (const UnitFamily& family : Families()) {
    if (Sniff(family, a) != nullptr && Sniff(family, b) != nullptr) return true;
  }
  return false;
}

}  // namespace cpprof
