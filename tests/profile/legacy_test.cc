// Tests src/profile/legacy/: every input of google/pprof's profile/testdata
// against its .string golden (the parse alone, before any merge), and
// synthetic inputs for the cases the goldens do not cover. Expected values
// of Go functions were printed by Go 1.19 on amd64.
#include <gtest/gtest.h>

#include <bit>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "profile/codec.h"
#include "profile/dump.h"
#include "profile/legacy/heap_scaling.h"
#include "profile/legacy/legacy.h"
#include "profile/legacy/text.h"

namespace cpprof {
namespace {

const char* kTestdata = "/usr/share/gocode/src/github.com/google/pprof/profile/testdata";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ParseAndDump(std::string_view data) {
  Result<Profile> p = ParseProfile(data);
  if (!p.ok()) return "error: " + p.status().message();
  return DumpProfile(*p);
}

// Expects each of `parts` in the dump of `input`.
void ExpectDumpHas(std::string_view input, std::initializer_list<std::string_view> parts) {
  std::string dump = ParseAndDump(input);
  for (std::string_view part : parts) EXPECT_NE(dump.find(part), std::string::npos) << part << " in\n" << dump;
}

class GoldenTest : public testing::TestWithParam<const char*> {};

TEST_P(GoldenTest, MatchesPprofParse) {
  std::string path = std::string(kTestdata) + "/" + GetParam();
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "golang-github-google-pprof-dev not installed";
  EXPECT_EQ(ParseAndDump(ReadFile(path)), ReadFile(path + ".string"));
}

INSTANTIATE_TEST_SUITE_P(PprofTestdata, GoldenTest,
                         testing::Values("cppbench.contention", "cppbench.cpu", "cppbench.growth", "cppbench.heap",
                                         "cppbench.thread", "cppbench.thread.all", "cppbench.thread.none",
                                         "go.crc32.cpu", "go.godoc.thread", "gobench.cpu", "gobench.heap",
                                         "java.contention", "java.cpu", "java.heap"));

// A gperftools CPU profile: header, two samples, end marker, memory map.
std::string CpuProfile(size_t word, bool big_endian) {
  std::string out;
  auto put = [&](uint64_t v) {
    for (size_t i = 0; i < word; ++i) {
      size_t shift = 8 * (big_endian ? word - 1 - i : i);
      out += static_cast<char>(v >> shift & 0xff);
    }
  };
  for (uint64_t v : {0, 3, 0, 10000, 0}) put(v);
  for (uint64_t v : {5, 2, 0x401010, 0x402020}) put(v);
  for (uint64_t v : {1, 3, 0x401010, 0x401010, 0x402020}) put(v);
  for (uint64_t v : {0, 1, 0}) put(v);
  return out + "--- Memory map: ---\n00400000-00500000 r-xp 00000000 08:01 1234 /bin/app\n";
}

TEST(LegacyCpuTest, AllWordSizesAndByteOrdersReadAlike) {
  // The second sample's leaf, recorded twice (from the signal context and,
  // adjusted by -1, from the stack), is kept once; its twin stays listed.
  ExpectDumpHas(CpuProfile(8, false),
                {"Period: 10000000\n", "          1   10000000: 1 2 \n", "     3: 0x40100f M=1 \n"});
  std::string expected = ParseAndDump(CpuProfile(8, false));
  EXPECT_EQ(ParseAndDump(CpuProfile(8, true)), expected);
  EXPECT_EQ(ParseAndDump(CpuProfile(4, false)), expected);
  EXPECT_EQ(ParseAndDump(CpuProfile(4, true)), expected);
}

TEST(LegacyCpuTest, TruncatedRecordIsUnrecognized) {
  std::string data = CpuProfile(4, false).substr(0, 20 + 4 * 3);
  EXPECT_EQ(ParseAndDump(data), "error: parsing profile: unrecognized profile format");
}

TEST(LegacyHeapTest, ErrorsReadLikePprof) {
  EXPECT_EQ(ParseAndDump("heap profile: 1: 2 [ 1: 2] @ heap_v2/524288\n0: 5 [0: 0] @ 0x1\n"),
            "error: parsing profile: inuse count was 0 but inuse bytes was 5");
  EXPECT_EQ(ParseAndDump("heap profile: 1: 2 [ 1: 2] @ heap_v2/524288\nnot a sample\n"),
            "error: parsing profile: unexpected number of sample values: got 0, want 6");
  EXPECT_EQ(ParseAndDump("heap profile: 1: 2 [ 1: 2] @ heap_v2/524288\n1: 99999999999999999999 [0: 0] @ 0x1\n"),
            "error: parsing profile: malformed sample: 1: 99999999999999999999 [0: 0] @ 0x1: "
            "strconv.ParseInt: parsing \"99999999999999999999\": value out of range");
}

TEST(LegacyHeapTest, HeapprofileIsNotScaledAndDropsZeroLabels) {
  ExpectDumpHas("heap profile: 2: 64 [ 2: 64] @ heapprofile\n2: 64 [2: 64] @ 0x10 0x20\n0: 0 [0: 0] @ 0x10\n",
                {"          2         64: 1 2 \n                bytes:[32]\n", "          0          0: 1 \nLocations",
                 "     1: 0xf M=1 \n"});
}

TEST(LegacyTextTest, MemoryMapVariablesAndLogPrefixes) {
  ExpectDumpHas(
      "--- contentionz 1 ---\ncycles/second = 1000000000\n100 2 @ 0x501000\n--- Memory map: ---\n"
      "dir=/opt/app\nI0101 00:00:00.000000 42 main.cc:7] 0x500000-0x600000 $dir/bin (@1000) abc123\n",
      {"1: 0x500000/0x600000/0x1000 /opt/app/bin abc123 \n", "          2        100: 1 \n"});
}

TEST(LegacyThreadTest, SameAsPreviousCountsTowardsThePreviousStack) {
  ExpectDumpHas(
      "--- threadz 1 ---\n\n--- Thread 1 (name: main/1) stack: ---\n  PC: 0x10\n  0x20\n"
      "--- Thread 2 (name: w/2) stack: ---\n  same as previous thread\n---- no stack trace for 3\n",
      {"          2: 1 2 \n"});
}

TEST(LegacyGoCountTest, MalformedSampleStops) {
  EXPECT_EQ(ParseAndDump("goroutine profile: total 1\n1 @ 0xZ\n"), "error: parsing profile: malformed profile format");
  ExpectDumpHas("# comment\ngoroutine profile: total 3\n3 @ 0x10 0x20\n#\t0x1 main.f\n",
                {"PeriodType: goroutine count\n", "          3: 1 2 \n"});
}

TEST(LegacyScalingTest, GoExpBitForBit) {
  const std::pair<double, uint64_t> cases[] = {{-0.001953125, 0x3feff003ff556aa9},
                                               {-1e-9, 0x3fefffffff768fa1},
                                               {-0.5, 0x3fe368b2fc6f960a},
                                               {-1, 0x3fd78b56362cef38},
                                               {-3.7, 0x3f99511fc6871044},
                                               {-700, 0x00d14f2b0fb9307f},
                                               {-745.5, 0},
                                               {-1e300, 0},
                                               {0.3, 0x3ff599058c8c1a96},
                                               {709.7, 0x7ff0000000000000},  // Go's exp overflows early; so must we
                                               {1e-310, 0x3ff0000000000000},
                                               {-0.0001220703125, 0x3fefff0003fff555}};
  for (auto [x, bits] : cases) EXPECT_EQ(std::bit_cast<uint64_t>(legacy::GoExp(x)), bits) << x;
}

TEST(LegacyScalingTest, ScaleHeapSampleMatchesGo) {
  struct Case {
    int64_t count, size, rate, want_count, want_size;
  };
  const Case cases[] = {{1, 32, 524288, 16384, 524304},
                        {3, 96, 524288, 49153, 1572912},
                        {7, 1000000, 524288, 29, 4192694},
                        {-5, 100, 524288, 131069, -2621390},
                        {1, 1, 2, 2, 2},
                        {123456, 789012345, 524288, 10189546, 65121806999},
                        {5, 100, 1, 5, 100}};
  for (const Case& c : cases) {
    EXPECT_EQ(legacy::ScaleHeapSample(c.count, c.size, c.rate), std::make_pair(c.want_count, c.want_size))
        << c.count << " " << c.size << " " << c.rate;
  }
}

TEST(LegacyTextTest, GoParseInt) {
  int64_t v;
  std::string error;
  EXPECT_TRUE(legacy::GoParseInt("0x1_0", 0, &v));
  EXPECT_EQ(v, 16);
  EXPECT_TRUE(legacy::GoParseInt("-010", 0, &v));
  EXPECT_EQ(v, -8);
  EXPECT_FALSE(legacy::GoParseInt("1__0", 0, &v, &error));
  EXPECT_EQ(error, "strconv.ParseInt: parsing \"1__0\": invalid syntax");
  EXPECT_FALSE(legacy::GoParseInt("09", 0, &v));
  EXPECT_TRUE(legacy::GoParseInt("-9223372036854775808", 10, &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_FALSE(legacy::GoParseInt("9223372036854775808", 10, &v, &error));
  EXPECT_EQ(error, "strconv.ParseInt: parsing \"9223372036854775808\": value out of range");
}

TEST(LegacyTextTest, ScannerRejectsLinesOf64KiB) {
  std::string data = "a\n" + std::string(65535, 'x') + "\n" + std::string(65536, 'y') + "\nz";
  legacy::LineScanner s(data);
  ASSERT_TRUE(s.Scan());
  ASSERT_TRUE(s.Scan());
  EXPECT_EQ(s.text().size(), 65535u);
  EXPECT_FALSE(s.Scan());
  EXPECT_EQ(s.status().message(), "bufio.Scanner: token too long");
  EXPECT_EQ(s.text().size(), 65535u);  // Go keeps the previous line
}

TEST(LegacyTextTest, VariableReplacerEarliestNameWins) {
  auto replace = [](std::initializer_list<std::pair<const char*, const char*>> vars) {
    legacy::VariableReplacer r;
    for (auto [name, value] : vars) r.Add(name, value);
    return r.Replace("$ab $a");
  };
  EXPECT_EQ(replace({{"$a", "X"}, {"$ab", "Y"}}), "Xb X");
  EXPECT_EQ(replace({{"$ab", "Y"}, {"$a", "X"}}), "Y X");
  EXPECT_EQ(replace({{"$a", "X"}, {"$a", "Z"}}), "Xb X");
  EXPECT_EQ(replace({{"$", "X"}, {"$a", "Z"}}), "Xab Xa");
}

TEST(LegacyTextTest, TrimSpaceKnowsUnicodeSpaces) {
  EXPECT_EQ(legacy::TrimSpace("\xc2\xa0 x\t\xe3\x80\x80"), "x");
  EXPECT_EQ(legacy::TrimSpace("\xff x \xff"), "\xff x \xff");
}

}  // namespace
}  // namespace cpprof
