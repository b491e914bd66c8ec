// Tested by tests/runtime/named_profiles_test.cc and tests/runtime/http_test.sh.
#include "runtime/count_format.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "profile/codec.h"
#include "profile/gzip.h"
#include "runtime/profile_builder.h"

namespace cpprof::runtime {
namespace {

std::vector<StackRecord> Records(const CountTable& table) {
  std::vector<StackRecord> records;
  records.reserve(table.size());
  for (const auto& [key, count] : table) records.push_back({key.first, key.second, {count}, {}, {}});
  return records;
}

ProfileHeader CountHeader(const std::string& name) {
  ProfileHeader h;
  h.sample_types = {{name, "count"}};
  h.period_type = {name, "count"};
  h.period = 1;
  return h;
}

}  // namespace

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%#" PRIx64, v);
  return buf;
}

void AppendFrames(const BuiltProfile& built, const Sample& s, std::string* out) {
  const Profile& p = built.profile;
  for (uint32_t loc : p.stack(s)) {
    const Location& l = p.locations[loc];
    std::string off = Hex(built.symbol_offsets[loc]);
    if (l.line_count == 0) {
      *out += "#\t" + Hex(l.address) + "\n";
      continue;
    }
    for (const Line& line : p.lines_of(l)) {
      const Function& f = p.functions[line.function];
      *out += "#\t" + Hex(l.address) + "\t" + std::string(p.str(f.name)) + "+" + off + "\t" +
              std::string(p.str(f.filename)) + ":" + std::to_string(line.line) + "\n";
    }
  }
}

std::string CountProfileProto(const std::string& name, const CountTable& table, int64_t time_nanos,
                              int64_t duration_nanos) {
  ProfileHeader h = CountHeader(name);
  h.time_nanos = time_nanos;
  h.duration_nanos = duration_nanos;
  return Gzip(EncodeProfile(BuildProfile(h, Records(table)).profile), 1);
}

std::string CountProfileText(const std::string& name, const CountTable& table, int64_t total) {
  BuiltProfile built = BuildProfile(CountHeader(name), Records(table));
  const Profile& p = built.profile;
  std::vector<size_t> order(p.samples.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p.values[a] > p.values[b]; });
  std::string out = name + " profile: total " + std::to_string(total) + "\n";
  auto records = Records(table);
  for (size_t i : order) {
    // A thread that did not answer a dump in time has no stack; pprof's
    // legacy parser rejects "1 @" without addresses, so the text leaves it
    // out (the total still counts it, as the proto does).
    if (records[i].pcs.empty()) continue;
    out += std::to_string(p.values[i]) + " @";
    for (uintptr_t pc : records[i].pcs) out += " " + Hex(pc);
    out += "\n";
    if (records[i].labels != nullptr) out += "# labels: " + FormatLabels(records[i].labels) + "\n";
    AppendFrames(built, p.samples[i], &out);
    out += "\n";
  }
  return out;
}

std::string ThreadDumpText(const std::vector<ThreadStack>& threads) {
  std::vector<StackRecord> records;
  for (const ThreadStack& t : threads) records.push_back({t.pcs, t.labels, {1}, {}, {}});
  BuiltProfile built = BuildProfile(CountHeader("threads"), records);
  const Profile& p = built.profile;
  std::string out;
  for (size_t i = 0; i < threads.size(); ++i) {
    const ThreadStack& t = threads[i];
    out += "thread " + std::to_string(t.tid) + " \"" + t.name + "\" [" + t.state;
    if (t.labels != nullptr) out += ", labels: " + FormatLabels(t.labels);
    out += "]:\n";
    for (uint32_t loc : p.stack(p.samples[i])) {
      const Location& l = p.locations[loc];
      std::string off = " +" + Hex(built.symbol_offsets[loc]);
      if (l.line_count == 0) {
        std::string file = l.mapping != kNone ? std::string(p.str(p.mappings[l.mapping].file)) : "?";
        out += "?()\n\t" + file + off + "\n";
      }
      for (const Line& line : p.lines_of(l)) {
        const Function& f = p.functions[line.function];
        out += std::string(p.str(f.name)) + "(...)\n\t" + std::string(p.str(f.filename)) + ":" +
               std::to_string(line.line) + off + "\n";
      }
    }
    out += "\n";
  }
  return out;
}

CountTable Subtract(const CountTable& a, const CountTable& b) {
  CountTable out = a;
  for (const auto& [key, count] : b) {
    int64_t& v = out[key];
    v -= count;
    if (v == 0) out.erase(key);
  }
  return out;
}

}  // namespace cpprof::runtime
