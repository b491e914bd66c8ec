#include "profile/legacy/text.h"

#include <fmt/format.h>

#include <algorithm>

namespace cpprof::legacy {
namespace {

// Go's unicode.IsSpace for a rune decoded from UTF-8.
bool IsUnicodeSpace(uint32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000: return true;
    default: return r >= 0x2000 && r <= 0x200A;
  }
}

// Decodes the rune at s[i] (invalid bytes give 0xFFFD with width 1, as in Go).
uint32_t DecodeRune(std::string_view s, size_t i, size_t* width) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  *width = 1;
  if (c < 0x80) return c;
  auto cont = [&](size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF && cont(i + 1)) {
    *width = 2;
    return (c & 0x1Fu) << 6 | (b(i + 1) & 0x3Fu);
  }
  if (c >= 0xE0 && c <= 0xEF && cont(i + 1) && cont(i + 2)) {
    uint32_t r = (c & 0x0Fu) << 12 | (b(i + 1) & 0x3Fu) << 6 | (b(i + 2) & 0x3Fu);
    if (r >= 0x800 && (r < 0xD800 || r > 0xDFFF)) {
      *width = 3;
      return r;
    }
  }
  return 0xFFFD;  // 4-byte runes are never spaces, so they need no decoding here
}

// The start of the rune that ends at s[end - 1].
size_t LastRuneStart(std::string_view s, size_t end) {
  size_t start = end - 1;
  for (size_t k = 1; k < 4 && start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80; ++k) --start;
  size_t width;
  DecodeRune(s, start, &width);
  return start + width == end ? start : end - 1;
}

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out + "\"";
}

char Lower(char c) { return static_cast<char>(c | ('x' - 'X')); }

// strconv's underscoreOK: underscores only between digits or after a prefix.
bool UnderscoreOK(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' && (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    if ((s[i] >= '0' && s[i] <= '9') || (hex && Lower(s[i]) >= 'a' && Lower(s[i]) <= 'f')) {
      saw = '0';
      continue;
    }
    if (s[i] == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

enum class NumError { kNone, kSyntax, kRange };

NumError ParseUintDigits(std::string_view s, int base, uint64_t* out) {
  *out = 0;
  if (s.empty()) return NumError::kSyntax;
  const std::string_view s0 = s;
  const bool base0 = base == 0;
  if (base0) {
    base = 10;
    if (s[0] == '0') {
      if (s.size() >= 3 && Lower(s[1]) == 'b') {
        base = 2;
        s.remove_prefix(2);
      } else if (s.size() >= 3 && Lower(s[1]) == 'o') {
        base = 8;
        s.remove_prefix(2);
      } else if (s.size() >= 3 && Lower(s[1]) == 'x') {
        base = 16;
        s.remove_prefix(2);
      } else {
        base = 8;
        s.remove_prefix(1);
      }
    }
  }
  const uint64_t cutoff = UINT64_MAX / static_cast<uint64_t>(base) + 1;
  bool underscores = false;
  uint64_t n = 0;
  for (char c : s) {
    int d;
    if (c == '_' && base0) {
      underscores = true;
      continue;
    } else if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (Lower(c) >= 'a' && Lower(c) <= 'z') {
      d = Lower(c) - 'a' + 10;
    } else {
      return NumError::kSyntax;
    }
    if (d >= base) return NumError::kSyntax;
    if (n >= cutoff) {
      *out = UINT64_MAX;
      return NumError::kRange;
    }
    n *= static_cast<uint64_t>(base);
    uint64_t n1 = n + static_cast<uint64_t>(d);
    if (n1 < n) {
      *out = UINT64_MAX;
      return NumError::kRange;
    }
    n = n1;
  }
  if (underscores && !UnderscoreOK(s0)) return NumError::kSyntax;
  *out = n;
  return NumError::kNone;
}

bool SetError(std::string* error, const char* fn, std::string_view s, NumError e) {
  if (error != nullptr) {
    *error = fmt::format("strconv.{}: parsing {}: {}", fn, GoQuote(s),
                         e == NumError::kRange ? "value out of range" : "invalid syntax");
  }
  return false;
}

}  // namespace

bool LineScanner::Scan() {
  if (done_) return false;
  if (too_long_) {
    // Go's scanner, once failed, hands out its full buffer as a last line.
    done_ = true;
    text_ = rest_.substr(0, kMaxLine);
    if (text_.ends_with('\r')) text_.remove_suffix(1);
    return true;
  }
  if (rest_.empty()) {
    done_ = true;
    text_ = {};
    return false;
  }
  size_t nl = rest_.find('\n');
  size_t len = nl == std::string_view::npos ? rest_.size() : nl;
  if (len >= kMaxLine) {
    too_long_ = true;
    return false;
  }
  text_ = rest_.substr(0, len);
  if (text_.ends_with('\r')) text_.remove_suffix(1);
  rest_.remove_prefix(nl == std::string_view::npos ? len : len + 1);
  return true;
}

Status LineScanner::status() const { return too_long_ ? Status::Error("bufio.Scanner: token too long") : Status(); }

