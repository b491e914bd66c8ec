// Tests src/symbolize/kernel_symbolizer.cc: kernel locations named from a
// kallsyms text, "[kernel]" without addresses (not root) or for another
// kernel's build id, user mappings left alone.
#include <gtest/gtest.h>

#include "symbolize/kernel_symbolizer.h"

namespace cpprof {
namespace {

constexpr const char* kKallsyms =
    "ffffffff81000000 T _text\n"
    "ffffffff81000100 T do_syscall_64\n"
    "ffffffff81000200 t pvm_irq_enable\n"
    "ffffffff81000300 D some_data\n"
    "ffffffffc0000000 t ext4_read\t[ext4]\n";

Profile KernelProfile(const char* build_id) {
  Profile p;
  auto S = [&](const char* s) { return p.strings.Intern(s); };
  p.mappings.push_back({1, 0x400000, 0x500000, 0, S("/bin/app"), 0});
  p.mappings.push_back({2, 0xffffffff81000000, 0xffffffff82000000, 0, S("[kernel.kallsyms]"), S(build_id)});
  p.mappings.push_back({3, 0xffffffffc0000000, 0xffffffffc0100000, 0, S("[ext4]"), 0});
  p.locations.push_back({1, 0, 0x401000, 0, 0, false});
  p.locations.push_back({2, 1, 0xffffffff81000150, 0, 0, false});
  p.locations.push_back({3, 1, 0xffffffff81000310, 0, 0, false});
  p.locations.push_back({4, 2, 0xffffffffc0000010, 0, 0, false});
  return p;
}

std::vector<std::string> Names(const Profile& p) {
  std::vector<std::string> out;
  for (const Location& l : p.locations) {
    out.emplace_back(l.line_count == 0 ? "-" : p.str(p.functions[p.lines[l.line_begin].function].name));
  }
  return out;
}

TEST(KernelSymbolizerTest, NamesKernelFramesFromKallsyms) {
  Profile p = KernelProfile("abcd");
  SymbolizeKernel(p, [] { return RunningKernel{kKallsyms, "abcd"}; });
  // Data symbols are not functions: 0x...310 belongs to pvm_irq_enable.
  EXPECT_EQ(Names(p), (std::vector<std::string>{"-", "do_syscall_64", "pvm_irq_enable", "ext4_read"}));
  EXPECT_FALSE(p.mappings[0].has_functions);
  EXPECT_TRUE(p.mappings[1].has_functions);
}

TEST(KernelSymbolizerTest, KernelWithoutAddressesOrAnotherBuildId) {
  Profile hidden = KernelProfile("abcd");
  SymbolizeKernel(hidden, [] { return RunningKernel{"0000000000000000 T _text\n", "abcd"}; });
  EXPECT_EQ(Names(hidden), (std::vector<std::string>{"-", "[kernel]", "[kernel]", "[kernel]"}));
  Profile other = KernelProfile("abcd");
  SymbolizeKernel(other, [] { return RunningKernel{kKallsyms, "ef01"}; });
  EXPECT_EQ(Names(other), (std::vector<std::string>{"-", "[kernel]", "[kernel]", "ext4_read"}));
}

TEST(KernelSymbolizerTest, ReadsNothingWithoutKernelFrames) {
  Profile p = KernelProfile("abcd");
  p.mappings.resize(1);
  p.locations.resize(1);
  bool read = false;
  SymbolizeKernel(p, [&] {
    read = true;
    return RunningKernel{};
  });
  EXPECT_FALSE(read);
}

}  // namespace
}  // namespace cpprof
