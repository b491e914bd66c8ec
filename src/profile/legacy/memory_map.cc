#include "profile/legacy/memory_map.h"

#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace cpprof::legacy {
namespace {

// legacy_profile.go's pieces: a hex range, optional permissions, then either
// /proc/pid/maps columns (offset, dev, inode, file) or the brief form.
#define CHEX "(?:0x)?([[:xdigit:]]+)"
#define CHEX_RANGE "\\s*" CHEX "[\\s-]?\\s*" CHEX ":?"
#define CPERM "(?:\\s+([-rwxp]+))?"
#define CSPACE_STRING "(?:\\s+(\\S+))?"
#define CSPACE_HEX "(?:\\s+([[:xdigit:]]+))?"

enum class Entry { kMapping, kSkipped, kUnrecognized };

// One line as parseMappingEntry reads it.
Entry ParseEntry(std::string_view line, Profile& p, Mapping* m) {
  static const RE2 kProcMapsRe("^" CHEX_RANGE CPERM CSPACE_HEX
                               "\\s+[[:xdigit:]]+:[[:xdigit:]]+\\s+[[:digit:]]+" CSPACE_STRING,
                               GoRegexpOptions());
  static const RE2 kBriefMapsRe("^" CHEX_RANGE CPERM CSPACE_STRING "(?:\\s+\\(@([[:xdigit:]]+)\\))?" CSPACE_HEX,
                                GoRegexpOptions());
  std::vector<std::string_view> g;
  std::string_view start, end, perm, file, offset, build_id;
  if (FindSubmatch(kProcMapsRe, line, &g)) {
    std::tie(start, end, perm, offset, file) = std::tie(g[0], g[1], g[2], g[3], g[4]);
  } else if (FindSubmatch(kBriefMapsRe, line, &g)) {
    std::tie(start, end, perm, file, offset, build_id) = std::tie(g[0], g[1], g[2], g[3], g[4], g[5]);
  } else {
    return Entry::kUnrecognized;
  }
  if (!perm.empty() && perm.find('x') == std::string_view::npos) return Entry::kSkipped;
  if (!GoParseUint(start, 16, &m->start) || !GoParseUint(end, 16, &m->limit)) return Entry::kUnrecognized;
  if (!offset.empty() && !GoParseUint(offset, 16, &m->offset)) return Entry::kUnrecognized;
  m->file = p.strings.Intern(file);
  m->build_id = p.strings.Intern(build_id);
  return Entry::kMapping;
}

#undef CHEX
#undef CHEX_RANGE
#undef CPERM
#undef CSPACE_STRING
#undef CSPACE_HEX

// Whether m2 continues m1: same file and build id where both are known,
// touching ranges, and consistent offsets where both are non-zero.
bool Adjacent(const Mapping& m1, const Mapping& m2) {
  if (m1.file != 0 && m2.file != 0 && m1.file != m2.file) return false;
  if (m1.build_id != 0 && m2.build_id != 0 && m1.build_id != m2.build_id) return false;
  if (m1.limit != m2.start) return false;
  if (m1.offset != 0 && m2.offset != 0 && m1.offset + (m1.limit - m1.start) != m2.offset) return false;
  return true;
}

// pprof's massageMappings.
void MassageMappings(Profile& p) {
  // Shared libraries: "x.so", "x.so.6", "x.so_1".
  static const RE2 kLibraryRe("([.]so$|[.]so[._][0-9]+)", GoRegexpOptions());
  std::vector<Mapping>& ms = p.mappings;
  if (ms.size() > 1) {
    std::vector<Mapping> merged = {ms[0]};
    for (size_t i = 1; i < ms.size(); ++i) {
      Mapping& last = merged.back();
      if (!Adjacent(last, ms[i])) {
        merged.push_back(ms[i]);
        continue;
      }
      last.limit = ms[i].limit;
      if (ms[i].file != 0) last.file = ms[i].file;
      if (ms[i].build_id != 0) last.build_id = ms[i].build_id;
    }
    ms = std::move(merged);
  }
  for (size_t i = 0; i < ms.size(); ++i) {
    std::string file(p.str(ms[i].file));
    for (size_t at; (at = file.find("(deleted)")) != std::string::npos;) file.erase(at, 9);
    std::string_view name = TrimSpace(file);
    if (name.empty() || name[0] == '[' || RE2::PartialMatch(name, kLibraryRe)) continue;
    std::swap(ms[0], ms[i]);
    break;
  }
  for (size_t i = 0; i < ms.size(); ++i) ms[i].id = i + 1;
}

}  // namespace

bool IsMemoryMapSentinel(std::string_view line) {
  return line.find("--- Memory map: ---") != std::string_view::npos ||
         line.find("MAPPED_LIBRARIES:") != std::string_view::npos;
}

Status ParseMemoryMap(LineScanner& lines, Profile& p) {
  // glog's "I1231 23:59:59.000000 1234 file.cc:42] " prefix.
  static const RE2 kLogPrefixRe("^[^\\[\\]]+:[0-9]+]\\s", GoRegexpOptions());
  VariableReplacer vars;
  while (lines.Scan()) {
    std::string_view raw = lines.text();
    re2::StringPiece input(raw.data(), raw.size());
    if (RE2::Consume(&input, kLogPrefixRe)) raw = std::string_view(input.data(), input.size());
    std::string line = vars.Replace(raw);
    Mapping m;
    switch (ParseEntry(line, p, &m)) {
      case Entry::kMapping: p.mappings.push_back(m); break;
      case Entry::kSkipped: break;
      case Entry::kUnrecognized:
        if (size_t eq = line.find('='); eq != std::string::npos) {
          vars.Add("$" + std::string(TrimSpace(std::string_view(line).substr(0, eq))),
                   std::string(TrimSpace(std::string_view(line).substr(eq + 1))));
        }
        break;
    }
  }
  if (Status s = lines.status(); !s.ok()) return s;
  MassageMappings(p);
  return Status();
}

}  // namespace cpprof::legacy
