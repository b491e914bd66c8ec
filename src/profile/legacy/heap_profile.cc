// Heap profile texts: tcmalloc's heapz ("heap profile: ... @ heapz_v2/524288",
// "heap_v2", "heapprofile"), growthz and fragmentationz, and Go's debug=1 heap
// ("@ heap/1048576", where the number is twice the sampling rate). Each
// sample line is "inuse_count: inuse_bytes [alloc_count: alloc_bytes] @ pcs".
#include <fmt/format.h>

#include <vector>

#include "profile/legacy/heap_scaling.h"
#include "profile/legacy/memory_map.h"
#include "profile/legacy/parsers.h"

namespace cpprof::legacy {
namespace {

struct Header {
  bool poisson = false;  // values need unsampling ("v2" in pprof)
  int64_t period = 0;
  bool has_alloc = false;
};

// Reads the heapz header; unrecognized for any other first line.
Result<Header> ParseHeader(std::string_view line) {
  std::vector<std::string_view> g;
  Header h;
  // "heap profile: inuse_count: inuse_bytes [alloc_count: alloc_bytes] @ kind/rate"
  static const RE2 kHeapRe(R"(heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] *@ *(heap[_a-z0-9]*)/?(\d*))",
                           GoRegexpOptions());
  static const RE2 kGrowthRe(R"(heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] @ growthz?)", GoRegexpOptions());
  static const RE2 kFragmentationRe(R"(heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] @ fragmentationz?)",
                                    GoRegexpOptions());
  if (FindSubmatch(kHeapRe, line, &g)) {
    if (!g[5].empty() && !GoParseInt(g[5], 10, &h.period)) return Unrecognized();
    // An alloc pair that differs from the inuse pair means the profile has both.
    h.has_alloc = (g[2] != g[0] && g[2] != "0") || (g[3] != g[1] && g[3] != "0");
    if (g[4] == "heapz_v2" || g[4] == "heap_v2") {
      h.poisson = true;
    } else if (g[4] == "heapprofile") {
      h.period = 1;
    } else if (g[4] == "heap") {
      // Go writes 2 * MemProfileRate after "heap/".
      h.poisson = true;
      h.period /= 2;
    } else {
      return Unrecognized();
    }
    return h;
  }
  if (FindSubmatch(kGrowthRe, line, &g) || FindSubmatch(kFragmentationRe, line, &g)) {
    h.period = 1;
    return h;
  }
  return Unrecognized();
}

struct HeapSample {
  std::vector<int64_t> values;
  int64_t block_size = 0;
  std::vector<uint64_t> pcs;
};

// Appends one (count, bytes) pair, unsampled; block_size is bytes per object
// before unsampling.
Status AddPair(std::string_view line, std::string_view count_text, std::string_view size_text, const char* which,
               const Header& h, HeapSample& s) {
  int64_t count, size;
  std::string error;
  if (!GoParseInt(count_text, 10, &count, &error) || !GoParseInt(size_text, 10, &size, &error)) {
    return Status::Error(fmt::format("malformed sample: {}: {}", line, error));
  }
  if (count == 0 && size != 0) return Status::Error(fmt::format("{0} count was 0 but {0} bytes was {1}", which, size));
  if (count != 0) {
    // Go's int64 division gives MinInt64 / -1 == MinInt64 instead of trapping.
    s.block_size = count == -1 ? static_cast<int64_t>(0 - static_cast<uint64_t>(size)) : size / count;
    if (h.poisson) std::tie(count, size) = ScaleHeapSample(count, size, h.period);
  }
  s.values.push_back(count);
  s.values.push_back(size);
  return Status();
}

Status ParseSample(std::string_view line, const Header& h, HeapSample& s) {
  // pprof's (-?\d+): *(-?\d+) *\[ *(\d+): *(\d+) *] @([ x0-9a-f]*)
  static const RE2 kSampleRe(R"((-?\d+): *(-?\d+) *\[ *(\d+): *(\d+) *] @)", GoRegexpOptions());
  std::vector<std::string_view> g;
  if (!FindSampleSubmatch(kSampleRe, line, &g)) {
    return Status::Error("unexpected number of sample values: got 0, want 6");
  }
  s.values.clear();
  s.block_size = 0;
  if (h.has_alloc) {
    if (Status st = AddPair(line, g[2], g[3], "allocation", h, s); !st.ok()) return st;
  }
  if (Status st = AddPair(line, g[0], g[1], "inuse", h, s); !st.ok()) return st;
  if (Status st = ParseSampleAddresses(g[4], line, &s.pcs); !st.ok()) return st;
  return Status();
}

}  // namespace

Result<Profile> ParseHeapProfile(std::string_view data) {
  LineScanner lines(data);
  if (Status s = ScanFirstLine(lines); !s.ok()) return s;
  Result<Header> h = ParseHeader(lines.text());
  if (!h.ok()) return h.status();
  ProfileBuilder b;
  b.SetPeriodType({"space", "bytes"});
  if (h->has_alloc) {
    // alloc first, so that pprof's default (the last type) is inuse_space.
    b.SetSampleTypes(
        {{"alloc_objects", "count"}, {"alloc_space", "bytes"}, {"inuse_objects", "count"}, {"inuse_space", "bytes"}});
  } else {
    b.SetSampleTypes({{"objects", "count"}, {"space", "bytes"}});
  }
  b.profile().period = h->period;
  HeapSample s;
  std::vector<uint32_t> stack;
  while (lines.Scan()) {
    std::string_view line = TrimSpace(lines.text());
    if (IsSpaceOrComment(line)) continue;
    if (IsMemoryMapSentinel(line)) break;
    if (Status st = ParseSample(line, *h, s); !st.ok()) return st;
    stack.clear();
    // Return addresses: -1 lands on the call.
    for (uint64_t pc : s.pcs) stack.push_back(b.Location(pc - 1));
    b.AddSample(s.values, stack, s.block_size);
  }
  if (Status st = lines.status(); !st.ok()) return st;
  if (Status st = b.FinishAfterSamples(lines); !st.ok()) return st;
  return std::move(b.profile());
}

}  // namespace cpprof::legacy
