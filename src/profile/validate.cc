// pprof's Profile.CheckValid over the columnar model. ParseProfile runs it on
// every profile read, and the driver once more on the profile it has merged,
// symbolized and pruned (fetch.cc).

#include "profile/validate.h"

#include <atomic>
#include <string>

#include "profile/row_set.h"
#include "util/parallel.h"

namespace cpprof {

Status CheckValid(const Profile& p) {
  size_t n = p.num_types();
  if (n == 0 && !p.samples.empty()) return Status::Error("missing sample type information");
  if (p.values.size() != p.samples.size() * n) return Status::Error("sample values do not match the sample types");
  // 31M frames on the benchmark profile: split over the cores.
  std::atomic<bool> nil_location = false;
  ForRanges(p.samples.size(), [&](size_t, size_t begin, size_t end) {
    bool bad = false;
    for (size_t i = begin; i < end; ++i) {
      for (uint32_t loc : p.stack(p.samples[i])) bad |= loc >= p.locations.size();
    }
    if (bad) nil_location = true;
  });
  if (nil_location) return Status::Error("sample has nil location");
  auto check_ids = [](const auto& table, const char* what) -> Status {
    RowSet seen(table.size());
    for (uint32_t i = 0; i < table.size(); ++i) {
      uint64_t id = table[i].id;
      if (id == 0) return Status::Error(std::string("found ") + what + " with reserved id=0");
      if (seen.Insert(id, i, [&](uint32_t j) { return table[j].id == id; }) != i) {
        return Status::Error(std::string("multiple ") + what + "s with same id: " + std::to_string(id));
      }
    }
    return Status();
  };
  if (Status s = check_ids(p.mappings, "mapping"); !s.ok()) return s;
  if (Status s = check_ids(p.functions, "function"); !s.ok()) return s;
  if (Status s = check_ids(p.locations, "location"); !s.ok()) return s;
  for (const Location& l : p.locations) {
    if (l.mapping != kNone && l.mapping >= p.mappings.size()) return Status::Error("inconsistent mapping");
    for (const Line& ln : p.lines_of(l)) {
      if (ln.function == kNone || ln.function >= p.functions.size()) {
        return Status::Error("location id: " + std::to_string(l.id) + " has a line with nil function");
      }
    }
  }
  return Status();
}

}  // namespace cpprof
