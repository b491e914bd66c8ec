// Units of measure and their formatting, as pprof's internal/measurement:
// bytes (B, kB, MB ... in steps of 1024), time (ns ... hrs) and GCU; values are
// printed with two decimals, ".00" trimmed.
#ifndef CPPROF_PROFILE_UNITS_H_
#define CPPROF_PROFILE_UNITS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace cpprof {

// Converts value from one unit to another; "minimum" and "auto" pick the
// largest unit in which the value is >= 1. Returns the value and unit name
// ("" for counts).
std::pair<double, std::string> ScaleValue(int64_t value, std::string_view from_unit, std::string_view to_unit);

// "1.50MB", "10ms", "0".
std::string ScaledLabel(int64_t value, std::string_view from_unit, std::string_view to_unit);

inline std::string AutoLabel(int64_t value, std::string_view unit) { return ScaledLabel(value, unit, "auto"); }

// "  100%", "12.34%", " 0.89%", "    0%".
std::string Percentage(int64_t value, int64_t total);

// True when two units belong to the same family (both bytes, both time ...).
bool SameUnitFamily(std::string_view a, std::string_view b);

}  // namespace cpprof

#endif  // CPPROF_PROFILE_UNITS_H_
