// Running a report command on a profile, for the command line, the shell and
// the web UI: preparing the profile (tag frames, filters, aggregation),
// generating the report and writing it where it goes.
#ifndef CPPROF_DRIVER_COMMAND_H_
#define CPPROF_DRIVER_COMMAND_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "driver/commands.h"
#include "driver/config.h"
#include "driver/report_cache.h"
#include "driver/ui.h"
#include "profile/profile.h"
#include "report/report.h"
#include "util/status.h"

namespace cpprof {

// The sample type a config's sample_index names (an index, a type name, or
// empty for the default), with pprof's errors.
Result<int> SampleIndex(const Profile& p, const std::string& name);

// p prepared for cmd (without an argument) as GenerateReport prepares it
// (tag frames, filters and aggregation change p), and the options and total
// of its report: for reports over several profiles (-leaks).
struct PreparedReport {
  ReportOptions options;
  int64_t total = 0;
};
Result<PreparedReport> PrepareReport(Profile& p, const Command& cmd, Config cfg, Ui& ui);

// Generates the report into sink (without flushing it).
Status GenerateReport(Profile& p, const Command& cmd, const std::string& cmd_param, Config cfg, Ui& ui,
                      ReportSink& sink);
// The same on a copy of the cache's session profile.
Status GenerateReport(ReportCache& cache, const Command& cmd, const std::string& cmd_param, Config cfg, Ui& ui,
                      ReportSink& sink);

// Writes the report that generate makes as RunReport writes cmd's.
using Generator = std::function<Status(ReportSink& sink)>;
Status WriteReport(const Command& cmd, const Config& cfg, Ui& ui, const Generator& generate);

// Generates the report and writes it: to stdout, to cfg.output, for binary
// formats on a terminal to profileNNN.<ext> ("Generating report in"), or to
// a viewer (-web, -kcachegrind); DOT is rendered through graphviz first.
// Filters change p; the shell runs its reports through its cache instead.
Status RunReport(Profile& p, const Command& cmd, const std::string& param, const Config& cfg, Ui& ui);
Status RunReport(ReportCache& cache, const Command& cmd, const std::string& param, const Config& cfg, Ui& ui);

// The profile's header lines (File, Type, Time, ...) for the config, and
// the report total.
std::vector<std::string> ProfileHeader(const Profile& p, const Config& cfg, Ui& ui, int64_t* total);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_COMMAND_H_
