// Symbols and disassembly from GNU binutils or LLVM (nm, objdump), run as
// programs the way pprof's internal/binutils runs them, so -disasm shows the
// instruction text users know from pprof. Objdump is chosen as pprof does:
// llvm-objdump (version 8 or later) when found, else GNU objdump.
#ifndef CPPROF_SYMBOLIZE_BINUTILS_H_
#define CPPROF_SYMBOLIZE_BINUTILS_H_

#include <re2/re2.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace cpprof {

// A symbol of an object file: every name at its address, and the address
// range [start, end] up to the next symbol.
struct ObjSymbol {
  std::vector<std::string> names;
  uint64_t start = 0, end = 0;
};

struct Instruction {
  uint64_t address = 0;
  std::string text;
  std::string function, file;  // from objdump's --line-numbers, may be empty
  int64_t line = 0;
};

// pprof's -tools: the directories to look for objdump and nm in, separated
// by commas, each for every tool or, as "tool:directory", for one
// ("objdump:/opt/llvm/bin,/usr/local/bin"). Tools found in none of them are
// looked up on $PATH. Applies to the programs run after it.
void SetTools(std::string_view config);

// Symbols of `file` (from `nm -n`) with a name matching rx, itself or
// demangled in one of pprof's forms (then that form is the name), or
// containing `address` when it is not 0 (then all names at it).
Result<std::vector<ObjSymbol>> FindSymbols(const std::string& file, const re2::RE2& rx, uint64_t address);

// The instructions of [start, end) in `file`, at file addresses.
Result<std::vector<Instruction>> Disassemble(const std::string& file, uint64_t start, uint64_t end, bool intel);

}  // namespace cpprof

#endif  // CPPROF_SYMBOLIZE_BINUTILS_H_
