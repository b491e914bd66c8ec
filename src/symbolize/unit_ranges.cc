// Tested by tests/symbolize/unit_ranges_test.cc and, against libdwfl's
// answers for every 13th byte of libc, by the symbolization tests.
#include "symbolize/unit_ranges.h"

#include <gelf.h>

#include <algorithm>
#include <cstring>
#include <string_view>

namespace cpprof {
namespace {

uint64_t Load(const unsigned char* p, size_t size) {
  if (size == 2) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  if (size == 4) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// The data of the file's .debug_aranges as libdw holds it (inflated when it
// was compressed); nullptr when missing, GNU-compressed (.zdebug) or not in
// this machine's byte order.
const Elf_Data* ArangesData(Dwarf* dwarf) {
  Elf* elf = dwarf != nullptr ? dwarf_getelf(dwarf) : nullptr;
  GElf_Ehdr eh;
  size_t names = 0;
  if (elf == nullptr || gelf_getehdr(elf, &eh) == nullptr || elf_getshdrstrndx(elf, &names) != 0) return nullptr;
  constexpr unsigned char kNativeData = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB;
  if (eh.e_ident[EI_DATA] != kNativeData) return nullptr;
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr sh;
    const char* name = gelf_getshdr(scn, &sh) != nullptr ? elf_strptr(elf, names, sh.sh_name) : nullptr;
    if (name == nullptr || std::string_view(name) != ".debug_aranges") continue;
    if (sh.sh_type == SHT_NOBITS || (sh.sh_flags & SHF_COMPRESSED) != 0) return nullptr;
    return elf_getdata(scn, nullptr);
  }
  return nullptr;
}

}  // namespace

UnitRanges::UnitRanges(Dwarf* dwarf) : dwarf_(dwarf) {
  const Elf_Data* data = ArangesData(dwarf);
  if (data != nullptr && data->d_buf != nullptr) {
    read_ = Read(static_cast<const unsigned char*>(data->d_buf), data->d_size);
  }
  if (!read_) ranges_.clear();
  std::sort(ranges_.begin(), ranges_.end(), [](const Range& a, const Range& b) { return a.start < b.start; });
}

// DWARF 5 section 6.1.2: sets of a header (unit_length, version 2, the
// unit's offset, address and segment selector sizes) and (address, length)
// pairs from the next multiple of twice the address size, ended by (0, 0).
// What libdw's dwarf_getaranges rejects (other versions, other sizes, a
// segment selector) makes the whole table unread here too.
bool UnitRanges::Read(const unsigned char* data, size_t size) {
  const unsigned char* p = data;
  const unsigned char* end = data + size;
  while (p < end) {
    const unsigned char* set = p;
    if (end - p < 4) return false;
    uint64_t length = Load(p, 4);
    size_t offset_size = 4;
    p += 4;
    if (length == 0xffffffff) {
      if (end - p < 8) return false;
      length = Load(p, 8);
      offset_size = 8;
      p += 8;
    } else if (length >= 0xfffffff0) {
      return false;
    }
    if (length > static_cast<uint64_t>(end - p) || length < 2 + offset_size + 2) return false;
    const unsigned char* set_end = p + length;
    uint64_t version = Load(p, 2);
    uint64_t unit = Load(p + 2, offset_size);
    p += 2 + offset_size;
    size_t address_size = p[0];
    if (version != 2 || (address_size != 4 && address_size != 8) || p[1] != 0) return false;
    p += 2;
    size_t pair = 2 * address_size;
    p = set + (p - set + pair - 1) / pair * pair;
    for (; p <= set_end && static_cast<size_t>(set_end - p) >= pair; p += pair) {
      uint64_t start = Load(p, address_size), range = Load(p + address_size, address_size);
      if (start != 0 || range != 0) ranges_.push_back({start, range, unit});
    }
    p = set_end;
  }
  return true;
}

Dwarf_Die* UnitRanges::At(uint64_t addr, Dwarf_Die* die) const {
  if (!read_) return dwarf_addrdie(dwarf_, addr, die);
  auto after =
      std::upper_bound(ranges_.begin(), ranges_.end(), addr, [](uint64_t a, const Range& r) { return a < r.start; });
  if (after == ranges_.begin()) return nullptr;
  const Range& r = *std::prev(after);
  if (addr != r.start && addr - r.start >= r.length) return nullptr;
  Dwarf_Off next = 0;
  size_t header_size = 0;
  if (dwarf_next_unit(dwarf_, r.unit, &next, &header_size, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr) != 0) {
    return nullptr;
  }
  return dwarf_offdie(dwarf_, r.unit + header_size, die);
}

}  // namespace cpprof
