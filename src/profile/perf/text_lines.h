// Line splitting and number parsing shared by the text readers of perf's
// formats (`perf script`, folded stacks).
#ifndef CPPROF_PROFILE_PERF_TEXT_LINES_H_
#define CPPROF_PROFILE_PERF_TEXT_LINES_H_

#include <charconv>
#include <cstdint>
#include <string_view>

namespace cpprof::perf {

// The next line of `text` without its "\n" (or "\r\n"); advances `text`.
inline std::string_view NextLine(std::string_view& text) {
  size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

inline std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The whole of `s` as a number in `base`, or false.
inline bool ParseNumber(std::string_view s, uint64_t& out, int base = 10) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace cpprof::perf

#endif  // CPPROF_PROFILE_PERF_TEXT_LINES_H_
