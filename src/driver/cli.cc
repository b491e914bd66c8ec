#include "driver/cli.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string_view>
#include <tuple>
#include <utility>

#include "driver/flags.h"

namespace cpprof {
namespace {

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
    -output -source_path -trim_path -intel_syntax -tools (default $PPROF_TOOLS)
  Source options: -base -diff_base -normalize -add_comment -buildid -symbolize -all_frames
    -seconds -timeout -tls_cert -tls_key -tls_ca (a source that is not a file is a URL)
  Leaks over time: -leaks [-count=K -interval=D] <snapshot>... (heap snapshots of one
    process as a series, ranked by steady growth; K snapshots D apart from a URL)
  Web interface: -http -no_browser
  Execution traces (go tool trace's counterpart): cpprof trace [flags] <trace> (cpprof trace -h)
  Legacy convenience options: -inuse_space -inuse_objects -alloc_space -alloc_objects
    -total_delay -contentions -mean_delay
)";

// One flag per command: -top, -list=RE, ...
struct CommandFlags {
  std::map<std::string, bool> bools;
  std::map<std::string, std::string> params;

  void Register(FlagSet& flags) {
    for (const Command& c : Commands()) {
      if (c.has_param) {
        flags.String(c.name, &params[c.name]);
      } else {
        flags.Bool(c.name, &bools[c.name]);
      }
    }
  }

  // The command chosen (pprof's outputFormat) and its regexp; a null command
  // when none is set.
  Result<std::pair<const Command*, std::string>> OutputFormat() {
    std::pair<const Command*, std::string> chosen{nullptr, ""};
    for (const Command& c : Commands()) {
      bool set = c.has_param ? !params[c.name].empty() : bools[c.name];
      if (!set) continue;
      if (chosen.first != nullptr) return Status::Error("must set at most one output format");
      chosen = {&c, c.has_param ? params[c.name] : ""};
    }
    return chosen;
  }
};

// The flags that say where profiles come from and how they combine.
struct SourceFlags {
  std::string diff_base, base, tls_cert, tls_key, tls_ca;
  int timeout = -1, seconds = -1;

  void Register(FlagSet& flags, SourceOptions& src) {
    flags.String("diff_base", &diff_base);
    flags.String("base", &base);
    flags.String("symbolize", &src.symbolize);
    flags.String("buildid", &src.build_id);
    flags.Int("timeout", &timeout);
    flags.String("add_comment", &src.comment);
    flags.Int("seconds", &seconds);
    flags.Bool("all_frames", &src.all_frames);
    flags.String("tls_cert", &tls_cert);
    flags.String("tls_key", &tls_key);
    flags.String("tls_ca", &tls_ca);
  }

  bool has_base() const { return !base.empty() || !diff_base.empty(); }

  // The rest of src, failing on -base with -diff_base and on -normalize
  // without a base.
  Status Apply(SourceOptions& src, bool normalize, Ui& ui) const {
    src.http = HttpOptions{seconds, timeout, tls_cert, tls_key, tls_ca};
    src.progress = [&ui](const std::string& message) { ui.Err(message); };
    if (!base.empty() && !diff_base.empty()) {
      return Status::Error("-base and -diff_base flags cannot both be specified");
    }
    if (!base.empty()) src.bases = {base};
    if (!diff_base.empty()) {
      src.bases = {diff_base};
      src.diff_base = true;
    }
    if (normalize && src.bases.empty()) return Status::Error("must have base profile to normalize by");
    src.normalize = normalize;
    return Status();
  }
};

// The legacy sample selectors (-inuse_space, -total_delay, ...) as pprof's
// sampleIndex applies them: the first one given sets the sample index, the
// others are ignored with a message.
struct LegacySampleFlags {
  bool total_delay = false, mean_delay = false, contentions = false;
  bool inuse_space = false, inuse_objects = false, alloc_space = false, alloc_objects = false;

  void Register(FlagSet& flags) {
    flags.Bool("inuse_space", &inuse_space);
    flags.Bool("inuse_objects", &inuse_objects);
    flags.Bool("alloc_space", &alloc_space);
    flags.Bool("alloc_objects", &alloc_objects);
    flags.Bool("total_delay", &total_delay);
    flags.Bool("contentions", &contentions);
    flags.Bool("mean_delay", &mean_delay);
  }

