#include "util/go_time.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iterator>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace cpprof {
namespace {

struct LocalTime {
  std::tm tm;
  int64_t nanos;  // within the second
};

LocalTime ToLocal(int64_t unix_nanos) {
  int64_t secs = unix_nanos / 1000000000;
  int64_t nanos = unix_nanos % 1000000000;
  if (nanos < 0) {
    nanos += 1000000000;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  LocalTime lt{};
  tzset();
  localtime_r(&t, &lt.tm);
  lt.nanos = nanos;
  return lt;
}

// The zone's offset from UTC as Go's "-0700" prints it, e.g. "+0530".
std::string NumericZone(const std::tm& tm) {
  long off = tm.tm_gmtoff / 60;
  return fmt::format("{}{:02}{:02}", off < 0 ? '-' : '+', std::labs(off) / 60, std::labs(off) % 60);
}

// Go prints a zone without an abbreviation as its offset.
std::string ZoneName(const std::tm& tm) {
  if (tm.tm_zone != nullptr && tm.tm_zone[0] != '\0') return tm.tm_zone;
  return NumericZone(tm);
}

}  // namespace

std::string GoTimeString(int64_t unix_nanos) {
  LocalTime lt = ToLocal(unix_nanos);
  char buf[128];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &lt.tm);
  std::string s = buf;
  if (lt.nanos != 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(lt.nanos));
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    s += frac;
  }
  return s + " " + NumericZone(lt.tm) + " " + ZoneName(lt.tm);
}

std::string GoReportTime(int64_t unix_nanos) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  LocalTime lt = ToLocal(unix_nanos);
  int hour12 = lt.tm.tm_hour % 12 == 0 ? 12 : lt.tm.tm_hour % 12;
  char buf[128];
  std::snprintf(buf, sizeof buf, "%s %d, %d at %d:%02d%s (%s)", kMonths[lt.tm.tm_mon], lt.tm.tm_mday,
                lt.tm.tm_year + 1900, hour12, lt.tm.tm_min, lt.tm.tm_hour < 12 ? "am" : "pm", ZoneName(lt.tm).c_str());
  return buf;
}

namespace {

// Go's fmtFrac: the fraction of v with prec digits, trailing zeros dropped.
std::string Frac(uint64_t& v, int prec) {
  std::string digits;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    int digit = static_cast<int>(v % 10);
    print = print || digit != 0;
    if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  return print ? "." + digits : "";
}

}  // namespace

bool ParseGoDuration(const std::string& s, int64_t* nanos) {
  static const std::pair<std::string_view, double> kUnits[] = {{"ns", 1},          {"us", 1e3},  {"\xc2\xb5s", 1e3},
                                                               {"\xce\xbcs", 1e3}, {"ms", 1e6},  {"s", 1e9},
                                                               {"m", 60e9},        {"h", 3600e9}};
  std::string_view rest = s;
  bool negative = !rest.empty() && rest[0] == '-';
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) rest.remove_prefix(1);
  if (rest == "0") {
    *nanos = 0;
    return true;
  }
  if (rest.empty()) return false;
  double total = 0;
  while (!rest.empty()) {
    size_t digits = 0;
    while (digits < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[digits])) || rest[digits] == '.')) {
      ++digits;
    }
    std::string number(rest.substr(0, digits));
    if (number.empty() || number == "." || std::count(number.begin(), number.end(), '.') > 1) return false;
    rest.remove_prefix(digits);
    size_t unit_len = 0;
    while (unit_len < rest.size() && rest[unit_len] != '.' &&
           !std::isdigit(static_cast<unsigned char>(rest[unit_len]))) {
      ++unit_len;
    }
    std::string_view unit = rest.substr(0, unit_len);
    rest.remove_prefix(unit_len);
    auto it = std::find_if(std::begin(kUnits), std::end(kUnits), [&](const auto& u) { return u.first == unit; });
    if (it == std::end(kUnits)) return false;  // Go: "missing unit" or "unknown unit"
    total += std::strtod(number.c_str(), nullptr) * it->second;
  }
  if (total > 9.2e18) return false;  // Go: "invalid duration" beyond int64
  *nanos = static_cast<int64_t>(negative ? -total : total);
  return true;
}

std::string GoDurationString(int64_t d) {
  bool neg = d < 0;
  uint64_t u = neg ? -static_cast<uint64_t>(d) : static_cast<uint64_t>(d);
  std::string out;
  if (u < 1000000000ULL) {
    if (u == 0) return "0s";
    int prec;
    const char* unit;
    if (u < 1000ULL) {
      prec = 0;
      unit = "ns";
    } else if (u < 1000000ULL) {
      prec = 3;
      unit = "\xc2\xb5s";
    } else {
      prec = 6;
      unit = "ms";
    }
    std::string frac = Frac(u, prec);
    out = std::to_string(u) + frac + unit;
  } else {
    std::string frac = Frac(u, 9);
    uint64_t secs = u % 60;
    u /= 60;
    out = std::to_string(secs) + frac + "s";
    if (u > 0) {
      out = std::to_string(u % 60) + "m" + out;
      u /= 60;
      if (u > 0) out = std::to_string(u) + "h" + out;
    }
  }
  return neg ? "-" + out : out;
}

std::string TruncateRunes(const std::string& s, size_t n) {
  size_t runes = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (runes == n) return s.substr(0, i);
      ++runes;
    }
  }
  return s;
}

}  // namespace cpprof
