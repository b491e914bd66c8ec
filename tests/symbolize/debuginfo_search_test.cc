// Tests src/symbolize/debuginfo_search.cc through ElfSymbolizer: a debug
// file found only by its .gnu_debuglink name next to the module is still
// found, and a module with no debug file anywhere is symbolized from its
// symbols without loading the debuginfod client when DEBUGINFOD_URLS names
// no server. The modules are copies of symbolize_workload made by objcopy
// in a temporary directory.
#include "symbolize/debuginfo_search.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "symbolize/elf_image.h"
#include "symbolize/elf_symbolizer.h"
#include "util/subprocess.h"

namespace cpprof {
namespace {

constexpr uint64_t kBias = 0x7f0000000000;

class DebuginfoSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("DEBUGINFOD_URLS");
    char dir[] = "/tmp/cpprof_debuginfo_XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Objcopy(std::vector<std::string> args) {
    args.insert(args.begin(), CPPROF_OBJCOPY);
    int spawn_errno = 0;
    Result<std::string> out = RunSubprocess(args, "", &spawn_errno);
    ASSERT_TRUE(out.ok()) << out.status().message();
  }

  // How many addresses of the module's code have file and line.
  int AddressesWithLines(const std::string& module, bool* has_dwarf) {
    Result<ElfImage> image = ReadElfImage(module);
    EXPECT_TRUE(image.ok());
    if (!image.ok()) return 0;
    ElfSymbolizer symbolizer;
    EXPECT_TRUE(symbolizer.AddModule(module, kBias));
    SymbolizedAddress out;
    int with_lines = 0;
    for (const LoadSegment& load : image->loads) {
      if (!load.executable) continue;
      *has_dwarf = symbolizer.DebugInfo(kBias + load.vaddr).has_dwarf;
      for (uint64_t addr = kBias + load.vaddr; addr < kBias + load.vaddr + load.filesz; ++addr) {
        symbolizer.Lookup(addr, &out);
        with_lines += out.has_lines;
      }
    }
    return with_lines;
  }

  std::string dir_;
};

TEST_F(DebuginfoSearchTest, FindsADebugFileByItsDebuglinkName) {
  std::string module = dir_ + "/debuglinked", debug = dir_ + "/debuglinked.dbg";
  Objcopy({"--only-keep-debug", CPPROF_DWARF_PLAIN, debug});
  Objcopy({"--strip-debug", "--add-gnu-debuglink=" + debug, CPPROF_DWARF_PLAIN, module});
  bool has_dwarf = false;
  EXPECT_GT(AddressesWithLines(module, &has_dwarf), 50);
  EXPECT_TRUE(has_dwarf);
}

TEST_F(DebuginfoSearchTest, LeavesTheIdleDebuginfodClientUnloaded) {
  if (dlopen("libdebuginfod.so.1", RTLD_LAZY | RTLD_NOLOAD) != nullptr) GTEST_SKIP() << "already loaded";
  std::string module = dir_ + "/nodebug";
  Objcopy({"--strip-debug", CPPROF_DWARF_PLAIN, module});
  bool has_dwarf = true;
  EXPECT_EQ(AddressesWithLines(module, &has_dwarf), 0);
  EXPECT_FALSE(has_dwarf);
  EXPECT_EQ(dlopen("libdebuginfod.so.1", RTLD_LAZY | RTLD_NOLOAD), nullptr);
}

}  // namespace
}  // namespace cpprof