  void Apply(Config& cfg, Ui& ui) const {
    for (auto [set, type, option] :
         {std::tuple{total_delay, "delay", "-total_delay"}, std::tuple{mean_delay, "delay", "-mean_delay"},
          std::tuple{contentions, "contentions", "-contentions"},
          std::tuple{inuse_space, "inuse_space", "-inuse_space"},
          std::tuple{inuse_objects, "inuse_objects", "-inuse_objects"},
          std::tuple{alloc_space, "alloc_space", "-alloc_space"},
          std::tuple{alloc_objects, "alloc_objects", "-alloc_objects"}}) {
      if (!set) continue;
      if (cfg.sample_index.empty()) {
        cfg.sample_index = type;
      } else {
        ui.Err(std::string("Multiple value selections, ignoring ") + option);
      }
    }
    if (mean_delay) cfg.mean = true;
  }
};

// pprof's "[binary] <source>": with more than one argument, a first one that
// is an ELF file names the executable, and one of hex digits its build id
// (unless -buildid gave it).
void TakeExecutable(std::vector<std::string>& args, SourceOptions& src) {
  if (args.size() <= 1) return;
  std::ifstream f(args[0], std::ios::binary);
  char magic[4] = {};
  if (f && f.read(magic, 4) &&
      std::string(magic, 4) ==
          "\x7f"
          "ELF") {
    src.exec_name = args[0];
  } else if (src.build_id.empty() && args[0].find_first_not_of("0123456789abcdefABCDEF") == std::string::npos) {
    src.build_id = args[0];
  } else {
    return;
  }
  args.erase(args.begin());
}

}  // namespace

Result<std::optional<CommandLine>> ParseFlags(const std::vector<std::string>& args, Ui& ui) {
  CommandLine cl;
  FlagSet flags;
  ConfigFlags config_flags(flags, cl.cfg);
  SourceFlags source;
  source.Register(flags, cl.source);
  LegacySampleFlags legacy;
  legacy.Register(flags);
  CommandFlags commands;
  commands.Register(flags);
  bool no_browser = false;
  // pprof's default for -tools is $PPROF_TOOLS.
  if (const char* tools = std::getenv("PPROF_TOOLS")) cl.tools = tools;
  flags.String("tools", &cl.tools);
  flags.String("http", &cl.http);
  flags.Bool("no_browser", &no_browser);
  flags.Bool("leaks", &cl.leaks.on);
  flags.Int("count", &cl.leaks.count);
  flags.String("interval", &cl.leaks.interval);
  bool help = false;
  Result<std::vector<std::string>> parsed = flags.Parse(args, &help);
  if (help) {
    std::fputs(kUsage, stderr);
    return std::optional<CommandLine>();
  }
  // The usage ends in a newline, which the message's own line supplies.
  std::string_view usage(kUsage, std::char_traits<char>::length(kUsage) - 1);
  if (!parsed.ok()) return Status::Error(fmt::format("{}\n{}", parsed.status().message(), usage));
  if (parsed->empty()) return Status::Error(fmt::format("{}\nno profile source specified", usage));
  TakeExecutable(*parsed, cl.source);
  cl.source.sources = std::move(*parsed);

  if (Status s = config_flags.ApplyChoices(); !s.ok()) return s;
  Result<std::pair<const Command*, std::string>> format = commands.OutputFormat();
  if (!format.ok()) return format.status();
  std::tie(cl.cmd, cl.cmd_param) = std::move(*format);
  Result<int64_t> interval = CheckLeaksFlags(cl.leaks, cl.cmd, source.seconds, source.has_base());
  if (!interval.ok()) return interval.status();
  cl.leaks_interval_nanos = *interval;
  if (cl.cmd != nullptr && !cl.http.empty()) {
    return Status::Error("-http is not compatible with an output format on the command line");
  }
  if (no_browser && cl.http.empty()) return Status::Error("-no_browser only makes sense with -http");
  cl.open_browser = !no_browser;
  legacy.Apply(cl.cfg, ui);
  if (Status s = source.Apply(cl.source, cl.cfg.normalize, ui); !s.ok()) return s;
  return std::optional<CommandLine>(std::move(cl));
}

}  // namespace cpprof
