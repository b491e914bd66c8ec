// Tested by tests/runtime/cpu_profile_test.cc (in-process symbolization),
// tests/symbolize/compressed_dwarf_test.cc (compressed DWARF, libc's frames)
// and tests/symbolize/debuginfo_search_test.cc.
#include "symbolize/elf_symbolizer.h"

#include "symbolize/debuginfo_search.h"
#include "symbolize/scope_index.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <tuple>

namespace cpprof {
namespace {

char* g_debuginfo_path = nullptr;  // libdwfl's default search path, which FindDebuginfo assumes

const Dwfl_Callbacks kCallbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = FindDebuginfo,  // libdwfl's search, without an idle debuginfod client
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = &g_debuginfo_path,
};

// Empties out, keeping its frames' memory.
void Clear(SymbolizedAddress* out) {
  out->frames.clear();
  out->has_lines = false;
  out->symbol_offset = 0;
}

}  // namespace

// The ELF symbol containing addr (the closest one before it when it has no
// size), noting its offset in out.
const char* ElfSymbolizer::SymbolAt(Dwfl_Module* mod, uint64_t addr, SymbolizedAddress* out) {
  auto [it, inserted] = symbols_.try_emplace(mod);
  std::vector<Symbol>& table = it->second.symbols;
  if (inserted) {
    Dwarf_Addr main_bias = 0;
    if (Elf* main = dwfl_module_getelf(mod, &main_bias)) {  // the PLT is in the file that runs
      it->second.plt = ReadPltEntries(main);
    }
    int n = dwfl_module_getsymtab(mod);
    // Sized once: growing libc's and libstdc++'s tables (15k symbols) by
    // doubling, plus a stable sort's buffer, touched ~100 more fresh pages
    // (1-3 ms of the exit write on VMs where a page fault costs 13-30 us).
    table.reserve(it->second.plt.size() + std::max(n, 0));
    for (const PltEntry& e : it->second.plt) {
      table.push_back({e.address + main_bias, e.size, 0, static_cast<uint32_t>(table.size()), e.name.c_str()});
    }
    for (int i = 1; i < n; ++i) {
      GElf_Sym sym;
      GElf_Addr value = 0;
      GElf_Word shndx = 0;
      Elf* elf = nullptr;
      Dwarf_Addr bias = 0;
      const char* name = dwfl_module_getsym_info(mod, i, &sym, &value, &shndx, &elf, &bias);
      int type = GELF_ST_TYPE(sym.st_info);
      if (name == nullptr || *name == '\0' || sym.st_shndx == SHN_UNDEF) continue;
      if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_NOTYPE && type != STT_OBJECT) continue;
      uint64_t size = sym.st_size;
      // A symbol without a size (_init, assembly labels) reaches to the end
      // of its section at most: the PLT after .init is not _init's.
      GElf_Shdr shdr;
      if (Elf_Scn* scn = size == 0 && elf != nullptr ? elf_getscn(elf, shndx) : nullptr;
          scn != nullptr && gelf_getshdr(scn, &shdr) != nullptr && shdr.sh_addr + bias + shdr.sh_size > value) {
        size = shdr.sh_addr + bias + shdr.sh_size - value;
      }
      int bind = GELF_ST_BIND(sym.st_info);
      int rank = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
      table.push_back({value, size, rank, static_cast<uint32_t>(table.size()), name});
    }
    std::sort(table.begin(), table.end(), [](const Symbol& a, const Symbol& b) {
      return std::tie(a.start, a.rank, a.order) < std::tie(b.start, b.rank, b.order);
    });
  }
  auto after =
      std::upper_bound(table.begin(), table.end(), addr, [](uint64_t a, const Symbol& s) { return a < s.start; });
  if (after == table.begin()) return nullptr;
  auto found = std::prev(after);
  while (found != table.begin() && std::prev(found)->start == found->start) --found;  // the preferred alias
  if (found->size != 0 && addr >= found->start + found->size) return nullptr;
  out->symbol_offset = addr - found->start;
  return found->name;
}

ElfSymbolizer::ElfSymbolizer() : dwfl_(dwfl_begin(&kCallbacks)) {
  if (dwfl_ != nullptr) {
    dwfl_report_begin(dwfl_);
    reporting_ = true;
  }
}

ElfSymbolizer::~ElfSymbolizer() {
  if (dwfl_ != nullptr) dwfl_end(dwfl_);
}

bool ElfSymbolizer::AddModule(const std::string& path, uint64_t bias) {
  if (dwfl_ == nullptr) return false;
  if (!reporting_) {
    dwfl_report_begin_add(dwfl_);
    reporting_ = true;
  }
  return dwfl_report_elf(dwfl_, path.c_str(), path.c_str(), -1, bias, false) != nullptr;
}

Dwfl_Module* ElfSymbolizer::ModuleAt(uint64_t addr) {
  if (dwfl_ == nullptr) return nullptr;
  if (reporting_) {
    dwfl_report_end(dwfl_, nullptr, nullptr);
    reporting_ = false;
  }
  return dwfl_addrmodule(dwfl_, addr);
}

