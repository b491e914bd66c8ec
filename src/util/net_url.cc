#include "util/net_url.h"

#include <algorithm>
#include <cctype>

namespace cpprof {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX at s[i], or -1.
int Escaped(std::string_view s, size_t i) {
  if (i + 2 >= s.size()) return -1;
  int hi = HexDigit(s[i + 1]), lo = HexDigit(s[i + 2]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

bool Unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~'; }

void AppendEscaped(std::string& out, unsigned char c) {
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

}  // namespace

std::optional<std::string> QueryUnescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] != '%') {
      out += s[i];
    } else if (int c = Escaped(s, i); c >= 0) {
      out += static_cast<char>(c);
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::string QueryEscape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (Unreserved(c)) {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      AppendEscaped(out, c);
    }
  }
  return out;
}

QueryPairs ParseQuery(std::string_view raw) {
  QueryPairs pairs;
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (pair.empty() || pair.find(';') != std::string_view::npos) continue;
    size_t eq = pair.find('=');
    std::optional<std::string> key = QueryUnescape(pair.substr(0, eq));
    std::optional<std::string> value = QueryUnescape(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (key && value) pairs.emplace_back(std::move(*key), std::move(*value));
  }
  return pairs;
}

std::string EncodeQuery(QueryPairs query) {
  std::stable_sort(query.begin(), query.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [key, value] : query) {
    if (!out.empty()) out += '&';
    out += QueryEscape(key) + "=" + QueryEscape(value);
  }
  return out;
}

std::string PathUnescape(std::string_view path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (int c = path[i] == '%' ? Escaped(path, i) : -1; c >= 0) {
      out += static_cast<char>(c);
      i += 2;
    } else {
      out += path[i];
    }
  }
  return out;
}

std::string PathEscape(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    if (Unreserved(c) || c == '/') {
      out += static_cast<char>(c);
    } else {
      AppendEscaped(out, c);
    }
  }
  return out;
}

}  // namespace cpprof
