// Local symbolization of a profile (pprof's doLocalSymbolize): locations in
// mappings without symbols get their frames (function, file, line, inline
// chain) from the mapping's ELF file and its DWARF, or a separate debug file
// that libdwfl finds by build id or .gnu_debuglink under /usr/lib/debug.
#ifndef CPPROF_SYMBOLIZE_LOCAL_SYMBOLIZER_H_
#define CPPROF_SYMBOLIZE_LOCAL_SYMBOLIZER_H_

#include <functional>
#include <string>

#include "profile/profile.h"

namespace cpprof {

struct LocalSymbolizeOptions {
  bool force = false;  // also mappings that already have symbols
  bool fast = false;   // -symbolize=fastlocal: ELF symbols only, no DWARF
  // Addresses per binary from which the lookups are shared by two threads
  // (each with its own libdwfl session, which is not thread-safe).
  size_t parallel_from = 20000;
};

// Symbolizes p in place. Mappings that cannot be symbolized (no file, a
// missing or malformed binary, another build id) get one message each
// through print, and their locations stay as they are; never fails.
// Function names are system (mangled) names: demangle afterwards.
void SymbolizeLocal(Profile& p, const LocalSymbolizeOptions& o, const std::function<void(const std::string&)>& print);

// pprof's Mapping.Unsymbolizable plus the anonymous and memfd mappings of
// /proc/self/maps: "[vdso]", "[vsyscall]", "linux-vdso*", "/dev/dri/*",
// "//anon", "/memfd:*".
bool Unsymbolizable(std::string_view file);

}  // namespace cpprof

#endif  // CPPROF_SYMBOLIZE_LOCAL_SYMBOLIZER_H_