Status ScanFirstLine(LineScanner& lines) {
  if (lines.Scan()) return Status();
  Status s = lines.status();
  return s.ok() ? Unrecognized() : s;
}

std::string_view TrimSpace(std::string_view s) {
  size_t begin = 0, end = s.size();
  while (begin < end) {
    size_t width;
    if (!IsUnicodeSpace(DecodeRune(s, begin, &width))) break;
    begin += width;
  }
  while (end > begin) {
    size_t start = LastRuneStart(s, end);
    size_t width;
    if (start < begin || !IsUnicodeSpace(DecodeRune(s, start, &width))) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

bool IsSpaceOrComment(std::string_view line) {
  std::string_view t = TrimSpace(line);
  return t.empty() || t[0] == '#';
}

bool GoParseUint(std::string_view s, int base, uint64_t* out, std::string* error) {
  NumError e = ParseUintDigits(s, base, out);
  return e == NumError::kNone || SetError(error, "ParseUint", s, e);
}

bool GoParseInt(std::string_view s, int base, int64_t* out, std::string* error) {
  *out = 0;
  if (s.empty()) return SetError(error, "ParseInt", s, NumError::kSyntax);
  std::string_view digits = s;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    digits.remove_prefix(1);
  }
  uint64_t un;
  NumError e = ParseUintDigits(digits, base, &un);
  if (e == NumError::kSyntax) return SetError(error, "ParseInt", s, e);
  constexpr uint64_t kCutoff = uint64_t{1} << 63;
  if ((!neg && un >= kCutoff) || (neg && un > kCutoff)) return SetError(error, "ParseInt", s, NumError::kRange);
  *out = neg ? static_cast<int64_t>(0 - un) : static_cast<int64_t>(un);
  return true;
}

Status ParseSampleAddresses(std::string_view s, std::string_view line, std::vector<uint64_t>* out) {
  out->clear();
  auto is_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    if (s[i] != '0' || s[i + 1] != 'x' || !is_hex(s[i + 2])) continue;
    size_t end = i + 3;
    while (end < s.size() && is_hex(s[end])) ++end;
    std::string_view hex = s.substr(i, end - i);
    uint64_t v;
    if (!GoParseUint(hex, 0, &v)) {
      return Status::Error(fmt::format("malformed sample: {}: failed to parse as hex 64-bit number: {}", line, hex));
    }
    out->push_back(v);
    i = end - 1;
  }
  return Status();
}

RE2::Options GoRegexpOptions() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  return o;
}

namespace {

// The groups of the first match of `re` in `s`, and where the match ends.
bool MatchGroups(const RE2& re, std::string_view s, std::vector<std::string_view>* groups, size_t* end) {
  int n = re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> m(static_cast<size_t>(n) + 1);
  if (!re.Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), RE2::UNANCHORED, m.data(), n + 1)) return false;
  groups->clear();
  for (int i = 1; i <= n; ++i) {
    groups->emplace_back(m[i].data() == nullptr ? "" : std::string_view(m[i].data(), m[i].size()));
  }
  *end = static_cast<size_t>(m[0].data() - s.data()) + m[0].size();
  return true;
}

}  // namespace

bool FindSubmatch(const RE2& re, std::string_view s, std::vector<std::string_view>* groups) {
  size_t end;
  return MatchGroups(re, s, groups, &end);
}

bool FindSampleSubmatch(const RE2& re, std::string_view s, std::vector<std::string_view>* groups) {
  size_t begin;
  if (!MatchGroups(re, s, groups, &begin)) return false;
  size_t end = std::min(s.find_first_not_of(" x0123456789abcdef", begin), s.size());
  groups->push_back(s.substr(begin, end - begin));
  return true;
}

void VariableReplacer::Add(std::string_view name, std::string value) {
  uint32_t node = 0;
  for (unsigned char c : name) {
    auto [it, added] = edges_.try_emplace(uint64_t{node} << 8 | c, static_cast<uint32_t>(nodes_.size()));
    if (added) nodes_.emplace_back();
    node = it->second;
  }
  if (nodes_[node].name == UINT32_MAX) nodes_[node].name = static_cast<uint32_t>(values_.size());
  values_.push_back(std::move(value));
}

std::string VariableReplacer::Replace(std::string_view s) const {
  if (values_.empty()) return std::string(s);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    uint32_t best = UINT32_MAX;
    size_t best_len = 0;
    uint32_t node = 0;
    for (size_t j = i; j < s.size(); ++j) {
      auto it = edges_.find(uint64_t{node} << 8 | static_cast<unsigned char>(s[j]));
      if (it == edges_.end()) break;
      node = it->second;
      if (nodes_[node].name < best) {
        best = nodes_[node].name;
        best_len = j - i + 1;
      }
    }
    if (best == UINT32_MAX) {
      out += s[i++];
    } else {
      out += values_[best];
      i += best_len;
    }
  }
  return out;
}

std::string_view PathBase(std::string_view path) {
  if (path.empty()) return ".";
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/") return path;
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace cpprof::legacy
