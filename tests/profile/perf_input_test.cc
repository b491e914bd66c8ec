// Tests src/profile/perf/: perf.data written here byte by byte (file and pipe
// mode, two events, callchain markers, MMAP2 build ids, COMM/FORK), every
// prefix of it rejected in one line, `perf script` text and folded stacks;
// and src/report/folded.cc, speedscope.cc on the result.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "profile/codec.h"
#include "profile/perf/perf_input.h"
#include "report/report.h"

namespace cpprof {
namespace {

constexpr uint64_t kSampleType = 1 | 2 | 4 | 32 | 256 | (1 << 16);  // IP TID TIME CALLCHAIN PERIOD IDENTIFIER
constexpr uint64_t kKernelMarker = static_cast<uint64_t>(-128), kUserMarker = static_cast<uint64_t>(-512);

struct Bytes {
  std::string s;
  Bytes& U16(uint16_t v) { return Raw(&v, 2); }
  Bytes& U32(uint32_t v) { return Raw(&v, 4); }
  Bytes& U64(uint64_t v) { return Raw(&v, 8); }
  Bytes& Raw(const void* p, size_t n) {
    s.append(static_cast<const char*>(p), n);
    return *this;
  }
  Bytes& Str(std::string_view v, size_t size) {  // NUL-padded to size
    s += v;
    s.append(size - v.size(), '\0');
    return *this;
  }
};

// A perf_event_attr of 128 bytes: software cpu-clock (type 1, config 0) or
// task-clock (config 1), sample_id_all.
std::string Attr(uint64_t config) {
  Bytes a;
  a.U32(1).U32(128).U64(config).U64(4000).U64(kSampleType).U64(0).U64(1 << 18);
  a.s.resize(128, '\0');
  return a.s;
}

// A record with its header; the sample_id trailer (TID, TIME, IDENTIFIER) on kernel records.
std::string Record(uint32_t type, uint16_t misc, const std::string& body, uint64_t time = 0, uint64_t id = 7) {
  Bytes r;
  std::string full = body;
  if (type != 9 && type < 64) full += Bytes().U32(100).U32(100).U64(time).U64(id).s;
  r.U32(type).U16(misc).U16(static_cast<uint16_t>(8 + full.size())).s += full;
  return r.s;
}

std::string Records() {
  std::string d;
  d += Record(3, 0, Bytes().U32(100).U32(100).Str("my app", 16).s);  // COMM
  // MMAP2 with a build id (misc bit 14): /bin/app at 0x400000, 64 KiB, offset 0, r-x.
  Bytes mmap;
  mmap.U32(100).U32(100).U64(0x400000).U64(0x10000).U64(0);
  mmap.s += '\x04';
  mmap.s.append(3, '\0');
  mmap.s += std::string("\xab\xcd\xef\x01", 4);
  mmap.s.append(16, '\0');
  mmap.U32(5).U32(2).Str("/bin/app", 16);
  d += Record(10, 1 << 14, mmap.s);
  // Samples: id 7 (event 0) in the kernel under a user chain, id 8 (event 1) in user code.
  d += Record(9, 1,
              Bytes()
                  .U64(7)
                  .U64(0xffffffff81000010)
                  .U32(100)
                  .U32(101)
                  .U64(5)
                  .U64(1000)
                  .U64(5)
                  .U64(kKernelMarker)
                  .U64(0xffffffff81000010)
                  .U64(0xffffffff81000100)
                  .U64(kUserMarker)
                  .U64(0x401000)
                  .s);
  d += Record(9, 2,
              Bytes()
                  .U64(8)
                  .U64(0x401000)
                  .U32(100)
                  .U32(100)
                  .U64(6)
                  .U64(250)
                  .U64(3)
                  .U64(kUserMarker)
                  .U64(0x401000)
                  .U64(0x402000)
                  .s);
  return d;
}

// EVENT_DESC: {nr, attr_size, per event: attr, nr_ids, string name, ids}.
std::string EventDesc() {
  Bytes f;
  f.U32(2).U32(128);
  f.s += Attr(0);
  f.U32(1).U32(16).Str("cpu-clock:ppp", 16).U64(7);
  f.s += Attr(1);
  f.U32(1).U32(16).Str("task-clock", 16).U64(8);
  return f.s;
}

std::string FileModePerfData() {
  const std::string data = Records(), desc = EventDesc();
  const uint64_t attrs = 104, ids = attrs + 2 * 144, data_at = ids + 16;
  Bytes f;
  f.Str("PERFILE2", 8).U64(104).U64(144).U64(attrs).U64(2 * 144).U64(data_at).U64(data.size()).U64(0).U64(0);
  f.U64(uint64_t{1} << 12).U64(0).U64(0).U64(0);  // features: EVENT_DESC
  f.s += Attr(0);
  f.U64(ids).U64(8);
  f.s += Attr(1);
  f.U64(ids + 8).U64(8);
  f.U64(7).U64(8);
  f.s += data;
  const uint64_t desc_at = f.s.size() + 16;
  f.U64(desc_at).U64(desc.size());
  f.s += desc;
  return f.s;
}

std::string PipeModePerfData() {
  Bytes f;
  f.Str("PERFILE2", 8).U64(16);
  f.s += Record(64, 0, Attr(0) + Bytes().U64(7).s);
  f.s += Record(64, 0, Attr(1) + Bytes().U64(8).s);
  f.s += Record(80, 0, Bytes().U64(12).s + EventDesc());
  f.s += Records();
  return f.s;
}

std::string LabelsOf(const Profile& p, const Sample& s) {
  std::string out;
  for (const Label& l : p.labels_of(s)) {
    out += std::string(p.str(l.key)) + "=" + (l.is_string() ? std::string(p.str(l.str)) : std::to_string(l.num)) + " ";
  }
  return out;
}

std::vector<uint64_t> Addresses(const Profile& p, const Sample& s) {
  std::vector<uint64_t> out;
  for (uint32_t loc : p.stack(s)) out.push_back(p.locations[loc].address);
  return out;
}

void ExpectTwoEventProfile(const Profile& p) {
  ASSERT_EQ(p.num_types(), 4u);
  EXPECT_EQ(p.str(p.sample_types[0].type), "cpu-clock_samples");
  EXPECT_EQ(p.str(p.sample_types[1].type), "cpu-clock");
  EXPECT_EQ(p.str(p.sample_types[1].unit), "nanoseconds");
  EXPECT_EQ(p.str(p.sample_types[3].type), "task-clock");
  EXPECT_EQ(p.str(p.default_sample_type), "cpu-clock");
  ASSERT_EQ(p.samples.size(), 2u);
  EXPECT_EQ(std::vector<int64_t>(p.values.begin(), p.values.begin() + 4), (std::vector<int64_t>{1, 1000, 0, 0}));
  EXPECT_EQ(std::vector<int64_t>(p.values.begin() + 4, p.values.end()), (std::vector<int64_t>{0, 0, 1, 250}));
  EXPECT_EQ(LabelsOf(p, p.samples[0]), "comm=my app pid=100 tid=101 ");
  // Markers dropped; the first entry exact, the others return addresses - 1.
  EXPECT_EQ(Addresses(p, p.samples[0]), (std::vector<uint64_t>{0xffffffff81000010, 0xffffffff810000ff, 0x400fff}));
  EXPECT_EQ(Addresses(p, p.samples[1]), (std::vector<uint64_t>{0x401000, 0x401fff}));
  const Location& user = p.locations[p.stacks[p.samples[1].stack_begin]];
  ASSERT_NE(user.mapping, kNone);
  const Mapping& m = p.mappings[user.mapping];
  EXPECT_EQ(user.mapping, 0u);  // the main binary first
  EXPECT_EQ(p.str(m.file), "/bin/app");
  EXPECT_EQ(p.str(m.build_id), "abcdef01");
  EXPECT_EQ(m.limit, 0x410000u);
  const Location& kernel = p.locations[p.stacks[p.samples[0].stack_begin]];
  EXPECT_EQ(p.str(p.mappings[kernel.mapping].file), "[kernel.kallsyms]");
}

TEST(PerfDataTest, ReadsFileMode) {
  Result<Profile> p = ParseProfile(FileModePerfData());
  ASSERT_TRUE(p.ok()) << p.status().message();
  ExpectTwoEventProfile(*p);
}

TEST(PerfDataTest, ReadsPipeMode) {
  Result<Profile> p = ParseProfile(PipeModePerfData());
  ASSERT_TRUE(p.ok()) << p.status().message();
  ExpectTwoEventProfile(*p);
}

TEST(PerfDataTest, EveryTruncationIsOneLineError) {
  for (const std::string& file : {FileModePerfData(), PipeModePerfData()}) {
    for (size_t n = 8; n < file.size(); ++n) {
      Result<Profile> p = ParseProfile(std::string_view(file).substr(0, n));
      if (p.ok()) continue;  // a pipe-mode stream may end between records
      EXPECT_TRUE(p.status().message().starts_with("parsing profile: malformed perf.data: ")) << p.status().message();
      EXPECT_EQ(p.status().message().find('\n'), std::string::npos);
    }
  }
}

std::string ReadTestdata(const char* name) {
  std::ifstream in(std::string(CPPROF_SOURCE_DIR) + "/tests/perf/testdata/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PerfScriptTest, ReadsPerfScriptText) {
  Result<Profile> p = ParseProfile(ReadTestdata("workload.perf-script"));
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->str(p->sample_types[1].type), "cpu-clock");
  EXPECT_EQ(LabelsOf(*p, p->samples[0]).substr(0, 18), "comm=perf_workload");
  bool found = false;
  for (const Function& f : p->functions) found |= p->str(f.name) == "(anonymous namespace)::HashKeys";
  EXPECT_TRUE(found);
}

TEST(PerfScriptTest, HeaderAndFrameFields) {
  // A comm with a space, pid/tid, a cpu, no period; a C++ name with spaces and parentheses.
  Result<Profile> p = ParseProfile(
      "web server 10/11 [001] 5.000001: task-clock:u: \n"
      "\t    1234 ns::Run(int, char const*) const+0x1f (/usr/bin/web server)\n"
      "\t    5678 [unknown] ([unknown])\n\n");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(LabelsOf(*p, p->samples[0]), "comm=web server pid=10 tid=11 ");
  EXPECT_EQ(p->str(p->sample_types[1].type), "task-clock");
  EXPECT_EQ(p->values[1], 1);
  ASSERT_EQ(p->functions.size(), 1u);
  EXPECT_EQ(p->str(p->functions[0].name), "ns::Run(int, char const*) const");
  EXPECT_EQ(p->str(p->mappings[0].file), "/usr/bin/web server");
}

TEST(FoldedTest, ReadsAndWritesFoldedStacks) {
  Result<Profile> p = ParseProfile("main;a;b 3\nmain;a;c 2\nmain;a;b 1\n");
  ASSERT_TRUE(p.ok()) << p.status().message();
  ReportOptions o;
  o.format = ReportFormat::kFolded;
  Report r(*p, o);
  StringSink folded;
  ASSERT_TRUE(Generate(r, folded).ok());
  EXPECT_EQ(folded.text(), "main;a;b 4\nmain;a;c 2\n");

  o.format = ReportFormat::kSpeedscope;
  o.sample_type = "samples";
  Report s(*p, o);
  StringSink speedscope;
  ASSERT_TRUE(Generate(s, speedscope).ok());
  const std::string& out = speedscope.text();
  EXPECT_NE(out.find(R"("frames":[{"name":"main"},{"name":"a"},{"name":"b"},{"name":"c"}])"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("unit":"none","startValue":0,"endValue":6,"samples":[[0,1,2],[0,1,3]],"weights":[4,2])"),
            std::string::npos)
      << out;
}

TEST(FoldedTest, BadLineIsOneLineError) {
  Result<Profile> p = perf::ParseFolded("a;b 1\na;b x\n");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "malformed folded stacks: line 2: want \"a;b;c <count>\"");
}

}  // namespace
}  // namespace cpprof
