#include "driver/driver.h"

#include <cstdio>
#include <fstream>
#include <map>

#include "driver/command.h"
#include "driver/config.h"
#include "driver/fetch.h"
#include "driver/flags.h"
#include "driver/interactive.h"
#include "driver/leaks.h"

namespace cpprof {

constexpr const char* kUsage = R"(usage:

Produce output in the specified format.

   cpprof <format> [options] [binary] <source> ...

Omit the format to get an interactive shell whose commands can be used
to generate various views of a profile.

   cpprof -http=[host]:[port] [options] [binary] <source> ...

Serves a web interface on the given address (localhost when the host is
left out; a free port when the port is).

Details:
  Output formats (select at most one): -top -text -tree -peek=RE -traces -tags -raw
    -comments -proto -topproto -dot -svg -png -pdf -gif -ps -web -eog -evince -gv
    -callgrind -kcachegrind -list=RE -disasm=RE -weblist=RE -folded -speedscope
  Options: -sample_index -mean -unit -divide_by -flat -cum -functions -filefunctions
    -files -lines -addresses -noinlines -nodecount -nodefraction -edgefraction -trim
    -compact_labels -relative_percentages -drop_negative -tagroot -tagleaf
    -focus -ignore -hide -show -show_from -prune_from -tagfocus -tagignore -tagshow -taghide
    -output -source_path -trim_path -intel_syntax
  Source options: -base -diff_base -normalize -add_comment -buildid -symbolize -all_frames
    -seconds -timeout -tls_cert -tls_key -tls_ca (a source that is not a file is a URL)
  Leaks over time: -leaks [-count=K -interval=D] <snapshot>... (heap snapshots of one
    process as a series, ranked by steady growth; K snapshots D apart from a URL)
  Web interface: -http -no_browser
  Legacy convenience options: -inuse_space -inuse_objects -alloc_space -alloc_objects
    -total_delay -contentions -mean_delay
)";

