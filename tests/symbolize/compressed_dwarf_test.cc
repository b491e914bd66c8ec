// Tests src/symbolize/compressed_dwarf.cc through ElfSymbolizer: a program
// whose DWARF is zlib-compressed (symbolize_workload built with -gz) is
// symbolized exactly as its copy inflated by objcopy is through libdw, at
// every byte of its code (functions, files, lines, inline chains); and
// libc's frames keep their lines and inline frames through libc6-dbg's
// compressed debug file.
#include "symbolize/compressed_dwarf.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "symbolize/elf_image.h"
#include "symbolize/elf_symbolizer.h"

namespace cpprof {
namespace {

constexpr uint64_t kBias = 0x7f0000000000;

std::string Describe(const SymbolizedAddress& a) {
  std::string s = a.has_lines ? "lines" : "no lines";
  for (const SymbolFrame& f : a.frames) {
    s += " | " + std::string(f.function) + " " + std::string(f.file) + ":" + std::to_string(f.line) + " decl " +
         std::to_string(f.start_line);
  }
  return s;
}

TEST(CompressedDwarfTest, FindsCompressedDwarfOnly) {
  std::unique_ptr<CompressedDwarf> gz = CompressedDwarf::Find(CPPROF_DWARF_GZ);
  ASSERT_NE(gz, nullptr);
  EXPECT_NE(gz->dwarf(), nullptr);
  EXPECT_EQ(CompressedDwarf::Find(CPPROF_DWARF_PLAIN), nullptr);  // libdw reads it in place
  EXPECT_EQ(CompressedDwarf::Find("/nonexistent"), nullptr);
  EXPECT_EQ(CompressedDwarf::Find("/proc/self/status"), nullptr);  // not ELF
}

TEST(CompressedDwarfTest, SymbolizesEveryAddressAsLibdw) {
  Result<ElfImage> image = ReadElfImage(CPPROF_DWARF_GZ);
  ASSERT_TRUE(image.ok()) << image.status().message();
  ElfSymbolizer gz, plain;
  ASSERT_TRUE(gz.AddModule(CPPROF_DWARF_GZ, kBias));
  ASSERT_TRUE(plain.AddModule(CPPROF_DWARF_PLAIN, kBias));
  SymbolizedAddress a, b;
  int compared = 0, with_lines = 0;
  bool inlined_mix = false;
  for (const LoadSegment& load : image->loads) {
    if (!load.executable) continue;
    EXPECT_TRUE(gz.DebugInfo(kBias + load.vaddr).has_dwarf);
    for (uint64_t addr = kBias + load.vaddr; addr < kBias + load.vaddr + load.filesz; ++addr) {
      gz.Lookup(addr, &a);
      plain.Lookup(addr, &b);
      ASSERT_EQ(Describe(a), Describe(b)) << "at file address 0x" << std::hex << addr - kBias;
      ++compared;
      with_lines += a.has_lines;
      if (a.frames.size() > 1 && a.frames[0].function.find("3Mix") != std::string_view::npos) inlined_mix = true;
    }
  }
  EXPECT_GT(compared, 100);
  EXPECT_GT(with_lines, 50);
  EXPECT_TRUE(inlined_mix) << "no address shows work::Mix inlined";
}

// libc6-dbg's debug file for the C library this test runs on, compressed
// (Debian's is); "" when it is not installed.
std::string CompressedLibcDebugFile(const std::string& libc) {
  Result<ElfImage> image = ReadElfImage(libc);
  if (!image.ok() || image->build_id.size() < 3) return "";
  std::string path =
      "/usr/lib/debug/.build-id/" + image->build_id.substr(0, 2) + "/" + image->build_id.substr(2) + ".debug";
  return CompressedDwarf::Find(path) != nullptr ? path : "";
}

TEST(CompressedDwarfTest, LibcFramesKeepLinesAndInlineFrames) {
  Dl_info info;
  ASSERT_NE(dladdr(reinterpret_cast<void*>(&qsort), &info), 0);
  std::string libc = info.dli_fname;
  if (CompressedLibcDebugFile(libc).empty()) GTEST_SKIP() << "no compressed debug file for " << libc << " (libc6-dbg)";
  Result<ElfImage> image = ReadElfImage(libc);
  ASSERT_TRUE(image.ok());
  ElfSymbolizer symbolizer;
  uint64_t bias = reinterpret_cast<uint64_t>(info.dli_fbase);  // libc's first PT_LOAD is at address 0
  ASSERT_TRUE(symbolizer.AddModule(libc, bias));
  SymbolizedAddress a;
  int named = 0, with_lines = 0, inlined = 0;
  for (const LoadSegment& load : image->loads) {
    if (!load.executable) continue;
    EXPECT_TRUE(symbolizer.DebugInfo(bias + load.vaddr + load.filesz / 2).has_dwarf);
    for (uint64_t addr = bias + load.vaddr; addr < bias + load.vaddr + load.filesz; addr += 997) {
      symbolizer.Lookup(addr, &a);
      if (a.frames.empty()) continue;
      ++named;
      with_lines += a.has_lines;
      inlined += a.frames.size() > 1;
    }
  }
  // With libc6-dbg 2.36: 1,349 of 1,368 named addresses have lines, 260
  // are in inline chains.
  EXPECT_GT(named, 500);
  EXPECT_GT(with_lines, named * 9 / 10);
  EXPECT_GT(inlined, named / 10);
}

}  // namespace
}  // namespace cpprof
