// gperftools' CPU profile ("profilez"): binary words of 32 or 64 bits in
// either byte order, found by trying each until the 5-word header
// 0, 3, 0|1 (C++|Java), period in microseconds, 0 reads right. Then records
// of count, depth, pcs[depth] until the record 0, 1, 0; the rest is text
// (memory map for C++, symbols for Java).
#include <unordered_map>
#include <vector>

#include "profile/legacy/parsers.h"

namespace cpprof::legacy {
namespace {

struct WordFormat {
  size_t size;  // bytes
  bool big_endian;

  // Reads one word; on a short input, fails and empties `in` (Go's parsers
  // return a nil slice there, and every later read fails too).
  bool Next(std::string_view& in, uint64_t* word) const {
    if (in.size() < size) {
      in = {};
      *word = 0;
      return false;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < size; ++i) {
      size_t k = big_endian ? i : size - 1 - i;
      v = v << 8 | static_cast<unsigned char>(in[k]);
    }
    in.remove_prefix(size);
    *word = v;
    return true;
  }
};

// Reads the sample records; returns the text after the end marker. Non-leaf
// pcs are return addresses, so `adjust` moves them back by one into the call.
Result<std::string_view> ReadSamples(std::string_view in, WordFormat w, bool adjust, ProfileBuilder& b) {
  std::vector<uint64_t> pcs;
  std::vector<uint32_t> stack;
  const int64_t period = b.profile().period;
  while (!in.empty()) {
    uint64_t count, depth;
    bool ok = w.Next(in, &count);
    ok = ok && w.Next(in, &depth);
    // pprof bounds the depth by 4-byte words even for 64-bit profiles, so a
    // truncated last record reads as zeros.
    if (!ok || depth > in.size() / 4) return Unrecognized();
    pcs.resize(depth);
    for (uint64_t& pc : pcs) w.Next(in, &pc);
    if (count == 0 && depth == 1 && pcs[0] == 0) break;
    stack.clear();
    for (size_t i = 0; i < pcs.size(); ++i) stack.push_back(b.Location(adjust && i > 0 ? pcs[i] - 1 : pcs[i]));
    const int64_t values[] = {static_cast<int64_t>(count), static_cast<int64_t>(count * static_cast<uint64_t>(period))};
    b.AddSample(values, stack);
  }
  return in;
}

// When nearly all samples (all but one in 32) share the frame above the
// leaf, that frame is the signal handler's, pushed while the profiler ran:
// the leaf itself comes from the signal context. Up to two such frames go.
void RemoveSignalFrames(ProfileBuilder& b) {
  const Profile& p = b.profile();
  const size_t n = p.samples.size();
  for (int iter = 0; iter < 2; ++iter) {
    std::unordered_map<uint64_t, size_t> uses;
    for (const Sample& s : p.samples) {
      if (s.stack_size > 1) ++uses[p.locations[p.stack(s)[1]].address];
    }
    // At most one address can qualify: n - n/32 is more than half of n, or
    // all of n when n < 32.
    for (const auto& [address, count] : uses) {
      if (count >= n - n / 32) {
        b.RemoveSecondFrame(address);
        break;
      }
    }
  }
}

// Profiles of C++ programs adjust return addresses and carry a memory map;
// Java ones carry symbols instead.
Result<Profile> ParseSamplesAndRest(std::string_view in, WordFormat w, int64_t period_us, bool java) {
  ProfileBuilder b;
  b.SetPeriodType({"cpu", "nanoseconds"});
  b.SetSampleTypes({{"samples", "count"}, {"cpu", "nanoseconds"}});
  b.profile().period = static_cast<int64_t>(static_cast<uint64_t>(period_us) * 1000);
  Result<std::string_view> rest = ReadSamples(in, w, !java, b);
  if (!rest.ok()) return rest.status();
  if (java) {
    if (Status s = FinishJavaProfile(*rest, b); !s.ok()) return s;
    return std::move(b.profile());
  }
  RemoveSignalFrames(b);
  LineScanner lines(*rest);
  if (Status s = b.FinishWithMemoryMap(lines); !s.ok()) return s;
  b.RemoveDuplicateLeaves();
  return std::move(b.profile());
}

}  // namespace

Result<Profile> ParseCpuProfile(std::string_view data) {
  for (WordFormat w : {WordFormat{4, false}, WordFormat{4, true}, WordFormat{8, false}, WordFormat{8, true}}) {
    std::string_view in = data;
    uint64_t h[5];
    bool ok = true;
    for (uint64_t& word : h) ok = w.Next(in, &word) && ok;
    if (!ok || h[0] != 0 || h[1] != 3 || h[3] == 0 || h[4] != 0) continue;
    if (h[2] == 0 || h[2] == 1) return ParseSamplesAndRest(in, w, static_cast<int64_t>(h[3]), h[2] == 1);
  }
  return Unrecognized();
}

}  // namespace cpprof::legacy
