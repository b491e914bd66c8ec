#include "symbolize/demangle.h"

#include <cxxabi.h>

#include <cstdlib>

namespace cpprof {
namespace {

bool LooksLikeDemangledCpp(std::string_view name) {
  if (name.find(".<") != std::string_view::npos) return false;
  if (name.find("]).") != std::string_view::npos) return false;
  return name.find_first_of("<>[]") != std::string_view::npos || name.find("::") != std::string_view::npos;
}

// "(anonymous namespace)" is a scope, not a parameter list: pprof's demangler
// keeps it when it drops parameters, so it is shielded from RemoveMatching.
constexpr std::string_view kAnonymous = "(anonymous namespace)";
constexpr std::string_view kAnonymousMark = "\x01";

std::string Replace(std::string s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

std::string Simplify(std::string name, DemangleMode mode) {
  name = Replace(std::move(name), kAnonymous, kAnonymousMark);
  if (mode == DemangleMode::kDefault || mode == DemangleMode::kTemplates) name = RemoveMatching(name, '(', ')');
  if (mode == DemangleMode::kDefault) name = RemoveMatching(name, '<', '>');
  return Replace(std::move(name), kAnonymousMark, kAnonymous);
}

}  // namespace

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
  for (Function& f : p.functions) {
    if (f.name != 0 && f.system_name != f.name) continue;  // already demangled
    std::string system(p.str(f.system_name));
    if (mode != DemangleMode::kNone && system.starts_with("_Z")) {
      int status = 0;
      char* demangled = abi::__cxa_demangle(system.c_str(), nullptr, nullptr, &status);
      if (status == 0 && demangled != nullptr) {
        std::string name = demangled;
        std::free(demangled);
        f.name = p.strings.Intern(Simplify(name, mode));
        continue;
      }
      std::free(demangled);
    }
    if (LooksLikeDemangledCpp(system)) system = Simplify(system, mode);
    f.name = p.strings.Intern(system);
  }
}

}  // namespace cpprof
