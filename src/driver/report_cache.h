// The prepared profile that the shell and the web UI keep between the
// reports of their session.
#ifndef CPPROF_DRIVER_REPORT_CACHE_H_
#define CPPROF_DRIVER_REPORT_CACHE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "driver/config.h"
#include "driver/ui.h"
#include "profile/profile.h"
#include "report/report.h"
#include "util/status.h"

namespace cpprof {

// What preparing a profile for a report computes (tag frames, filters,
// aggregation change the profile itself).
struct Prepared {
  std::map<std::string, std::string> num_label_units;
  int64_t total = 0;
};

// Reports change the profile they run on (tag frames, filters, aggregation),
// so each runs on a copy of the session's profile. A text or tree report
// that would prepare its copy as the last one did runs on the last one's
// copy instead, with the graphs built from it: on the 1M-sample benchmark
// profile a "top" after a "top" saves a 40 ms copy and two graph passes
// (~250 ms).
class ReportCache {
 public:
  explicit ReportCache(const Profile& session) : session_(session) {}

  // A prepared copy, valid until the next Get.
  struct Copy {
    Profile* profile;
    const Prepared* prepared;
    GraphCache* graphs;  // null: the report keeps its graphs to itself
  };
  using Preparer = std::function<Result<Prepared>(Profile& p, Ui& ui)>;

  // The last copy when it was prepared with this key, telling ui again what
  // preparing it printed; else a fresh copy of the session's profile that
  // prepare prepares. An empty key never matches, and its copy keeps no
  // graphs.
  Result<Copy> Get(const std::string& key, Ui& ui, const Preparer& prepare);

 private:
  // Copies the session's profile afresh and forgets everything derived from
  // the last copy: the one place the copy changes, so its key, messages and
  // graphs (GraphCache: "whoever changes the profile resets the cache") never
  // outlive it.
  void Reset();

  const Profile& session_;  // never changed
  Profile profile_;         // the last report's copy
  std::string key_;         // the options profile_ was prepared with; empty: none
  // What preparing it printed, computed and built.
  std::vector<std::string> messages_;
  Prepared prepared_;
  GraphCache graphs_;
};

// The options a profile is prepared with for a text or tree report: all but
// the report-only ones (ConfigField::report_only).
std::string PreparationKey(const Config& cfg);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_REPORT_CACHE_H_
