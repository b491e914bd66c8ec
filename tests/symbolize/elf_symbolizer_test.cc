// Tests the names ElfSymbolizer gives addresses in PLT entries
// (src/symbolize/plt_entries.cc): "<symbol>@plt" without file or line, as
// objdump names the entries, in real binaries of each x86-64 layout (lazy
// .plt, IBT's .plt.sec, .plt.got), built by tests/CMakeLists.txt.
#include "symbolize/elf_symbolizer.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

#include "util/subprocess.h"

namespace cpprof {
namespace {

struct PltLabel {
  std::string section;
  uint64_t address = 0;
};

// objdump's PLT entry labels ("0000000000001030 <puts@plt>:") by symbol,
// with the section start under "" (the PLT header, which has no name).
std::map<std::string, PltLabel> ObjdumpPltLabels(const std::string& binary) {
  int spawn_errno = 0;
  Result<std::string> out =
      RunSubprocess({"objdump", "-d", "-j", ".plt", "-j", ".plt.sec", "-j", ".plt.got", binary}, "", &spawn_errno);
  std::map<std::string, PltLabel> labels;
  if (!out.ok()) return labels;
  static const std::regex kSection(R"(^Disassembly of section (\S+):$)");
  static const std::regex kLabel(R"(^([0-9a-f]+) <(.*)>:$)");
  std::istringstream lines(*out);
  std::string line, section;
  std::smatch m;
  while (std::getline(lines, line)) {
    if (std::regex_match(line, m, kSection)) {
      section = m[1];
    } else if (std::regex_match(line, m, kLabel)) {
      std::string label = m[2];
      uint64_t address = std::stoull(m[1], nullptr, 16);
      if (label.ends_with("@plt")) labels[label.substr(0, label.size() - 4)] = {section, address};
      if (section == ".plt" && !labels.contains("")) labels[""] = {section, address};
    }
  }
  return labels;
}

void ExpectPltNames(const std::string& binary, const std::map<std::string, std::string>& sections) {
  std::map<std::string, PltLabel> labels = ObjdumpPltLabels(binary);
  if (labels.empty()) GTEST_SKIP() << "no objdump";
  for (const auto& [symbol, section] : sections) {
    ASSERT_TRUE(labels.contains(symbol)) << binary << ": objdump names no " << symbol << "@plt";
    EXPECT_EQ(labels[symbol].section, section) << symbol;
  }
  ElfSymbolizer symbolizer;
  ASSERT_TRUE(symbolizer.AddModule(binary, 0));
  for (const auto& [symbol, label] : labels) {
    uint64_t inside = label.address + 2;  // past the entry's start
    SymbolizedAddress found, fast;
    symbolizer.Lookup(inside, &found);
    symbolizer.LookupSymbol(inside, &fast);
    if (symbol.empty()) {
      EXPECT_TRUE(found.frames.empty()) << "PLT header: " << found.frames[0].function;
      continue;
    }
    ASSERT_EQ(found.frames.size(), 1u) << symbol;
    EXPECT_EQ(found.frames[0].function, symbol + "@plt");
    EXPECT_EQ(found.frames[0].file, "");
    EXPECT_EQ(found.frames[0].line, 0);
    EXPECT_FALSE(found.has_lines);
    EXPECT_EQ(found.symbol_offset, 2u);
    ASSERT_EQ(fast.frames.size(), 1u) << symbol;
    EXPECT_EQ(fast.frames[0].function, symbol + "@plt");
  }
}

TEST(ElfSymbolizerTest, NamesLazyPltAndPltGotEntries) {
  ExpectPltNames(CPPROF_PLT_WORKLOAD, {{"puts", ".plt"}, {"getpid", ".plt.got"}});
}

TEST(ElfSymbolizerTest, NamesIbtPltSecAndPltGotEntries) {
  ExpectPltNames(CPPROF_PLT_WORKLOAD_IBT, {{"puts", ".plt.sec"}, {"getpid", ".plt.got"}});
}

}  // namespace
}  // namespace cpprof
