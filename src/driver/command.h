// What the command line and the interactive shell share: pprof's report
// commands, and running one on a profile.
#ifndef CPPROF_DRIVER_COMMAND_H_
#define CPPROF_DRIVER_COMMAND_H_

#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "driver/config.h"
#include "profile/profile.h"
#include "util/status.h"
#include "report/report.h"

namespace cpprof {

// Where messages go: stderr, as pprof prints them.
class Ui {
 public:
  // fwrite, not %s: a message quoting bad input may hold NUL bytes.
  void Err(const std::string& s) {
    if (copy_to != nullptr) copy_to->push_back(s);
    std::string line = s + '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  // When set, messages are also kept here (ReportCache replays them).
  std::vector<std::string>* copy_to = nullptr;
};

struct Command {
  const char* name;
  bool has_param;  // takes a regexp: -list=RE, "list RE"
  ReportFormat format;
  const char* description;
  const char* render = nullptr;  // graphviz output format the DOT text is rendered to
  const char* away = nullptr;    // binary: file extension used instead of a terminal
  const char* viewer = nullptr;  // program that opens the report ("browser": a browser)
  bool pan_zoom = false;         // SVG with pprof's pan and zoom script
};

// pprof's report commands, sorted by name.
const std::vector<Command>& Commands();

// The command of that name, or null.
const Command* FindCommand(std::string_view name);

// The sample type a config's sample_index names (an index, a type name, or
// empty for the default), with pprof's errors.
Result<int> SampleIndex(const Profile& p, const std::string& name);

// What preparing a profile for a report computes (tag frames, filters,
// aggregation change the profile itself).
struct Prepared {
  std::map<std::string, std::string> num_label_units;
  int64_t total = 0;
};

// What the shell and the web UI keep between the reports of their session's
// profile. Reports change the profile they run on (tag frames, filters,
// aggregation), so each runs on a copy. A text or tree report that would
// prepare its copy as the last one did runs on the last one's copy instead,
// with the graph built from it: on the 1M-sample benchmark profile a "top"
// after a "top" saves a 40 ms copy and two graph passes (~250 ms).
struct ReportCache {
  explicit ReportCache(const Profile& session) : session(session) {}
  const Profile& session;  // never changed
  std::string key;         // the options `profile` was prepared with; empty: none
  Profile profile;         // the last report's copy
  // What preparing it printed, computed and built.
  std::vector<std::string> messages;
  Prepared prepared;
  GraphCache graphs;
};

// p prepared for cmd (without an argument) as GenerateReport prepares it
// (tag frames, filters and aggregation change p), and the options and total
// of its report: for reports over several profiles (-leaks).
struct PreparedReport {
  ReportOptions options;
  int64_t total = 0;
};
Result<PreparedReport> PrepareReport(Profile& p, const Command& cmd, Config cfg, Ui& ui);

// Generates the report into out; with drain set, long reports hand over
// their output in pieces as they go.
Status GenerateReport(Profile& p, const Command& cmd, const std::string& cmd_param, Config cfg, Ui& ui,
                      std::string& out, const std::function<void(std::string&)>& drain = nullptr);
// The same on a copy of cache.session, kept in the cache.
Status GenerateReport(ReportCache& cache, const Command& cmd, const std::string& cmd_param, Config cfg, Ui& ui,
                      std::string& out, const std::function<void(std::string&)>& drain = nullptr);

// Writes the report that generate makes as RunReport writes cmd's.
using Generator = std::function<Status(std::string& out, const std::function<void(std::string&)>& drain)>;
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
