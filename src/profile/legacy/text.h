// Go's text primitives that pprof's legacy parsers lean on, reproduced so the
// parsers accept and reject exactly what pprof does: bufio.Scanner's line
// splitting (with its 64 KiB line limit), strings.TrimSpace, strconv's integer
// parsing and error texts, and Go-compatible regexps.
#ifndef CPPROF_PROFILE_LEGACY_TEXT_H_
#define CPPROF_PROFILE_LEGACY_TEXT_H_

#include <re2/re2.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/status.h"

namespace cpprof::legacy {

// pprof's sentinel errors. Unrecognized() lets the next format have a go (the
// callers test Status::IsUnrecognized, not the text); any other error ends the parse.
inline constexpr std::string_view kMalformed = "malformed profile format";
inline Status Unrecognized() { return Status::Unrecognized("unrecognized profile format"); }

// bufio.Scanner with ScanLines over a buffer. Lines lose "\n" and one "\r"
// before it. A line of 64 KiB or more (Go's MaxScanTokenSize, counting the
// "\r") fails the scan with "bufio.Scanner: token too long"; as in Go, text()
// then still holds the previous line, and one more Scan() returns the first
// 64 KiB of the long line before the scanner stops for good.
class LineScanner {
 public:
  explicit LineScanner(std::string_view data) : rest_(data) {}

  bool Scan();
  std::string_view text() const { return text_; }
  // The scan error, if any (end of input is not an error).
  Status status() const;

 private:
  static constexpr size_t kMaxLine = 64 * 1024;
  std::string_view rest_;
  std::string_view text_;
  bool too_long_ = false;
  bool done_ = false;
};

// Go's strings.TrimSpace: ASCII and Unicode white space (U+0085, U+00A0, ...).
std::string_view TrimSpace(std::string_view s);

// Blank, or a comment starting with '#' after leading space.
bool IsSpaceOrComment(std::string_view line);

// strconv.ParseInt / ParseUint with `base` 0 (Go prefixes and underscores),
// 10 or 16. On failure `error` gets Go's text, e.g.
// `strconv.ParseInt: parsing "99999999999999999999": value out of range`.
bool GoParseInt(std::string_view s, int base, int64_t* out, std::string* error = nullptr);
bool GoParseUint(std::string_view s, int base, uint64_t* out, std::string* error = nullptr);

// Every "0x[0-9a-f]+" in s as a number. One that does not fit in 64 bits
// fails with pprof's "malformed sample: <line>: failed to parse as hex
// 64-bit number: <s>".
Status ParseSampleAddresses(std::string_view s, std::string_view line, std::vector<uint64_t>* out);

// Scans the first line; without one, the input is not of this format (or
// the scan failed).
Status ScanFirstLine(LineScanner& lines);

// A regexp that matches bytes as Go's regexp does: Go reads invalid UTF-8 as
// one U+FFFD per byte and its classes (\s, \d, [[:xdigit:]]) are ASCII, so
// byte-wise (Latin-1) matching gives the same spans on any input.
RE2::Options GoRegexpOptions();

// Capture groups of the first match of `re` in `s` (group 0 excluded;
// unmatched groups are empty), or false.
bool FindSubmatch(const RE2& re, std::string_view s, std::vector<std::string_view>* groups);

// Go's strings.Replacer as pprof's memory map uses it: "$name" variables
// replaced in one left-to-right pass, where at each position the earliest
// added name that matches wins, whatever its length. A trie of the names
// keeps a pass at O(length x longest name), as Go's is.
class VariableReplacer {
 public:
  // `name` includes the leading '$'.
  void Add(std::string_view name, std::string value);
  std::string Replace(std::string_view s) const;

 private:
  struct Node {
    uint32_t name = UINT32_MAX;  // index into values_ of the earliest name ending here
  };
  std::vector<Node> nodes_ = {Node{}};
  std::unordered_map<uint64_t, uint32_t> edges_;  // (node << 8 | byte) -> child
  std::vector<std::string> values_;
};

// FindSubmatch for pprof's sample regexps, which all end in the group
// "([ x0-9a-f]*)" (the addresses). That group always matches, so matching
// `re` without it and taking the longest run of [ x0-9a-f] after the match
// gives the same groups, and RE2 captures over the few bytes of the counts
// instead of the whole stack (-top of a 74 MB heap profile: 2.7 -> 1.2 s).
bool FindSampleSubmatch(const RE2& re, std::string_view s, std::vector<std::string_view>* groups);

// The last element of a slash-separated path, as Go's filepath.Base.
std::string_view PathBase(std::string_view path);

}  // namespace cpprof::legacy

#endif  // CPPROF_PROFILE_LEGACY_TEXT_H_
