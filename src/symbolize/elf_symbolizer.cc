// Tested by tests/runtime/cpu_profile_test.cc (in-process symbolization).
#include "symbolize/elf_symbolizer.h"

#include "symbolize/scope_index.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>

namespace cpprof {
namespace {

char* g_debuginfo_path = nullptr;  // libdwfl's default search path

const Dwfl_Callbacks kCallbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
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
      for (const PltEntry& e : it->second.plt) table.push_back({e.address + main_bias, e.size, 0, e.name.c_str()});
    }
    int n = dwfl_module_getsymtab(mod);
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
      table.push_back({value, size, bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2, name});
    }
    std::stable_sort(table.begin(), table.end(), [](const Symbol& a, const Symbol& b) {
      return a.start != b.start ? a.start < b.start : a.rank < b.rank;
    });
  }
  auto after = std::upper_bound(table.begin(), table.end(), addr,
                                [](uint64_t a, const Symbol& s) { return a < s.start; });
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

ModuleDebugInfo ElfSymbolizer::DebugInfo(uint64_t addr) {
  ModuleDebugInfo info;
  Dwfl_Module* mod = ModuleAt(addr);
  if (mod == nullptr) return info;
  info.has_symbols = dwfl_module_getsymtab(mod) > 0;
  Dwarf_Addr bias = 0;
  info.has_dwarf = dwfl_module_getdwarf(mod, &bias) != nullptr;
  return info;
}

void ElfSymbolizer::Lookup(uint64_t addr, SymbolizedAddress* out) {
  Clear(out);
  Dwfl_Module* mod = ModuleAt(addr);
  if (mod == nullptr) return;

  const char* line_file = nullptr;
  int64_t line = 0;
  if (Dwfl_Line* l = dwfl_module_getsrc(mod, addr)) {
    int lineno = 0;
    line_file = dwfl_lineinfo(l, nullptr, &lineno, nullptr, nullptr, nullptr);
    if (line_file != nullptr) line = lineno;
  }
  std::string_view file = line_file != nullptr ? line_file : "";

  Dwarf_Addr bias = 0;
  // The innermost function-like scope and its physical nesting (inlined
  // instances up to the enclosing subprogram), as eu-addr2line -i gives.
  // Each inlined_subroutine is one frame whose caller's line is the inlined
  // DIE's call site; the subprogram ends the chain.
  if (Dwarf_Die* cu = dwfl_module_addrdie(mod, addr, &bias)) {
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
