// -leaks: allocation sites ranked by steady growth over a time series of heap
// snapshots of one process (not a sum of them, as other reports take).
//
// Diffing two snapshots (-base) ranks whatever differs most between those
// two moments: a cache still filling, a burst that happened to be live. A
// leak grows at a steady rate for as long as the process runs, so a site's
// score is
//   min(slope, late slope) x steadiness
//   min(slope, late slope) x steadiness^2
// where slope is the Theil-Sen estimate (the median of the slopes between
// every pair of snapshots: one burst caught in one snapshot moves it little)
// over the whole series, late slope the same over its later half (a cache
// that filled and levelled off has none), and steadiness Kendall's tau (over
// every pair of snapshots, the share in which the later one holds more minus
// the share in which it holds less: 1 for a leak, near 0 for sampling noise
// and swings). A score is 0 when either slope is not positive. Simulated
// with 512 KiB sampling (a 1.6 MB/s leak, a 48 MiB cache churning 2 MB/s,
// 32 MiB bursts live in 1 snapshot of 5), the leak ranked first in 95.5% of
// series of 6 snapshots a second apart, 99.5% of 8 and 99.8% of 10.
#ifndef CPPROF_REPORT_LEAKS_H_
#define CPPROF_REPORT_LEAKS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "report/report.h"

namespace cpprof {

struct LeakSite {
  std::string name;             // as -top prints it
  std::vector<int64_t> values;  // per snapshot: flat, or cum with -cum
  double slope = 0;             // units per second, whole series
  double late_slope = 0;        // units per second, later half
  double steadiness = 0;        // Kendall's tau, -1..1
  double score = 0;
};

struct LeaksTable {
  std::vector<int64_t> times;   // each snapshot's time_nanos, ascending
  std::vector<int64_t> totals;  // each snapshot's report total
  std::vector<LeakSite> sites;  // best score first
  int64_t grown = 0;            // the growth (last - first) of every site that grew, summed
};

// One report per snapshot, in time order, each with the same options: the
// sites at the reports' granularity, after their filters.
LeaksTable ComputeLeaks(const std::vector<Report*>& snapshots);

// The table as text: a header, then per site first and last values, growth
// per minute, steadiness, share of the total growth, a sparkline and the
// name; at most node_count sites (0: all that ever held a value). A site's
// share is its part of `grown` (0 for a site that shrank).
std::string PrintLeaks(const LeaksTable& t, const Report& last, int node_count);

// The same as JSON for the web UI: {"times":[...],"totals":[...],"unit":..,
// "sites":[{"name","values","slope","late_slope","steadiness","score"}...]}.
std::string LeaksJson(const LeaksTable& t, const Report& last, int node_count);

}  // namespace cpprof

#endif  // CPPROF_REPORT_LEAKS_H_
