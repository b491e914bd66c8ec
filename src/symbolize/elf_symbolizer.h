// ELF + DWARF symbolizer (elfutils libdwfl for modules and symbols, libdw
// for DWARF): maps addresses of loaded ELF modules to frames (function,
// file, line), expanding inline chains. Compressed DWARF (libc6-dbg's) is
// inflated by compressed_dwarf.h, the units of an address found by
// unit_ranges.h, debug files by debuginfo_search.h. Used by the runtime at
// profile-write time (never in a signal handler: libdw allocates and takes
// locks) and by the CLI's local symbolization.
//
// Not thread-safe: one symbolizer per writer. Owns its libdwfl session; the
// ELF files must stay unchanged while it is alive.
#ifndef CPPROF_SYMBOLIZE_ELF_SYMBOLIZER_H_
#define CPPROF_SYMBOLIZE_ELF_SYMBOLIZER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "symbolize/compressed_dwarf.h"
#include "symbolize/plt_entries.h"
#include "symbolize/unit_ranges.h"

struct Dwfl;
struct Dwfl_Module;

namespace cpprof {

class ScopeIndex;

// A frame's strings are the symbolizer's (its files' string tables and its
// caches): valid while it lives, and one address is always the same text.
// Lookups make no copies; 100k of them made 300k strings that took longer
// to copy and free than to find.
struct SymbolFrame {
  std::string_view function;  // system (mangled) name; demangle afterwards
  std::string_view file;      // empty when the module has no line information
  int64_t line = 0;
  int64_t start_line = 0;  // first line of the function's declaration, 0 if unknown
};

struct SymbolizedAddress {
  std::vector<SymbolFrame> frames;  // innermost inlined callee first; empty if unknown
  bool has_lines = false;           // every frame has file and line
  uint64_t symbol_offset = 0;       // addr - start of its ELF symbol
};

struct ModuleDebugInfo {
  bool has_symbols = false;  // .symtab or .dynsym found
  bool has_dwarf = false;    // DWARF found (in the file or a separate debug file)
};

class ElfSymbolizer {
 public:
  ElfSymbolizer();
  ~ElfSymbolizer();
  ElfSymbolizer(const ElfSymbolizer&) = delete;
  ElfSymbolizer& operator=(const ElfSymbolizer&) = delete;

  // Reports the ELF file `path` loaded with load bias `bias` (runtime address
  // = file virtual address + bias; 0 for a non-PIE executable) under the
  // range [start, limit). Returns false when the file cannot be read.
  bool AddModule(const std::string& path, uint64_t bias);

  // What the module containing `addr` offers; all false for unknown addresses.
  ModuleDebugInfo DebugInfo(uint64_t addr);

  // The frames at `addr` (an instruction address: callers pass return
  // address - 1), into *out, which is cleared first: reused for many
  // lookups, it keeps its frames' memory (100k lookups made 100k vectors).
  void Lookup(uint64_t addr, SymbolizedAddress* out);

  // Only the ELF symbol at `addr` (.symtab, else .dynsym; "<symbol>@plt"
  // in a PLT entry), without DWARF: what -symbolize=fastlocal gives.
  void LookupSymbol(uint64_t addr, SymbolizedAddress* out);

 private:
  // A module's function symbols sorted by address, with its PLT entries
  // (plt_entries.h). libdwfl's dwfl_module_addrinfo scans the whole symbol
  // table on every call: 100k lookups in libstdc++ (~16k symbols) took 40 s
  // that way.
  struct Symbol {
    uint64_t start = 0, size = 0;
    int rank = 0;        // at one address: global before weak before local, as libdwfl prefers
    uint32_t order = 0;  // then in table order (PLT entries, then the symbol table's)
    const char* name = nullptr;
  };
  struct SymbolTable {
    std::vector<PltEntry> plt;  // holds the PLT entries' names
    std::vector<Symbol> symbols;
  };
  // Where a module's DWARF comes from: a CompressedDwarf when its debug
  // sections are compressed (inflated on the module's first lookup; libdw
  // would inflate them all with zlib), else libdwfl's, which reads them in
  // place. Found without reading any DWARF, so that DebugInfo stays cheap
  // for modules no sample is in.
  struct DwarfSource {
    std::unique_ptr<CompressedDwarf> compressed;
    std::unique_ptr<UnitRanges> units;  // of the module's DWARF, on its first lookup
    uint64_t bias = 0;                  // of the DWARF's addresses
  };
  Dwfl_Module* ModuleAt(uint64_t addr);
  const char* SymbolAt(Dwfl_Module* mod, uint64_t addr, SymbolizedAddress* out);
  DwarfSource& SourceOf(Dwfl_Module* mod);
  const UnitRanges* UnitsOf(Dwfl_Module* mod, uint64_t* bias);

  std::map<Dwfl_Module*, SymbolTable> symbols_;
  std::map<Dwfl_Module*, DwarfSource> dwarf_sources_;  // outlives scope_indexes_, whose DIEs are its
  // Per compilation unit (module, CU DIE offset), built on first use.
  std::map<std::pair<Dwfl_Module*, uint64_t>, std::unique_ptr<ScopeIndex>> scope_indexes_;

  Dwfl* dwfl_ = nullptr;
  bool reporting_ = false;
};

}  // namespace cpprof

#endif  // CPPROF_SYMBOLIZE_ELF_SYMBOLIZER_H_
