#include "symbolize/demangle.h"

#include <cxxabi.h>

#include <cstdlib>
#include <iterator>
#include <utility>
#include <vector>

#include "util/parallel.h"

namespace cpprof {
namespace {

bool LooksLikeDemangledCpp(std::string_view name) {
  if (name.find(".<") != std::string_view::npos) return false;
  if (name.find("]).") != std::string_view::npos) return false;
  return name.find_first_of("<>[]") != std::string_view::npos || name.find("::") != std::string_view::npos;
}

std::string Simplify(std::string name, DemangleMode mode) {
  if (mode == DemangleMode::kDefault || mode == DemangleMode::kTemplates) name = RemoveMatching(name, '(', ')');
  if (mode == DemangleMode::kDefault) name = RemoveMatching(name, '<', '>');
  return name;
}

// Brackets that belong to names rather than to parameter or template
// lists; hidden from RemoveMatching as control characters and put back.
constexpr std::pair<const char*, const char*> kBracketNames[] = {
    {"(anonymous namespace)", "\x01"}, {"operator()", "operator\x02"},  {"operator<=>", "operator\x03"},
    {"operator<<=", "operator\x04"},   {"operator>>=", "operator\x05"}, {"operator<<", "operator\x06"},
    {"operator>>", "operator\x07"},    {"operator<=", "operator\x0e"},  {"operator>=", "operator\x0f"},
    {"operator->", "operator\x10"},    {"operator<", "operator\x11"},   {"operator>", "operator\x12"},
};

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

// What the Go demangler pprof uses prints with NoParams: no parameters, no
// cv/ref qualifiers after them, no clone suffix and no return type (which the Itanium ABI
// spells out for template functions: "unsigned long ns::F<T>(int)").
std::string SimplifyDemangled(std::string name, DemangleMode mode) {
  // Clone suffixes (" [clone .constprop.0]") go in every mode: pprof asks
  // for NoClones in full mode, and NoParams implies it.
  for (size_t at; name.ends_with(']') && (at = name.rfind(" [clone ")) != std::string::npos;) name.resize(at);
  if (mode == DemangleMode::kFull) return name;
  for (auto [text, mark] : kBracketNames) ReplaceAll(name, text, mark);
  name = Simplify(std::move(name), mode);
  for (std::string_view q : {" const", " volatile", " &&", " &"}) {
    while (name.ends_with(q)) name.resize(name.size() - q.size());
  }
  // The last space outside template arguments before an "operator" ends the
  // return type.
  int depth = 0;
  size_t cut = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name.compare(i, 8, "operator") == 0 && (i == 0 || name[i - 1] == ':' || name[i - 1] == ' ')) break;
    if (name[i] == '<' || name[i] == '(') ++depth;
    if (name[i] == '>' || name[i] == ')') --depth;
    if (name[i] == ' ' && depth == 0) cut = i + 1;
  }
  name.erase(0, cut);
  for (auto it = std::rbegin(kBracketNames); it != std::rend(kBracketNames); ++it)
    ReplaceAll(name, it->second, it->first);
  return name;
}

// The name DemangleFunctions gives a function of system name `system`.
std::string DemangledName(std::string system, DemangleMode mode) {
  if (std::string name = Demangle(system, mode); !name.empty()) return name;
  if (LooksLikeDemangledCpp(system)) system = Simplify(system, mode);
  return system;
}

}  // namespace

std::string Demangle(const std::string& mangled, DemangleMode mode) {
  if (mode == DemangleMode::kNone || !mangled.starts_with("_Z")) return "";
  // A PLT entry's "<symbol>@plt" (plt_entries.h) keeps its suffix, as
  // objdump -C and perf print it; pprof's demangler would drop it and name
  // the stub after the function it calls.
  if (mangled.ends_with("@plt")) {
    std::string name = Demangle(mangled.substr(0, mangled.size() - 4), mode);
    return name.empty() ? name : name + "@plt";
  }
  int status = 0;
  char* demangled = abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status);
  std::string name = status == 0 && demangled != nullptr ? demangled : "";
  std::free(demangled);
  return name.empty() ? name : SimplifyDemangled(std::move(name), mode);
}

std::string RemoveMatching(std::string name, char open, char close) {
  int nesting = 0;
  size_t first = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == open) {
      if (++nesting == 1) first = i;
    } else if (name[i] == close) {
      if (--nesting < 0) return name;  // unbalanced: leave it alone
      if (nesting == 0) {
        name.erase(first, i - first + 1);
        i = first - 1;
      }
    }
  }
  return name;
}

void DemangleFunctions(Profile& p, bool force, DemangleMode mode) {
  if (force) {
    for (Function& f : p.functions) {
      if (f.name != 0 && f.system_name != 0) f.name = f.system_name;
    }
  }
  auto todo = [&](const Function& f) { return f.name == 0 || f.system_name == f.name; };  // else already demangled
  // A name takes ~1.5 us (bench/symbolize.sh's 7.4k functions: 11 ms), so
  // names are worked out on all cores from 1k functions, then interned in
  // function order.
  std::vector<std::string> names(p.functions.size());
  ForRanges(names.size(), RangeCount(names.size(), 1024), [&](size_t, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      if (todo(p.functions[i])) names[i] = DemangledName(std::string(p.str(p.functions[i].system_name)), mode);
    }
  });
  for (size_t i = 0; i < names.size(); ++i) {
    if (todo(p.functions[i])) p.functions[i].name = p.strings.Intern(names[i]);
  }
}

}  // namespace cpprof
