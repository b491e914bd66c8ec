#include "driver/driver.h"

#include "driver/cli.h"
#include "driver/command.h"
#include "driver/fetch.h"
#include "driver/interactive.h"
#include "driver/leaks.h"
#include "symbolize/binutils.h"

namespace cpprof {
namespace {

// -leaks: the series of snapshots, as a report or in the web UI.
Status RunLeaksSeries(const CommandLine& cl, const WebUI& web, Ui& ui) {
  std::vector<std::string> warnings;
  Result<std::vector<Profile>> snapshots = FetchSnapshots(cl.source, cl.leaks.count, cl.leaks_interval_nanos, warnings);
  for (const std::string& w : warnings) ui.Err(w);
  if (!snapshots.ok()) return snapshots.status();
  if (!cl.http.empty()) return web(snapshots->back(), &*snapshots, cl.cfg, cl.http, cl.open_browser, ui);
  return RunLeaks(*snapshots, cl.cfg, ui);
}

// pprof's PProf: the profiles the command line names, then its report, the
// web UI or the shell.
Status PProf(const std::vector<std::string>& args, const WebUI& web, Ui& ui) {
  Result<std::optional<CommandLine>> parsed = ParseFlags(args, ui);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->has_value()) return Status();  // -help
  const CommandLine& cl = **parsed;
  if (cl.cmd == nullptr && !cl.http.empty() && !web) return Status::Error("-http is not available in this build");
  SetTools(cl.tools);
  if (cl.leaks.on) return RunLeaksSeries(cl, web, ui);
  std::vector<std::string> warnings;
  SourceOptions source = cl.source;
  source.sums_only = cl.cmd != nullptr && ReadsOnlySums(cl.cmd->format);
  Result<Profile> p = FetchProfiles(source, warnings);
  for (const std::string& w : warnings) ui.Err(w);
  if (!p.ok()) return p.status();
  if (cl.cmd != nullptr) return RunReport(*p, *cl.cmd, cl.cmd_param, cl.cfg, ui);
  if (!cl.http.empty()) return web(*p, nullptr, cl.cfg, cl.http, cl.open_browser, ui);
  RunInteractive(*p, cl.cfg, ui);
  return Status();
}

}  // namespace

int RunCommandLine(const std::vector<std::string>& args, const WebUI& web, const TraceWebUI& trace_web) {
  Ui ui;
  Status s = !args.empty() && args[0] == "trace"
                 ? RunTraceCommand(std::vector<std::string>(args.begin() + 1, args.end()), trace_web, ui)
                 : PProf(args, web, ui);
  if (s.ok()) return 0;
  ui.Err(s.message());
  return 2;
}

}  // namespace cpprof
