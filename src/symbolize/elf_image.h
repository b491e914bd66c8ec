// What the CLI needs to know about an ELF file before symbolizing against
// it: its type, GNU build id and PT_LOAD segments, read with libelf without
// loading DWARF (binary lookup opens many candidates; libdwfl is only set up
// for the one that is chosen).
#ifndef CPPROF_SYMBOLIZE_ELF_IMAGE_H_
#define CPPROF_SYMBOLIZE_ELF_IMAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "util/status.h"

namespace cpprof {

struct LoadSegment {
  uint64_t offset = 0;  // p_offset
  uint64_t vaddr = 0;   // p_vaddr
  uint64_t filesz = 0;  // p_filesz
  bool executable = false;
};

struct ElfImage {
  bool shared = false;   // ET_DYN (PIE executable or shared library)
  std::string build_id;  // lower-case hex, empty when the file has none
  std::vector<LoadSegment> loads;
};

// Reads the headers of the ELF file at path; an error (one line, naming the
// file's problem) for a missing, unreadable or malformed file.
Result<ElfImage> ReadElfImage(const std::string& path);

// The load bias (runtime address - file virtual address) of a mapping of
// [start, limit) at file offset `offset`, as pprof's elfexec.GetBase
// computes it: from the PT_LOAD segment holding that file offset. A mapping
// pprof invents for a profile without mappings (start = limit = 0) gets 0,
// which is right for non-PIE executables only.
uint64_t LoadBias(const ElfImage& image, uint64_t start, uint64_t limit, uint64_t offset);

}  // namespace cpprof

#endif  // CPPROF_SYMBOLIZE_ELF_IMAGE_H_
