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

std::string Simplify(std::string name, DemangleMode mode) {
  if (mode == DemangleMode::kDefault || mode == DemangleMode::kTemplates) name = RemoveMatching(name, '(', ')');
  if (mode == DemangleMode::kDefault) name = RemoveMatching(name, '<', '>');
  return name;
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
