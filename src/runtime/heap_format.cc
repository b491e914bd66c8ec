// Tested by tests/runtime/heap_profile_test.cc and tests/runtime/http_test.sh
// (go tool pprof reads both formats).
#include "runtime/heap_format.h"

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>

#include "profile/codec.h"
#include "profile/gzip.h"
#include "runtime/count_format.h"
#include "runtime/process_stat.h"
#include "runtime/profile_builder.h"

namespace cpprof::runtime {
namespace {

// The allocator's own frames (pprof's allocRxStr plus libstdc++'s allocation
// paths), matched whole against names without parameters or templates, as
// pprof's Prune sees them: reports start at the code that asked for memory,
// not at operator new or std::string's _M_create.
constexpr const char kAllocatorFrames[] =
    "malloc|calloc|realloc|reallocarray|free|memalign|posix_memalign|aligned_alloc|valloc|pvalloc|"
    "operator new.*|operator delete.*|std::__new_allocator.*|__gnu_cxx::new_allocator.*|std::allocator.*|"
    "std::allocator_traits.*|std::__cxx11::basic_string.*::_M_create|std::__cxx11::basic_string.*::_M_construct|"
    "std::__cxx11::basic_string.*::reserve|std::__cxx11::basic_string.*::_M_mutate|"
    "std::__cxx11::basic_string.*::_M_replace.*|std::__cxx11::basic_string.*::_M_append|"
    "std::__cxx11::basic_string.*::basic_string|std::operator\\+|"
    "std::vector.*::(push_back|emplace_back|_M_realloc_insert|_M_realloc_append|reserve|_M_default_append)|"
    "std::deque.*::(push_back|emplace_back|_M_push_back_aux|push_front|emplace_front|_M_push_front_aux)|"
    "std::_Hashtable.*::_M_rehash.*|std::__detail::_Hashtable_alloc.*";

// An in-use sample's `age` label: the largest of these bounds (seconds) not
// above its age. Bounds at the thresholds people type (10m, 1h, 1d) make
// `-tagfocus=age=10m:` exact there, and 22 bounds over a month keep a site's
// in-use memory to at most 22 samples however long the process runs.
constexpr int64_t kAgeBoundsSeconds[] = {0,         1,     2,         5,         10,         20,        30,   60,
                                         120,       300,   600,       1200,      1800,       3600,      7200, 6 * 3600,
                                         12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400};

int64_t AgeBound(int64_t age_nanos) {
  int64_t seconds = age_nanos / 1000000000;
  const int64_t* upper = std::upper_bound(std::begin(kAgeBoundsSeconds), std::end(kAgeBoundsSeconds), seconds);
  return upper == std::begin(kAgeBoundsSeconds) ? 0 : upper[-1];
}

struct Totals {
  int64_t inuse_objects = 0, inuse_bytes = 0, alloc_objects = 0, alloc_bytes = 0;
};

Totals Of(const HeapBucket& b) {
  int64_t inuse = b.allocs - b.frees;
  return {inuse, inuse * b.size, b.allocs, b.allocs * b.size};
}

std::string Counts(const Totals& t) {
  return std::to_string(t.inuse_objects) + ": " + std::to_string(t.inuse_bytes) + " [" +
         std::to_string(t.alloc_objects) + ": " + std::to_string(t.alloc_bytes) + "]";
}

// What Go's trailer prints, from the figures glibc keeps (pprof ignores it).
std::string MemStatsTrailer() {
  struct mallinfo2 mi = mallinfo2();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto line = [](const char* name, uint64_t v) { return std::string("# ") + name + " = " + std::to_string(v) + "\n"; };
  std::string out = "\n# runtime.MemStats\n";
  out += line("Alloc", mi.uordblks + mi.hblkhd);
  out += line("Sys", mi.arena + mi.hblkhd);
  out += line("HeapAlloc", mi.uordblks + mi.hblkhd);
  out += line("HeapSys", mi.arena + mi.hblkhd);
  out += line("HeapIdle", mi.fordblks);
  out += line("HeapInuse", mi.uordblks);
  out += line("HeapReleased", mi.keepcost);
  out += "# MaxRSS = " + std::to_string(static_cast<int64_t>(ru.ru_maxrss) * 1024) + "\n";
  return out;
}

}  // namespace

void ScaleHeapSample(int64_t count, int64_t size, int64_t rate, int64_t* out_count, int64_t* out_size) {
  if (count == 0 || size == 0) {
    *out_count = *out_size = 0;
    return;
  }
  if (rate <= 1) {
    *out_count = count;
    *out_size = size;
    return;
  }
  double avg = static_cast<double>(size) / static_cast<double>(count);
  double scale = 1 / (1 - std::exp(-avg / static_cast<double>(rate)));
  *out_count = static_cast<int64_t>(static_cast<double>(count) * scale);
  *out_size = static_cast<int64_t>(static_cast<double>(size) * scale);
}

std::string HeapProfileProto(const std::string& name, const std::vector<HeapBucket>& buckets, int64_t rate,
                             int64_t time_nanos, int64_t duration_nanos) {
  ProfileHeader h;
  h.sample_types = {
      {"alloc_objects", "count"}, {"alloc_space", "bytes"}, {"inuse_objects", "count"}, {"inuse_space", "bytes"}};
  h.period_type = {"space", "bytes"};
  h.period = rate;
  h.time_nanos = time_nanos;
  h.duration_nanos = duration_nanos;
  h.drop_frames = kAllocatorFrames;
  if (name == "allocs") h.default_sample_type = "alloc_space";
  std::vector<StackRecord> records;
  records.reserve(buckets.size());
  for (const HeapBucket& b : buckets) {
    Totals t = Of(b);
    // A sample of the bucket: allocated and in-use objects (unsampled with
    // their bytes), labelled with the block size and, when given, the age.
    auto add = [&](int64_t alloc_objects, int64_t inuse_objects, int64_t age) {
      StackRecord& r = records.emplace_back(StackRecord{b.pcs, b.labels, std::vector<int64_t>(4), {}, {}});
      ScaleHeapSample(alloc_objects, alloc_objects * b.size, rate, &r.values[0], &r.values[1]);
      ScaleHeapSample(inuse_objects, inuse_objects * b.size, rate, &r.values[2], &r.values[3]);
      if (b.size != 0) r.numeric_labels.push_back({"bytes", b.size, ""});
      if (age >= 0) r.numeric_labels.push_back({"age", age, "seconds"});
    };
    if (b.live_ages.empty() || duration_nanos != 0) {
      add(t.alloc_objects, t.inuse_objects, -1);
      continue;
    }
    // Allocated totals on a sample of their own, in-use memory split by age:
    // the live table's samples are the in-use figure here.
    add(std::max<int64_t>(t.alloc_objects, static_cast<int64_t>(b.live_ages.size())), 0, -1);
    std::map<int64_t, int64_t> live_by_age;
    for (int64_t age : b.live_ages) ++live_by_age[AgeBound(age)];
    for (const auto& [age, count] : live_by_age) add(0, count, age);
  }
  if (std::string process = ProcessComment(); !process.empty()) h.comments.push_back(process);
  return Gzip(EncodeProfile(BuildProfile(h, records).profile), 1);
}

std::string HeapProfileText(const std::vector<HeapBucket>& buckets, int64_t rate) {
  std::vector<HeapBucket> sorted = buckets;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const HeapBucket& a, const HeapBucket& b) { return Of(a).inuse_bytes > Of(b).inuse_bytes; });
  std::vector<StackRecord> records;
  Totals total;
  for (const HeapBucket& b : sorted) {
    Totals t = Of(b);
    total.inuse_objects += t.inuse_objects;
    total.inuse_bytes += t.inuse_bytes;
    total.alloc_objects += t.alloc_objects;
    total.alloc_bytes += t.alloc_bytes;
    records.push_back({b.pcs, nullptr, {0}, {}, {}});
  }
  // Go: "adjust allocBytes so it's never == inuseBytes", or pprof would read
  // a 2-column profile; and "heap/<2*rate>" because early C++ heap profilers
  // reported twice the rate and pprof's parser halves it.
  if (total.alloc_bytes == total.inuse_bytes) ++total.alloc_bytes;
  ProfileHeader h;
  h.sample_types = {{"space", "bytes"}};
  h.period_type = {"space", "bytes"};
  BuiltProfile built = BuildProfile(h, records);
  std::string out = "heap profile: " + Counts(total) + " @ heap/" + std::to_string(2 * rate) + "\n";
  for (size_t i = 0; i < sorted.size(); ++i) {
    out += Counts(Of(sorted[i])) + " @";
    for (uintptr_t pc : sorted[i].pcs) out += " " + Hex(pc);
    out += "\n";
    AppendFrames(built, built.profile.samples[i], &out);
    out += "\n";
  }
  return out + MemStatsTrailer();
}

std::vector<HeapBucket> SubtractHeap(const std::vector<HeapBucket>& later, const std::vector<HeapBucket>& earlier) {
  std::vector<HeapBucket> out;
  for (size_t i = 0; i < later.size(); ++i) {
    HeapBucket b = later[i];
    if (i < earlier.size()) {
      b.allocs -= earlier[i].allocs;
      b.frees -= earlier[i].frees;
    }
    if (b.allocs != 0 || b.frees != 0) out.push_back(std::move(b));
  }
  return out;
}

}  // namespace cpprof::runtime
