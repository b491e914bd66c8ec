// -leaks: heap snapshots of one process read as a time series, not merged,
// and ranked by steady growth (report/leaks.h). The snapshots come from
// files (CPPROF_HEAPPROFILE_INTERVAL's series) or from a live server: with
// -count=K -interval=D, K fetches of one URL D apart.
#ifndef CPPROF_DRIVER_LEAKS_H_
#define CPPROF_DRIVER_LEAKS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "driver/command.h"
#include "driver/config.h"
#include "driver/fetch.h"
#include "profile/profile.h"
#include "util/status.h"

namespace cpprof {

// -leaks, -count and -interval as the command line gave them.
struct LeaksFlags {
  bool on = false;
  int count = 0;
  std::string interval;
};

// The interval in nanoseconds (0 without -count), or a one-line error when
// the flags do not go together: -leaks with another output format (format),
// with -seconds (seconds != -1) or a base (has_base); -count or -interval
// without -leaks, -count of one snapshot, a bad interval.
Result<int64_t> CheckLeaksFlags(const LeaksFlags& f, const Command* format, int seconds, bool has_base);

// The snapshots, in time order (time_nanos, then the order given): each of
// src.sources read on its own, or with count > 0 that many fetches of the one
// URL, interval_nanos apart (on a fixed schedule). Snapshots of different
// kinds (sample types) or processes (another build id or "process ...
// started" comment) are an error that names two of them.
Result<std::vector<Profile>> FetchSnapshots(const SourceOptions& src, int count, int64_t interval_nanos,
                                            std::vector<std::string>& warnings);

// The table of the snapshots with cfg's filters, granularity and sample
// index (each prepared as for -top): as text, or as JSON for the web UI.
Status GenerateLeaks(const std::vector<Profile>& snapshots, const Config& cfg, Ui& ui, bool json, ReportSink& sink);

// Writes the text table as -top writes its report (stdout or -output).
Status RunLeaks(const std::vector<Profile>& snapshots, const Config& cfg, Ui& ui);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_LEAKS_H_
