// The ELF modules loaded in this process (dl_iterate_phdr): path, load bias,
// executable segments as page-aligned mappings, GNU build id. Taken at write
// time; never from a signal handler (dl_iterate_phdr takes the loader lock).
#ifndef CPPROF_RUNTIME_MODULES_H_
#define CPPROF_RUNTIME_MODULES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace cpprof::runtime {

struct ModuleSegment {
  uint64_t start = 0;  // page-aligned, as /proc/self/maps shows it
  uint64_t limit = 0;
  uint64_t offset = 0;  // file offset of start
};

struct Module {
  std::string path;  // file to read symbols from; empty for the vdso
  std::string name;  // Mapping.file: the path, or "[vdso]"
  uint64_t bias = 0;
  std::string build_id;  // lower-case hex, empty if none
  std::vector<ModuleSegment> exec_segments;
};

// The main executable first, as pprof takes the first mapping for the binary.
std::vector<Module> LoadedModules();

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_MODULES_H_