ElfSymbolizer::DwarfSource& ElfSymbolizer::SourceOf(Dwfl_Module* mod) {
  auto [it, inserted] = dwarf_sources_.try_emplace(mod);
  if (!inserted) return it->second;
  DwarfSource& source = it->second;
  // libdwfl looks for a module's separate debug file (by build id, then by
  // .gnu_debuglink) when the module has no symbol table of its own, which
  // system libraries lack; a module with one has its DWARF inside, if any.
  // A compressed one elsewhere (debug file of a module with symbols) is
  // left to libdwfl.
  dwfl_module_getsymtab(mod);
  const char* main_file = nullptr;
  const char* debug_file = nullptr;
  Dwarf_Addr debug_bias = 0;
  dwfl_module_info(mod, nullptr, nullptr, nullptr, &debug_bias, nullptr, &main_file, &debug_file);
  Dwarf_Addr main_bias = 0;
  if (main_file != nullptr && dwfl_module_getelf(mod, &main_bias) != nullptr) {
    source.compressed = CompressedDwarf::Find(main_file);
    source.bias = main_bias;
  }
  if (source.compressed == nullptr && debug_file != nullptr && debug_bias != static_cast<Dwarf_Addr>(-1)) {
    source.compressed = CompressedDwarf::Find(debug_file);
    source.bias = debug_bias;
  }
  return source;
}

const UnitRanges* ElfSymbolizer::UnitsOf(Dwfl_Module* mod, uint64_t* bias) {
  DwarfSource& source = SourceOf(mod);
  if (source.units == nullptr) {
    Dwarf* dwarf = nullptr;
    if (source.compressed != nullptr) {
      dwarf = source.compressed->dwarf();
    } else {
      Dwarf_Addr dwfl_bias = 0;
      dwarf = dwfl_module_getdwarf(mod, &dwfl_bias);
      source.bias = dwfl_bias;
    }
    if (dwarf == nullptr) return nullptr;
    source.units = std::make_unique<UnitRanges>(dwarf);
  }
  *bias = source.bias;
  return source.units.get();
}

ModuleDebugInfo ElfSymbolizer::DebugInfo(uint64_t addr) {
  ModuleDebugInfo info;
  Dwfl_Module* mod = ModuleAt(addr);
  if (mod == nullptr) return info;
  info.has_symbols = dwfl_module_getsymtab(mod) > 0;
  if (SourceOf(mod).compressed != nullptr) {
    info.has_dwarf = true;  // not inflated unless a lookup needs it
  } else {
    Dwarf_Addr bias = 0;
    info.has_dwarf = dwfl_module_getdwarf(mod, &bias) != nullptr;
  }
  return info;
}

void ElfSymbolizer::Lookup(uint64_t addr, SymbolizedAddress* out) {
  Clear(out);
  Dwfl_Module* mod = ModuleAt(addr);
  if (mod == nullptr) return;

  uint64_t bias = 0;
  const UnitRanges* units = UnitsOf(mod, &bias);
  Dwarf_Die cu_die;
  Dwarf_Die* cu = units != nullptr ? units->At(addr - bias, &cu_die) : nullptr;
  const char* line_file = nullptr;
  int64_t line = 0;
  if (Dwarf_Line* l = cu != nullptr ? dwarf_getsrc_die(cu, addr - bias) : nullptr) {
    int lineno = 0;
    line_file = dwarf_linesrc(l, nullptr, nullptr);
    if (line_file != nullptr && dwarf_lineno(l, &lineno) == 0) line = lineno;
  }
  std::string_view file = line_file != nullptr ? line_file : "";

  // The innermost function-like scope and its physical nesting (inlined
  // instances up to the enclosing subprogram), as eu-addr2line -i gives.
  // Each inlined_subroutine is one frame whose caller's line is the inlined
  // DIE's call site; the subprogram ends the chain.
  if (cu != nullptr) {
    auto [it, inserted] = scope_indexes_.try_emplace({mod, dwarf_dieoffset(cu)});
    if (inserted) it->second = std::make_unique<ScopeIndex>(cu);
    ScopeIndex& index = *it->second;
    file = index.SourceName(line_file);
    for (int i = index.At(addr - bias); i >= 0; i = index.scope(i).parent) {
      const ScopeIndex::FrameInfo& info = index.Info(i);
      out->frames.push_back({info.name, file, line, info.decl_line});
      Dwarf_Die die = index.scope(i).die;
      if (dwarf_tag(&die) == DW_TAG_subprogram) break;
      file = info.call_file;
      line = info.call_line;
    }
  }

  const char* symbol = SymbolAt(mod, addr, out);
  if (out->frames.empty()) {
    if (symbol == nullptr) return;
    out->frames.push_back({symbol, file, line, 0});
  } else if (symbol != nullptr) {
    out->frames.back().function = symbol;  // the ELF name of the physical function
  }
  out->has_lines = true;
  for (const SymbolFrame& f : out->frames) out->has_lines = out->has_lines && !f.file.empty() && f.line > 0;
}

void ElfSymbolizer::LookupSymbol(uint64_t addr, SymbolizedAddress* out) {
  Clear(out);
  Dwfl_Module* mod = ModuleAt(addr);
  if (mod == nullptr) return;
  if (const char* symbol = SymbolAt(mod, addr, out)) out->frames.push_back({symbol, "", 0, 0});
}

}  // namespace cpprof
