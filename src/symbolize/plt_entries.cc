// Tested by tests/symbolize/elf_symbolizer_test.cc (PLT layouts of real
// binaries, against objdump's names).
#include "symbolize/plt_entries.h"

#include <gelf.h>

#include <cstring>
#include <string_view>
#include <unordered_map>

namespace cpprof {
namespace {

// GOT slot -> symbol name, from the relocations against the dynamic symbol
// table: JUMP_SLOT (.rela.plt, the slots of .plt and .plt.sec entries) and
// GLOB_DAT (.rela.dyn, the slots of .plt.got entries, which the loader
// fills at start-up).
std::unordered_map<uint64_t, const char*> SlotSymbols(Elf* elf) {
  std::unordered_map<uint64_t, const char*> slots;
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(elf, scn)) != nullptr;) {
    GElf_Shdr rela, dynsym;
    Elf_Scn* symbols = nullptr;
    if (gelf_getshdr(scn, &rela) == nullptr || rela.sh_type != SHT_RELA || rela.sh_entsize == 0 ||
        (symbols = elf_getscn(elf, rela.sh_link)) == nullptr || gelf_getshdr(symbols, &dynsym) == nullptr ||
        dynsym.sh_type != SHT_DYNSYM) {
      continue;
    }
    Elf_Data* data = elf_getdata(scn, nullptr);
    Elf_Data* symbol_data = elf_getdata(symbols, nullptr);
    if (data == nullptr || symbol_data == nullptr) continue;
    for (size_t i = 0; i < rela.sh_size / rela.sh_entsize; ++i) {
      GElf_Rela r;
      GElf_Sym sym;
      if (gelf_getrela(data, static_cast<int>(i), &r) == nullptr) break;
      uint64_t type = GELF_R_TYPE(r.r_info);
      if ((type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT) || GELF_R_SYM(r.r_info) == 0 ||
          gelf_getsym(symbol_data, static_cast<int>(GELF_R_SYM(r.r_info)), &sym) == nullptr) {
        continue;
      }
      const char* name = elf_strptr(elf, dynsym.sh_link, sym.st_name);
      if (name != nullptr && *name != '\0') slots.emplace(r.r_offset, name);
    }
  }
  return slots;
}

// The GOT slot a PLT entry at `address` jumps through: its first
// instruction, after an endbr64 (IBT) and a bnd prefix (MPX) if any, is
// jmp *disp32(%rip). False for the PLT header and IBT's lazy stubs, which
// push and jump elsewhere.
bool JumpSlot(const unsigned char* entry, size_t size, uint64_t address, uint64_t* slot) {
  size_t at = 0;
  if (size >= 4 && std::memcmp(entry, "\xf3\x0f\x1e\xfa", 4) == 0) at = 4;
  if (at < size && entry[at] == 0xf2) ++at;
  if (at + 6 > size || entry[at] != 0xff || entry[at + 1] != 0x25) return false;
  uint32_t disp = 0;
  for (int i = 3; i >= 0; --i) disp = disp << 8 | entry[at + 2 + i];  // little-endian
  *slot = address + at + 6 + static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(disp)));
  return true;
}

}  // namespace

std::vector<PltEntry> ReadPltEntries(Elf* elf) {
  std::vector<PltEntry> entries;
  GElf_Ehdr ehdr;
  size_t names = 0;
  if (gelf_getehdr(elf, &ehdr) == nullptr || ehdr.e_machine != EM_X86_64 || elf_getshdrstrndx(elf, &names) != 0) {
    return entries;
  }
  std::unordered_map<uint64_t, const char*> slots = SlotSymbols(elf);
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(elf, scn)) != nullptr;) {
    GElf_Shdr plt;
    if (gelf_getshdr(scn, &plt) == nullptr || plt.sh_type != SHT_PROGBITS) continue;
    const char* section = elf_strptr(elf, names, plt.sh_name);
    std::string_view name = section == nullptr ? "" : section;
    if (name != ".plt" && name != ".plt.sec" && name != ".plt.got") continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (data == nullptr || data->d_buf == nullptr) continue;
    // GNU ld and lld write 16-byte entries (8 in a .plt.got without IBT)
    // and say so in sh_entsize.
    uint64_t step = plt.sh_entsize != 0 ? plt.sh_entsize : 16;
    const auto* bytes = static_cast<const unsigned char*>(data->d_buf);
    for (uint64_t offset = 0; offset + step <= data->d_size; offset += step) {
      uint64_t slot = 0;
      if (!JumpSlot(bytes + offset, step, plt.sh_addr + offset, &slot)) continue;
      auto it = slots.find(slot);
      if (it != slots.end()) entries.push_back({plt.sh_addr + offset, step, std::string(it->second) + "@plt"});
    }
  }
  return entries;
}

}  // namespace cpprof
