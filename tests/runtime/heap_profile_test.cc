// Tests src/runtime/heap_sampler.cc, heap_profiler.cc, heap_format.cc and
// malloc_interpose.cc through the public API: known live allocations at
// sites of 16 B to 1 MiB blocks, 64 MiB each, against the estimates of the
// heap profile.
//
// Expected error: at the default 512 KiB a 64 MiB site of small blocks holds
// ~128 samples, a one-sigma Poisson error of 1/sqrt(128) = 8.8% (measured
// over 60 seeds: mean -0.7%, sd 10.0%), so a +-10% check there would fail a
// third of the seeds. The test samples at 128 KiB: 512 samples a site, 4.4%
// one sigma, +-10% at 2.3 sigma, +-5% on the total (5 sites) at 2.5 sigma.
// Sampling is seeded by thread order, so this test is also reproducible.
#include <gtest/gtest.h>

#include <malloc.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <vector>

#include "cpprof/cpprof.h"
#include "profile/codec.h"

namespace cpprof {
namespace {

constexpr int64_t kSiteBytes = 64 << 20;

std::string Write(const char* name, int debug) {
  std::ostringstream out;
  EXPECT_TRUE(Lookup(name)->WriteTo(out, debug).ok());
  return out.str();
}

// One allocation site per block size: the leaf of its samples.
template <size_t kSize>
__attribute__((noinline)) void AllocateSite(std::vector<void*>* keep) {
  for (int64_t i = 0; i < kSiteBytes / static_cast<int64_t>(kSize); ++i) {
    void* p = std::malloc(kSize);
    static_cast<volatile char*>(p)[0] = 1;
    keep->push_back(p);
  }
  asm volatile("" ::: "memory");  // not a tail call: this frame stays on the stack
}

__attribute__((noinline)) void AllocateAndFreeSite() {
  std::vector<void*> blocks;
  blocks.reserve(kSiteBytes / 4096);
  for (int64_t i = 0; i < kSiteBytes / 4096; ++i) blocks.push_back(std::calloc(1, 4096));
  for (void* p : blocks) std::free(p);
}

struct Estimate {
  int64_t alloc_objects = 0, alloc_space = 0, inuse_objects = 0, inuse_space = 0;
};

// Sums the samples whose leaf function's name contains site and, when
// size > 0, whose `bytes` label is size (template sites share a name).
Estimate ForSite(const Profile& p, const std::string& site, int64_t size = 0) {
  Estimate e;
  for (size_t i = 0; i < p.samples.size(); ++i) {
    auto stack = p.stack(p.samples[i]);
    if (stack.empty()) continue;
    const Location& leaf = p.locations[stack[0]];
    bool match = false;
    for (const Line& l : p.lines_of(leaf)) match |= p.str(p.functions[l.function].name).find(site) != std::string::npos;
    for (const Label& l : p.labels_of(p.samples[i])) {
      if (size > 0 && p.str(l.key) == "bytes") match &= l.num == size;
    }
    if (!match) continue;
    auto v = p.values_of(i);
    e.alloc_objects += v[0];
    e.alloc_space += v[1];
    e.inuse_objects += v[2];
    e.inuse_space += v[3];
  }
  return e;
}

void ExpectNear(int64_t estimate, int64_t truth, double tolerance, const std::string& what) {
  double error = std::abs(static_cast<double>(estimate) / static_cast<double>(truth) - 1);
  EXPECT_LE(error, tolerance) << what << ": estimated " << estimate << ", true " << truth;
  std::printf("%-28s estimated %11lld true %11lld error %+.1f%%\n", what.c_str(), static_cast<long long>(estimate),
              static_cast<long long>(truth), 100.0 * (static_cast<double>(estimate) / static_cast<double>(truth) - 1));
}

TEST(HeapProfileTest, EstimatesLiveAndAllocatedBytesPerSite) {
  ASSERT_EQ(MemProfileRate(), 512 * 1024);
  constexpr int64_t kRate = 128 * 1024;
  SetMemProfileRate(kRate);
  std::vector<void*> keep;
  keep.reserve(5 << 20);
  AllocateSite<16>(&keep);
  AllocateSite<256>(&keep);
  AllocateSite<4096>(&keep);
  AllocateSite<65536>(&keep);
  AllocateSite<1048576>(&keep);
  AllocateAndFreeSite();

  std::string bytes = Write("heap", 0);
  Result<Profile> parsed = ParseProfile(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const Profile& p = *parsed;
  ASSERT_EQ(p.sample_types.size(), 4u);
  EXPECT_EQ(p.str(p.sample_types[3].type), "inuse_space");
  EXPECT_EQ(p.period, kRate);
  EXPECT_NE(p.str(p.drop_frames).find("operator new"), std::string::npos);

  int64_t total_estimate = 0;
  for (int64_t size : {16, 256, 4096, 65536, 1048576}) {
    Estimate e = ForSite(p, "AllocateSite", size);
    std::string site = "AllocateSite<" + std::to_string(size) + ">";
    ExpectNear(e.inuse_space, kSiteBytes, 0.10, site + " inuse_space");
    ExpectNear(e.inuse_objects, kSiteBytes / size, 0.10, site + " inuse_objects");
    ExpectNear(e.alloc_objects, kSiteBytes / size, 0.10, site + " alloc_objects");
    total_estimate += e.inuse_space;
  }
  ExpectNear(total_estimate, 5 * kSiteBytes, 0.05, "total inuse_space");

  Estimate freed = ForSite(p, "AllocateAndFreeSite");
  EXPECT_EQ(freed.inuse_space, 0);
  ExpectNear(freed.alloc_space, kSiteBytes, 0.10, "AllocateAndFreeSite alloc_space");

  std::string allocs = Write("allocs", 0);
  Result<Profile> a = ParseProfile(allocs);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->str(a->default_sample_type), "alloc_space");

  std::string text = Write("heap", 1);
  EXPECT_TRUE(text.starts_with("heap profile: ")) << text.substr(0, 200);
  EXPECT_NE(text.find(" @ heap/262144\n"), std::string::npos);
  EXPECT_NE(text.find("::AllocateSite+0x"), std::string::npos);
  EXPECT_NE(text.find("\n# runtime.MemStats\n"), std::string::npos);
  for (void* q : keep) std::free(q);
  SetMemProfileRate(512 * 1024);
}

TEST(HeapProfileTest, EveryAllocationAtRateOneAndLabels) {
  SetMemProfileRate(1);
  std::vector<char*> blocks;
  {
    ScopedLabels labels({{"phase", "load"}});
    for (int i = 0; i < 1000; ++i) blocks.push_back(new char[100 + i % 3]);
  }
  void* aligned = nullptr;
  ASSERT_EQ(posix_memalign(&aligned, 64, 1000), 0);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(aligned) % 64, 0u);
  void* grown = std::realloc(std::malloc(10), 5000);
  static_cast<char*>(grown)[4999] = 1;
  EXPECT_GE(malloc_usable_size(grown), 5000u);
  Result<Profile> p = ParseProfile(Write("heap", 0));
  SetMemProfileRate(512 * 1024);
  ASSERT_TRUE(p.ok());
  int64_t labelled = 0;
  for (size_t i = 0; i < p->samples.size(); ++i) {
    bool load = false, bytes = false;
    for (const Label& l : p->labels_of(p->samples[i])) {
      load |= p->str(l.key) == "phase" && p->str(l.str) == "load";
      bytes |= p->str(l.key) == "bytes" && l.num >= 100 && l.num <= 102;
    }
    if (load && bytes) labelled += p->values_of(i)[2];
  }
  EXPECT_EQ(labelled, 1000);  // rate 1: exact counts, no scaling
  for (char* b : blocks) delete[] b;
  std::free(aligned);
  std::free(grown);
}

// Sampled blocks over a page come from the real allocator, page-aligned: their
// frees must find the records (malloc_interpose.cc counts such blocks to
// skip the lookup while there are none), or in-use space would only grow.
__attribute__((noinline)) void AllocateAndFreeLargeSite() {
  std::vector<void*> blocks;
  for (int i = 0; i < 100; ++i) blocks.push_back(std::malloc(10000));
  blocks.push_back(std::realloc(std::malloc(20000), 30000));
  for (void* p : blocks) std::free(p);
}

TEST(HeapProfileTest, FreesOfSampledBlocksOverAPageAreSeen) {
  SetMemProfileRate(1);
  AllocateAndFreeLargeSite();
  Result<Profile> p = ParseProfile(Write("heap", 0));
  SetMemProfileRate(512 * 1024);
  ASSERT_TRUE(p.ok());
  Estimate e = ForSite(*p, "AllocateAndFreeLargeSite");
  EXPECT_EQ(e.alloc_objects, 102);  // 100 blocks, then one realloc'd: two samples
  EXPECT_EQ(e.inuse_objects, 0);
  EXPECT_EQ(e.inuse_space, 0);
}

// At rate 1 every small block is sampled onto a page of its own
// (runtime/sample_pages.h), and pages are reused once freed: calloc must
// still zero, malloc_usable_size cover the request, realloc keep contents.
TEST(HeapProfileTest, SampledSmallBlocksBehaveAsMallocPromises) {
  SetMemProfileRate(1);
  for (int round = 0; round < 3; ++round) {
    std::vector<unsigned char*> dirty;
    for (int i = 0; i < 64; ++i) {
      auto* p = static_cast<unsigned char*>(std::malloc(200));
      ASSERT_NE(p, nullptr);
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 4096, 0u);  // sampled: page-aligned
      EXPECT_GE(malloc_usable_size(p), 200u);
      std::memset(p, 0xab, 200);
      dirty.push_back(p);
    }
    for (unsigned char* p : dirty) std::free(p);
    auto* zeroed = static_cast<unsigned char*>(std::calloc(50, 4));  // likely a page just freed
    ASSERT_NE(zeroed, nullptr);
    for (int i = 0; i < 200; ++i) ASSERT_EQ(zeroed[i], 0) << "byte " << i;
    std::memset(zeroed, 7, 200);
    auto* grown = static_cast<unsigned char*>(std::realloc(zeroed, 10000));  // off its page
    ASSERT_NE(grown, nullptr);
    for (int i = 0; i < 200; ++i) ASSERT_EQ(grown[i], 7) << "byte " << i;
    auto* shrunk = static_cast<unsigned char*>(std::realloc(grown, 100));  // onto a page
    ASSERT_NE(shrunk, nullptr);
    for (int i = 0; i < 100; ++i) ASSERT_EQ(shrunk[i], 7) << "byte " << i;
    std::free(shrunk);
  }
  SetMemProfileRate(512 * 1024);
}

}  // namespace
}  // namespace cpprof
