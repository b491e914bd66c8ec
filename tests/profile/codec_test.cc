// Tests src/profile/decode.cc, encode.cc, gzip.cc, merge.cc and filter.cc on
// profiles built here and on the Go-written corpus.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <fstream>
#include <sstream>

#include "profile/codec.h"
#include "profile/dump.h"
#include "profile/filter.h"
#include "profile/gzip.h"
#include "profile/merge.h"
#include "profile/validate.h"

namespace cpprof {
namespace {

// A profile with every field set: inline frames, folded location, labels of
// both kinds with units, mapping flags and build id, comments, doc_url.
Profile EveryField() {
  Profile p;
  auto S = [&](const char* s) { return p.strings.Intern(s); };
  p.sample_types = {{S("samples"), S("count")}, {S("cpu"), S("nanoseconds")}};
  p.mappings.push_back({1, 0x400000, 0x500000, 0x1000, S("/bin/app"), S("abcd"), true, true, true, true});
  p.functions.push_back({1, S("main"), S("_Z4mainv"), S("main.cc"), 3});
  p.functions.push_back({2, S("inlined"), S("inlined"), S("lib.h"), 10});
  p.lines = {{1, 12, 4}, {0, 20, 0}, {0, 25, 1}};
  p.locations.push_back({1, 0, 0x401000, 0, 2, false});
  p.locations.push_back({2, 0, 0x402000, 2, 1, true});
  p.stacks = {0, 1, 1};
  p.samples.push_back({0, 2, 0, 3});
  p.samples.push_back({2, 1, 3, 0});
  p.values = {1, 10, 2, 20};
  p.labels = {{S("a"), S("x"), 0, 0}, {S("b"), S("y"), 0, 0}, {S("bytes"), 0, 64, S("bytes")}};
  p.drop_frames = S("drop.*");
  p.keep_frames = S("keep");
  p.time_nanos = 1700000000000000000;
  p.duration_nanos = 10000000000;
  p.period_type = {S("cpu"), S("nanoseconds")};
  p.period = 10000000;
  p.comments = {S("first comment"), S("second")};
  p.default_sample_type = S("cpu");
  p.doc_url = S("https://example.com/doc");
  return p;
}

// protozero drops empty nested messages; an empty sample type must survive a
// write/read round trip anyway (found by the fuzzer).
TEST(CodecTest, RoundTripKeepsEmptyMessages) {
  Profile p;
  p.sample_types.push_back({0, 0});
  p.locations.push_back({1, kNone, 0x10, 0, 0, false});
  p.stacks = {0};
  p.samples.push_back({0, 1, 0, 0});
  p.values = {4};
  Result<Profile> q = ParseProfile(WriteProfile(p));
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(DumpProfile(p), DumpProfile(*q));
  EXPECT_EQ(q->sample_types.size(), 1u);
}

TEST(CodecTest, RoundTripPreservesEveryField) {
  Profile p = EveryField();
  ASSERT_TRUE(CheckValid(p).ok());
  std::string bytes = WriteProfile(p);
  Result<Profile> q = ParseProfile(bytes);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(DumpProfile(p), DumpProfile(*q));
  EXPECT_EQ(EncodeProfile(p), EncodeProfile(*q));
  EXPECT_EQ(q->str(q->doc_url), "https://example.com/doc");
  EXPECT_EQ(q->lines[0].column, 4);
  EXPECT_TRUE(q->locations[1].is_folded);
  EXPECT_TRUE(q->mappings[0].has_inline_frames);
  EXPECT_EQ(q->str(q->labels[2].num_unit), "bytes");
}

TEST(CodecTest, RejectsBadInputWithOneLineErrors) {
  for (std::string bad :
       {std::string(), std::string("not a profile at all\n"), std::string("\x1f\x8b\x08garbage", 11)}) {
    Result<Profile> r = ParseProfile(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  }
  std::string good = WriteProfile(EveryField());
  for (size_t cut : {good.size() / 2, good.size() - 3}) {
    EXPECT_FALSE(ParseProfile(good.substr(0, cut)).ok()) << cut;
  }
}

TEST(CodecTest, DetectsInvalidReferences) {
  Profile p = EveryField();
  p.locations[1].id = 1;  // duplicate id
  Result<Profile> r = ParseProfile(EncodeProfile(p));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "malformed profile: multiple locations with same id: 1");
}

// The decoder's code, not its words, chooses what ParseProfile does next
// (pprof's profile.go:194): its sentinels and an invalid profile end the parse,
// where any other decoding error would go on to the legacy parsers and end in
// "unrecognized profile format".
TEST(CodecTest, DecoderCodesDecideWhetherLegacyParsersRun) {
  Result<Profile> empty = ParseProfile("");
  EXPECT_EQ(empty.status().code(), Status::Code::kNoData);
  EXPECT_EQ(empty.status().message(), "parsing profile: empty input file");

  Profile p = EveryField();
  p.time_nanos = 1;
  std::string twice = EncodeProfile(p) + EncodeProfile(p);
  Result<Profile> concatenated = ParseProfile(twice);
  EXPECT_EQ(concatenated.status().code(), Status::Code::kConcatenated);
  EXPECT_EQ(concatenated.status().message(), "parsing profile: concatenated profiles detected");

  p.locations[1].id = 1;  // duplicate id: reported as is, without "parsing profile"
  Result<Profile> invalid = ParseProfile(EncodeProfile(p));
  EXPECT_TRUE(invalid.status().IsMalformed());
  EXPECT_EQ(invalid.status().message(), "malformed profile: multiple locations with same id: 1");

  Result<Profile> text = ParseProfile("not a profile at all\n");
  EXPECT_TRUE(text.status().IsUnrecognized());
  EXPECT_EQ(text.status().message(), "parsing profile: unrecognized profile format");
}

TEST(CodecTest, ReadsTheGoCorpus) {
  std::ifstream in(std::string(CPPROF_SOURCE_DIR) + "/../shared/corpus/go.cpu.pb.gz", std::ios::binary);
  if (!in) GTEST_SKIP() << "corpus not present";
  std::stringstream ss;
  ss << in.rdbuf();
  Result<Profile> p = ParseProfile(ss.str());
  ASSERT_TRUE(p.ok()) << p.status().message();
  Result<Profile> again = ParseProfile(WriteProfile(*p));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(DumpProfile(*p), DumpProfile(*again));
}

// 300k samples: enough that decoding and merging split the work across
// threads (64k samples a thread at least) wherever there are two cores.
Profile ManySamples(size_t count) {
  Profile p = EveryField();
  p.samples.clear();
  p.values.clear();
  p.stacks.clear();
  for (size_t i = 0; i < count; ++i) {
    uint32_t depth = 1 + i % 7;
    p.samples.push_back({static_cast<uint32_t>(p.stacks.size()), depth, static_cast<uint32_t>(i % 3), i % 2 ? 1u : 0u});
    for (uint32_t d = 0; d < depth; ++d) p.stacks.push_back((i >> d) & 1);
    p.values.push_back(static_cast<int64_t>(i % 5));  // some all-zero samples too
    p.values.push_back(0);
  }
  return p;
}

// Packed location ids of every varint width from 1 to 6 bytes, at the start,
// middle and end of a stack (the decoder's fast paths read three bytes
// ahead and leave the last two of a stack to protozero).
TEST(CodecTest, PackedLocationIdsOfEveryWidth) {
  Profile p;
  p.sample_types.push_back({p.strings.Intern("samples"), p.strings.Intern("count")});
  for (uint64_t id : {1ull, 127ull, 128ull, 16383ull, 16384ull, 2097151ull, 2097152ull, 1ull << 35}) {
    p.locations.push_back({id, kNone, 0x1000 + id, 0, 0, false});
  }
  const std::vector<std::vector<uint32_t>> stacks = {
      {0, 1, 2, 3, 4, 5, 6, 7}, {7, 6, 5, 4, 3, 2, 1, 0}, {7}, {0}, {3, 7}, {7, 0}, {2, 2, 2, 7, 7}, {6, 5}};
  for (const std::vector<uint32_t>& stack : stacks) {
    p.samples.push_back({static_cast<uint32_t>(p.stacks.size()), static_cast<uint32_t>(stack.size()), 0, 0});
    p.stacks.insert(p.stacks.end(), stack.begin(), stack.end());
    p.values.push_back(1);
  }
  Result<Profile> q = ParseProfile(WriteProfile(p));
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(DumpProfile(p), DumpProfile(*q));
}

TEST(CodecTest, ParallelDecodeEqualsTheProfileWritten) {
  Profile p = ManySamples(300000);
  Result<Profile> q = ParseProfile(WriteProfile(p));
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(DumpProfile(p), DumpProfile(*q));
}

TEST(CodecTest, ParallelDecodeReportsTheFirstBadSample) {
  std::string good = EncodeProfile(ManySamples(300000));
  // Samples may come anywhere in the message: one with a single value at the
  // end (the last thread's), one naming location 99 at the start (the first's).
  const std::string one_value("\x12\x02\x10\x05", 4);
  const std::string unknown_location("\x12\x06\x08\x63\x10\x01\x10\x00", 8);
  Result<Profile> late = DecodeProfile(good + one_value);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().message(), "malformed profile: mismatch: sample has 1 values vs. 2 types");
  Result<Profile> both = DecodeProfile(unknown_location + good + one_value);
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().message(), "malformed profile: sample has nil location");
}