int RunCommandLine(const std::vector<std::string>& args, const WebUI& web) {
  Ui ui;
  FlagSet flags;
  Config cfg;
  ConfigFlags config_flags(flags, cfg);
  std::string diff_base, base, symbolize, build_id, add_comment, tools, http, tls_cert, tls_key, tls_ca;
  int timeout = -1, seconds = -1;
  LeaksFlags leaks;
  bool inuse_space = false, inuse_objects = false, alloc_space = false, alloc_objects = false;
  bool total_delay = false, contentions = false, mean_delay = false, no_browser = false, all_frames = false;
  flags.String("diff_base", &diff_base);
  flags.String("base", &base);
  flags.String("symbolize", &symbolize);
  flags.String("buildid", &build_id);
  flags.Int("timeout", &timeout);
  flags.String("add_comment", &add_comment);
  flags.Int("seconds", &seconds);
  flags.Bool("inuse_space", &inuse_space);
  flags.Bool("inuse_objects", &inuse_objects);
  flags.Bool("alloc_space", &alloc_space);
  flags.Bool("alloc_objects", &alloc_objects);
  flags.Bool("total_delay", &total_delay);
  flags.Bool("contentions", &contentions);
  flags.Bool("mean_delay", &mean_delay);
  flags.String("tools", &tools);
  flags.String("http", &http);
  flags.Bool("no_browser", &no_browser);
  flags.Bool("all_frames", &all_frames);
  flags.String("tls_cert", &tls_cert);
  flags.String("tls_key", &tls_key);
  flags.String("tls_ca", &tls_ca);
  flags.Bool("leaks", &leaks.on);
  flags.Int("count", &leaks.count);
  flags.String("interval", &leaks.interval);
  std::map<std::string, bool> bool_cmds;
  std::map<std::string, std::string> param_cmds;
  for (const Command& c : Commands()) {
    if (c.has_param) {
      flags.String(c.name, &param_cmds[c.name]);
    } else {
      flags.Bool(c.name, &bool_cmds[c.name]);
    }
  }
  bool help = false;
  auto parsed = flags.Parse(args, &help);
  if (help) {
    std::fputs(kUsage, stderr);
    return 0;
  }
  if (!parsed.ok()) {
    ui.Err(parsed.status().message());
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::vector<std::string> positional = *parsed;
  if (positional.empty()) {
    std::fputs(kUsage, stderr);
    ui.Err("no profile source specified");
    return 2;
  }
  auto fail = [&ui](const Status& s) {
    ui.Err(s.message());
    return 1;
  };
  SourceOptions src;
  if (positional.size() > 1) {
    std::ifstream f(positional[0], std::ios::binary);
    char magic[4] = {};
    if (f && f.read(magic, 4) && std::string(magic, 4) == "\x7f" "ELF") {
      src.exec_name = positional[0];
      positional.erase(positional.begin());
    } else if (build_id.empty() &&
               positional[0].find_first_not_of("0123456789abcdefABCDEF") == std::string::npos) {
      build_id = positional[0];
      positional.erase(positional.begin());
    }
  }
  if (Status s = config_flags.ApplyChoices(); !s.ok()) return fail(s);
  const Command* cmd = nullptr;
  std::string cmd_param;
  for (const Command& c : Commands()) {
    bool chosen = c.has_param ? !param_cmds[c.name].empty() : bool_cmds[c.name];
    if (!chosen) continue;
    if (cmd != nullptr) return fail(Status::Error("must set at most one output format"));
    cmd = &c;
    if (c.has_param) cmd_param = param_cmds[c.name];
  }
  Result<int64_t> interval_nanos = CheckLeaksFlags(leaks, cmd, seconds, !base.empty() || !diff_base.empty());
  if (!interval_nanos.ok()) return fail(interval_nanos.status());
  if (cmd != nullptr && !http.empty()) {
    return fail(Status::Error("-http is not compatible with an output format on the command line"));
  }
  if (no_browser && http.empty()) return fail(Status::Error("-no_browser only makes sense with -http"));
  auto select = [&](bool flag, const char* type, const char* option) {
    if (!flag) return;
    if (cfg.sample_index.empty()) {
      cfg.sample_index = type;
    } else {
      ui.Err(std::string("Multiple value selections, ignoring ") + option);
    }
  };
  select(total_delay, "delay", "-total_delay");
  select(mean_delay, "delay", "-mean_delay");
  select(contentions, "contentions", "-contentions");
  select(inuse_space, "inuse_space", "-inuse_space");
  select(inuse_objects, "inuse_objects", "-inuse_objects");
  select(alloc_space, "alloc_space", "-alloc_space");
  select(alloc_objects, "alloc_objects", "-alloc_objects");
  if (mean_delay) cfg.mean = true;
  src.sources = positional;
  src.build_id = build_id;
  src.symbolize = symbolize;
  src.comment = add_comment;
  src.all_frames = all_frames;
  src.http = HttpOptions{seconds, timeout, tls_cert, tls_key, tls_ca};
  src.progress = [&ui](const std::string& message) { ui.Err(message); };
  if (!base.empty() && !diff_base.empty()) {
    return fail(Status::Error("-base and -diff_base flags cannot both be specified"));
  }
  if (!base.empty()) src.bases = {base};
  if (!diff_base.empty()) src.bases = {diff_base}, src.diff_base = true;
  if (cfg.normalize && src.bases.empty()) return fail(Status::Error("must have base profile to normalize by"));
  src.normalize = cfg.normalize;
  if (cmd == nullptr && !http.empty() && !web) return fail(Status::Error("-http is not available in this build"));

  std::vector<std::string> warnings;
  if (leaks.on) {
    Result<std::vector<Profile>> snapshots = FetchSnapshots(src, leaks.count, *interval_nanos, warnings);
    for (const std::string& w : warnings) ui.Err(w);
    if (!snapshots.ok()) return fail(snapshots.status());
    if (!http.empty()) return web(snapshots->back(), &*snapshots, cfg, http, !no_browser, ui);
    if (Status s = RunLeaks(*snapshots, cfg, ui); !s.ok()) return fail(s);
    return 0;
  }
  Result<Profile> p = FetchProfiles(src, warnings);
  for (const std::string& w : warnings) ui.Err(w);
  if (!p.ok()) return fail(p.status());
  if (cmd == nullptr && !http.empty()) return web(*p, nullptr, cfg, http, !no_browser, ui);
  if (cmd == nullptr) return RunInteractive(*p, cfg, ui);
  if (Status s = RunReport(*p, *cmd, cmd_param, cfg, ui); !s.ok()) return fail(s);
  return 0;
}

}  // namespace cpprof
