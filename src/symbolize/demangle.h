// C++ demangling of function names, as pprof's symbolizer does after
// symbolization: names equal to their (mangled) system name are demangled and,
// by default, simplified to drop parameters and template arguments.
#ifndef CPPROF_SYMBOLIZE_DEMANGLE_H_
#define CPPROF_SYMBOLIZE_DEMANGLE_H_

#include <string>
#include <string_view>

#include "profile/profile.h"

namespace cpprof {

enum class DemangleMode {
  kDefault,    // no parameters, no template arguments
  kTemplates,  // no parameters
  kFull,
  kNone,
};

// Rewrites Function::name for every function whose name is empty or equal to
// its system name. With force, names are first reset to the system names.
void DemangleFunctions(Profile& p, bool force, DemangleMode mode);

// The C++ (Itanium ABI) name `mangled` demangled as pprof's demangler
// prints it in `mode`; empty when it is not a mangled name (or kNone).
std::string Demangle(const std::string& mangled, DemangleMode mode);

// Removes every balanced open...close group, e.g. "(int, char)" or "<T>".
std::string RemoveMatching(std::string name, char open, char close);

}  // namespace cpprof

#endif  // CPPROF_SYMBOLIZE_DEMANGLE_H_