TEST(MergeTest, SumsEqualSamplesAndCancelsAgainstBase) {
  Profile a = EveryField();
  Profile b = EveryField();
  Result<Profile> m = Merge({a, b});
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->samples.size(), 2u);
  EXPECT_EQ(m->values[1], 20);
  EXPECT_EQ(m->duration_nanos, 20000000000);
  std::vector<double> minus(2, -1.0);
  ScaleValues(b, minus);
  Result<Profile> diff = Merge({a, b});
  ASSERT_TRUE(diff.ok());
  EXPECT_TRUE(diff->samples.empty());
}

// The text, tree and graph reports skip the merge of a single profile when
// it would leave the mappings as they are (driver/fetch.cc).
TEST(MergeTest, CompactKeepsMappingsOnlyWhenItWouldNotReorderOrMergeThem) {
  auto S = [](Profile& p, const char* s) { return p.strings.Intern(s); };
  auto two_mappings = [&](uint32_t first_used) {
    Profile p = EveryField();
    p.mappings.push_back({2, 0x600000, 0x700000, 0, S(p, "/lib/libc.so"), 0, true, true, true, true});
    p.locations[0].mapping = first_used;
    p.locations[1].mapping = 1 - first_used;
    return p;
  };
  EXPECT_TRUE(CompactKeepsMappings(EveryField()));
  EXPECT_TRUE(CompactKeepsMappings(two_mappings(0)));
  // Samples use the third mapping before the second: the merge swaps them.
  Profile later = two_mappings(0);
  later.mappings.push_back({3, 0x800000, 0x900000, 0, S(later, "/lib/libm.so"), 0, true, true, true, true});
  later.locations[0].mapping = 2;
  EXPECT_FALSE(CompactKeepsMappings(later));
  // A mapping no sample uses is dropped by the merge.
  Profile unused = EveryField();
  unused.mappings.push_back({2, 0x600000, 0x700000, 0, S(unused, "/lib/libc.so"), 0, true, true, true, true});
  EXPECT_FALSE(CompactKeepsMappings(unused));
  // Two mappings of the same file, size and offset become one.
  Profile twice = two_mappings(0);
  twice.mappings[1] = twice.mappings[0];
  twice.mappings[1].start += 0x1000000;
  twice.mappings[1].limit += 0x1000000;
  EXPECT_FALSE(CompactKeepsMappings(twice));
}

