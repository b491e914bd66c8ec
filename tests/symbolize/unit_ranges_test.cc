// Tests src/symbolize/unit_ranges.cc: for every address of a program's code
// (every 13th byte of libc's, through libc6-dbg's debug file when it is
// installed), the unit read from .debug_aranges is the unit libdw's
// dwarf_addrdie gives.
#include "symbolize/unit_ranges.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "symbolize/compressed_dwarf.h"
#include "symbolize/elf_image.h"

namespace cpprof {
namespace {

// Compares UnitRanges with dwarf_addrdie at every `step`th byte of the
// executable segments of `binary`, whose DWARF is `dwarf`; returns how many
// addresses had a unit.
int ExpectSameUnits(const std::string& binary, Dwarf* dwarf, uint64_t step) {
  Result<ElfImage> image = ReadElfImage(binary);
  EXPECT_TRUE(image.ok());
  if (!image.ok()) return 0;
  UnitRanges units(dwarf);
  int found = 0;
  for (const LoadSegment& load : image->loads) {
    if (!load.executable) continue;
    for (uint64_t addr = load.vaddr; addr < load.vaddr + load.filesz; addr += step) {
      Dwarf_Die ours, libdw;
      Dwarf_Die* a = units.At(addr, &ours);
      Dwarf_Die* b = dwarf_addrdie(dwarf, addr, &libdw);
      EXPECT_EQ(a != nullptr, b != nullptr) << "at 0x" << std::hex << addr;
      if (a == nullptr || b == nullptr) continue;
      EXPECT_EQ(dwarf_dieoffset(a), dwarf_dieoffset(b)) << "at 0x" << std::hex << addr;
      ++found;
    }
  }
  return found;
}

TEST(UnitRangesTest, FindsTheUnitsLibdwFinds) {
  int fd = open(CPPROF_DWARF_PLAIN, O_RDONLY);
  ASSERT_GE(fd, 0);
  Dwarf* dwarf = dwarf_begin(fd, DWARF_C_READ);
  ASSERT_NE(dwarf, nullptr);
  EXPECT_GT(ExpectSameUnits(CPPROF_DWARF_PLAIN, dwarf, 1), 100);
  dwarf_end(dwarf);
  close(fd);
}

TEST(UnitRangesTest, FindsLibcUnitsAsLibdw) {
  Dl_info info;
  ASSERT_NE(dladdr(reinterpret_cast<void*>(&qsort), &info), 0);
  Result<ElfImage> image = ReadElfImage(info.dli_fname);
  ASSERT_TRUE(image.ok());
  std::string debug =
      "/usr/lib/debug/.build-id/" + image->build_id.substr(0, 2) + "/" + image->build_id.substr(2) + ".debug";
  std::unique_ptr<CompressedDwarf> dwarf = CompressedDwarf::Find(debug);
  if (dwarf == nullptr || dwarf->dwarf() == nullptr) GTEST_SKIP() << "no compressed " << debug << " (libc6-dbg)";
  EXPECT_GT(ExpectSameUnits(info.dli_fname, dwarf->dwarf(), 13), 10000);
}

TEST(UnitRangesTest, WithoutArangesIsDwarfAddrdie) {
  UnitRanges none(nullptr);
  Dwarf_Die die;
  EXPECT_EQ(none.At(0x1000, &die), nullptr);
}

}  // namespace
}  // namespace cpprof