TEST(FilterTest, AllFramesKeepsWhatDropFramesWouldPrune) {
  Profile p = EveryField();
  auto S = [&](const char* s) { return p.strings.Intern(s); };
  p.drop_frames = S("inlined");
  p.keep_frames = 0;
  Profile pruned = p;
  ASSERT_TRUE(RemoveUninteresting(pruned).ok());
  // Sample 0 is main <- inlined: the inlined callee and below go.
  EXPECT_EQ(pruned.lines_of(pruned.locations[0]).size(), 1u);
  EXPECT_EQ(pruned.samples[1].stack_size, 1u);
  Profile all = p;
  all.drop_frames = 0;  // what -all_frames does before pruning
  ASSERT_TRUE(RemoveUninteresting(all).ok());
  EXPECT_EQ(all.lines_of(all.locations[0]).size(), 2u);
}

TEST(FilterTest, FocusAndHide) {
  Profile p = EveryField();
  re2::RE2 focus("lib\\.h"), hide("inlined");
  NameFilterMatches m = FilterSamplesByName(p, &focus, nullptr, &hide, nullptr);
  EXPECT_TRUE(m.focus);
  EXPECT_TRUE(m.hide);
  ASSERT_EQ(p.samples.size(), 1u);  // sample 1 only reaches location 2 (main)
  EXPECT_EQ(p.lines_of(p.locations[0]).size(), 1u);
}

}  // namespace
}  // namespace cpprof
