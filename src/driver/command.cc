// The report commands and running one (command.h): pprof's command
// overrides, preparing the profile (tag frames, filters, aggregation), the
// report, and where it goes; the shell's and web UI's ReportCache.
#include "driver/command.h"

#include <fmt/format.h>
#include <re2/re2.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "driver/output_file.h"
#include "driver/render.h"
#include "driver/tag_filter.h"
#include "profile/filter.h"
#include "profile/label_frames.h"

namespace cpprof {
// The viewer of -web: $BROWSER, else xdg-open in a desktop session.
constexpr const char* kBrowser = "browser";

// pprof's report commands, every one of them.
const std::vector<Command>& Commands() {
  using F = ReportFormat;
  static const auto* commands = new std::vector<Command>{
      {"callgrind", false, F::kCallgrind, "Outputs a graph in callgrind format", nullptr, "callgraph.out"},
      {"comments", false, F::kComments, "Output all profile comments"},
      {"disasm", true, F::kDisasm, "Output assembly listings annotated with samples"},
      {"dot", false, F::kDot, "Outputs a graph in DOT format"},
      {"eog", false, F::kDot, "Visualize graph through eog", "svg", nullptr, "eog"},
      {"evince", false, F::kDot, "Visualize graph through evince", "pdf", nullptr, "evince"},
      {"folded", false, F::kFolded, "Outputs one line per stack in folded format (root;...;leaf value)"},
      {"gif", false, F::kDot, "Outputs a graph image in GIF format", "gif", "gif"},
      {"gv", false, F::kDot, "Visualize graph through gv", "ps", nullptr, "gv --noantialias"},
      {"kcachegrind", false, F::kCallgrind, "Visualize report in KCachegrind", nullptr, nullptr, "kcachegrind"},
      {"list", true, F::kList, "Output annotated source for functions matching regexp"},
      {"pdf", false, F::kDot, "Outputs a graph in PDF format", "pdf", "pdf"},
      {"peek", true, F::kTree, "Output callers/callees of functions matching regexp"},
      {"png", false, F::kDot, "Outputs a graph image in PNG format", "png", "png"},
      {"proto", false, F::kProto, "Outputs the profile in compressed protobuf format", nullptr, "pb.gz"},
      {"ps", false, F::kDot, "Outputs a graph in PS format", "ps", "ps"},
      {"raw", false, F::kRaw, "Outputs a text representation of the raw profile"},
      {"speedscope", false, F::kSpeedscope, "Outputs the stacks in speedscope's JSON format"},
      {"svg", false, F::kDot, "Outputs a graph in SVG format", "svg", "svg", nullptr, true},
      {"tags", false, F::kTags, "Outputs all tags in the profile"},
      {"text", false, F::kText, "Outputs top entries in text form"},
      {"top", false, F::kText, "Outputs top entries in text form"},
      {"topproto", false, F::kTopProto, "Outputs top entries in compressed protobuf format", nullptr, "pb.gz"},
      {"traces", false, F::kTraces, "Outputs all profile samples in text form"},
      {"tree", false, F::kTree, "Outputs a text rendering of call graph"},
      {"web", false, F::kDot, "Visualize graph through web browser", "svg", nullptr, kBrowser, true},
      {"weblist", true, F::kWebList, "Display annotated source in a web browser", nullptr, nullptr, kBrowser},
  };
  return *commands;
}

const Command* FindCommand(std::string_view name) {
  for (const Command& c : Commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

namespace {

Result<std::unique_ptr<re2::RE2>> CompileRegex(const char* name, const std::string& value) {
  if (value.empty()) return std::unique_ptr<re2::RE2>();
  auto rx = std::make_unique<re2::RE2>(value, re2::RE2::Quiet);
  if (!rx->ok()) return Status::Error(fmt::format("parsing {} regexp: {}", name, rx->error()));
  return rx;
}

// pprof's NumLabelUnits: the first unit seen per numeric label key, or one
// inferred from the key.
std::map<std::string, std::string> NumLabelUnits(const Profile& p, Ui& ui) {
  std::map<std::string, std::string> units;
  std::map<std::string, std::set<std::string>> ignored;
  std::set<std::string> keys;
  for (const Sample& s : p.samples) {
    for (const Label& l : p.labels_of(s)) {
      if (l.is_string()) continue;
      std::string key(p.str(l.key));
      keys.insert(key);
      if (l.num_unit == 0) continue;
      std::string unit(p.str(l.num_unit));
      auto [it, inserted] = units.emplace(key, unit);
      if (!inserted && it->second != unit) ignored[key].insert(unit);
    }
  }
  for (const std::string& key : keys) {
    if (units.count(key)) continue;
    units[key] = (key == "alignment" || key == "request") ? "bytes" : key;
  }
  for (const auto& [key, set] : ignored) {
    std::string list;
    for (const std::string& u : set) list += (list.empty() ? "" : ", ") + u;
    ui.Err(fmt::format("For tag {} used unit {}, also encountered unit(s) {}", key, units[key], list));
  }
  return units;
}

Status ApplyFocus(Profile& p, const std::map<std::string, std::string>& units, const Config& cfg, Ui& ui) {
  auto focus = CompileRegex("focus", cfg.focus);
  if (!focus.ok()) return focus.status();
  auto ignore = CompileRegex("ignore", cfg.ignore);
  if (!ignore.ok()) return ignore.status();
  auto hide = CompileRegex("hide", cfg.hide);
  if (!hide.ok()) return hide.status();
  auto show = CompileRegex("show", cfg.show);
  if (!show.ok()) return show.status();
  auto show_from = CompileRegex("show_from", cfg.show_from);
  if (!show_from.ok()) return show_from.status();
  std::string note;
  auto tagfocus = CompileTagFilter("tagfocus", cfg.tagfocus, units, &note);
  if (!note.empty()) ui.Err(note), note.clear();
  if (!tagfocus.ok()) return tagfocus.status();
  auto tagignore = CompileTagFilter("tagignore", cfg.tagignore, units, &note);
  if (!note.empty()) ui.Err(note);
  if (!tagignore.ok()) return tagignore.status();
  auto prune_from = CompileRegex("prune_from", cfg.prune_from);
  if (!prune_from.ok()) return prune_from.status();

  auto warn = [&ui](bool matched, const char* option) {
    if (!matched) ui.Err(fmt::format("{} expression matched no samples", option));
  };
  NameFilterMatches m = FilterSamplesByName(p, focus->get(), ignore->get(), hide->get(), show->get());
  warn(!*focus || m.focus, "Focus");
  warn(!*ignore || m.ignore, "Ignore");
  warn(!*hide || m.hide, "Hide");
  warn(!*show || m.show, "Show");
  if (*show_from) warn(ShowFrom(p, **show_from), "ShowFrom");
  auto [tfm, tim] = FilterSamplesByTag(p, *tagfocus, *tagignore);
  warn(!*tagfocus || tfm, "TagFocus");
  warn(!*tagignore || tim, "TagIgnore");
  auto tagshow = CompileRegex("tagshow", cfg.tagshow);
  if (!tagshow.ok()) return tagshow.status();
  auto taghide = CompileRegex("taghide", cfg.taghide);
  if (!taghide.ok()) return taghide.status();
  auto [tsm, thm] = FilterTagsByName(p, tagshow->get(), taghide->get());
  warn(!*tagshow || tsm, "TagShow");
  warn(!*taghide || thm, "TagHide");
  if (*prune_from) PruneFrom(p, **prune_from);
  return Status();
}

}  // namespace

Result<int> SampleIndex(const Profile& p, const std::string& name) {
  if (p.sample_types.empty()) return Status::Error("profile has no samples");
  auto types = [&] {
    std::string s = "[";
    for (size_t i = 0; i < p.sample_types.size(); ++i) s += (i ? " " : "") + std::string(p.str(p.sample_types[i].type));
    return s + "]";
  };
  if (name.empty()) {
    if (p.default_sample_type != 0) {
      for (size_t i = 0; i < p.sample_types.size(); ++i) {
        if (p.sample_types[i].type == p.default_sample_type) return static_cast<int>(i);
      }
    }
    return static_cast<int>(p.sample_types.size()) - 1;
  }
  char* end = nullptr;
  long i = std::strtol(name.c_str(), &end, 10);
  if (*end == '\0' && end != name.c_str()) {
    if (i < 0 || i >= static_cast<long>(p.sample_types.size())) {
      return Status::Error(
          fmt::format("sample_index {} is outside the range [0..{}]", name, p.sample_types.size() - 1));
    }
    return static_cast<int>(i);
  }
  std::string no_inuse = name.starts_with("inuse_") ? name.substr(6) : name;
  for (size_t k = 0; k < p.sample_types.size(); ++k) {
    std::string_view t = p.str(p.sample_types[k].type);
    if (t == name || t == no_inuse) return static_cast<int>(k);
  }
  return Status::Error(fmt::format("sample_index \"{}\" must be one of: {}", name, types()));
}

namespace {

std::vector<std::string> SplitNonEmpty(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}


// pprof's reportOptions: what a report takes from the config and profile.
Result<ReportOptions> MakeReportOptions(const Profile& p, ReportFormat format, const Config& cfg,
                                        const std::map<std::string, std::string>& units) {
  Result<int> index = SampleIndex(p, cfg.sample_index);
  if (!index.ok()) return index.status();
  if (cfg.divide_by == 0) return Status::Error("zero divisor specified");
  ReportOptions o;
  o.format = format;
  o.cum_sort = cfg.sort == "cum";
  o.call_tree = cfg.call_tree;
  if (!p.mappings.empty() && p.mappings[0].file != 0) o.title = GoBase(p.str(p.mappings[0].file));
  o.drop_negative = cfg.drop_negative;
  o.compact_labels = cfg.compact_labels;
  o.ratio = 1 / cfg.divide_by;
  o.node_count = cfg.nodecount;
  o.node_fraction = cfg.nodefraction;
  o.edge_fraction = cfg.edgefraction;
  for (auto [k, v] : std::vector<std::pair<const char*, const std::string*>>{
           {"focus", &cfg.focus}, {"ignore", &cfg.ignore}, {"hide", &cfg.hide}, {"show", &cfg.show},
           {"show_from", &cfg.show_from}, {"tagfocus", &cfg.tagfocus}, {"tagignore", &cfg.tagignore},
           {"tagshow", &cfg.tagshow}, {"taghide", &cfg.taghide}}) {
    if (!v->empty()) o.active_filters.push_back(std::string(k) + "=" + *v);
  }
  o.num_label_units = units;
  o.sample_index = *index;
  o.mean = cfg.mean;
  o.sample_type = std::string(cfg.mean ? "mean_" : "") + std::string(p.str(p.sample_types[*index].type));
  o.sample_unit = p.str(p.sample_types[*index].unit);
  o.output_unit = cfg.unit;
  o.trim_path = cfg.trim_path;
  o.source_path = cfg.source_path;
  o.intel_syntax = cfg.intel_syntax;
  return o;
}

// -web, -kcachegrind, -eog, -evince, -gv: the report goes to a file in the
// temporary directory that a viewer opens. The file stays, since browsers
// opened through xdg-open read it after the command has returned.
Status View(const Command& cmd, const std::string& data, Ui& ui) {
  bool web = std::string_view(cmd.viewer) == kBrowser;
  const char* tmp = std::getenv("TMPDIR");
  std::string suffix = std::string(".") + (cmd.render != nullptr                 ? cmd.render
                                           : cmd.format == ReportFormat::kWebList ? "html"
                                                                                   : "grind");
  Result<std::string> path = NewTempFile(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "cpprof", suffix);
  if (!path.ok()) return path.status();
  if (Status s = WriteFile(*path, data); !s.ok()) return s;
  std::vector<std::string> viewers;
  if (web) {
    if (const char* browser = std::getenv("BROWSER"); browser != nullptr && *browser != '\0') viewers.push_back(browser);
    // xdg-open is only for a desktop session.
    if (std::getenv("DISPLAY") != nullptr || std::getenv("WAYLAND_DISPLAY") != nullptr) viewers.push_back("xdg-open");
  } else {
    viewers.push_back(cmd.viewer);
  }
  if (!RunViewer(viewers, *path)) {
    ui.Err(web ? "No browser found (set $BROWSER); the graph is in " + *path
               : fmt::format("{} could not be run; the report is in {}", cmd.viewer, *path));
  }
  return Status();
}

// MakeReportOptions and the argument of peek, list, disasm, weblist.
Result<ReportOptions> ReportOptionsFor(const Profile& p, const Command& cmd, const std::string& cmd_param,
                                       const Config& cfg, const std::map<std::string, std::string>& units) {
  Result<ReportOptions> o = MakeReportOptions(p, cmd.format, cfg, units);
  if (!o.ok() || !cmd.has_param) return o;
  auto symbol = std::make_shared<re2::RE2>(cmd_param, re2::RE2::Quiet);
  if (!symbol->ok()) return Status::Error(fmt::format("parsing argument regexp {}: {}", cmd_param, symbol->error()));
  o->symbol = std::move(symbol);
  return o;
}

// pprof's applyCommandOverrides; without trimming, no cut-offs.
Config CommandConfig(const Command& cmd, Config cfg) {
  bool trim = cfg.trim;
  std::string_view name = cmd.name;
  if (name == "peek") {
    trim = false;
  } else if (name == "disasm") {
    // One node per address: inlined frames would count an address twice.
    trim = false;
    cfg.granularity = "addresses";
    cfg.noinlines = true;
  } else if (name == "weblist") {
    trim = false;
    cfg.granularity = "addresses";
    cfg.noinlines = false;  // the inline chains are the expandable calls
  } else if (name == "list") {
    trim = false;
    cfg.granularity = "lines";
  } else if (name == "text" || name == "top" || name == "topproto") {
    if (cfg.nodecount == -1) cfg.nodecount = 0;
  } else if (cfg.nodecount == -1) {
    cfg.nodecount = 80;
  }
  if (cmd.format == ReportFormat::kProto || cmd.format == ReportFormat::kRaw ||
      cmd.format == ReportFormat::kCallgrind) {
    trim = false;
    cfg.granularity = "addresses";
    cfg.noinlines = false;
  }
  if (!trim) {
    cfg.nodecount = 0;
    cfg.nodefraction = 0;
    cfg.edgefraction = 0;
  }
  return cfg;
}

// What a report does to its profile first: tag frames, filters (before or
// after the total is taken, as -relative_percentages chooses), aggregation.
Result<Prepared> Prepare(Profile& p, const Command& cmd, const std::string& cmd_param, const Config& cfg, Ui& ui) {
  Prepared prepared;
  std::map<std::string, std::string>& units = prepared.num_label_units;
  units = NumLabelUnits(p, ui);
  auto [root_matched, leaf_matched] = AddLabelFrames(p, SplitNonEmpty(cfg.tagroot), SplitNonEmpty(cfg.tagleaf), cfg.unit);
  if (!cfg.tagroot.empty() && !root_matched) ui.Err("TagRoot expression matched no samples");
  if (!cfg.tagleaf.empty() && !leaf_matched) ui.Err("TagLeaf expression matched no samples");

  if (cfg.relative_percentages) {
    if (Status s = ApplyFocus(p, units, cfg, ui); !s.ok()) return s;
  }
  // Options fail (sample_index, divide_by, the argument regexp) before
  // focusing does.
  Result<ReportOptions> o = ReportOptionsFor(p, cmd, cmd_param, cfg, units);
  if (!o.ok()) return o.status();
  prepared.total = ComputeTotal(p, o->sample_index, o->mean);
  if (!cfg.relative_percentages) {
    if (Status s = ApplyFocus(p, units, cfg, ui); !s.ok()) return s;
  }
  // aggregate
  const std::string& g = cfg.granularity;
  bool inlines = !cfg.noinlines;
  if (!(g == "addresses" && inlines)) {
    bool function = g == "addresses" || g == "lines" || g == "functions" || g == "filefunctions";
    bool filename = g == "addresses" || g == "lines" || g == "files" || g == "filefunctions";
    bool line_number = g == "addresses" || g == "lines";
    bool address = g == "addresses";
    Aggregate(p, inlines, function, filename, line_number, address);
  }
  return prepared;
}

// The report of a prepared profile.
Status GeneratePrepared(Profile& p, const Command& cmd, const std::string& cmd_param, const Config& cfg,
                        const Prepared& prepared, GraphCache* graphs, std::string& out,
                        const std::function<void(std::string&)>& drain) {
  Result<ReportOptions> o = ReportOptionsFor(p, cmd, cmd_param, cfg, prepared.num_label_units);
  if (!o.ok()) return o.status();
  o->drain = drain;
  o->graphs = graphs;
  Report report(p, *o, prepared.total);
  return Generate(report, out);
}

// The options a profile is prepared with for a text or tree report: all
// but those that only choose and print nodes.
std::string PreparationKey(const Config& cfg) {
  std::string key;
  for (const ConfigField& f : ConfigFields()) {
    if (f.name == "output" || f.name == "sort" || f.name == "nodecount" || f.name == "nodefraction" ||
        f.name == "edgefraction") {
      continue;
    }
    std::string value = ConfigValue(cfg, f);
    key += fmt::format("{}:{}={};", f.name, value.size(), value);
  }
  return key;
}

}  // namespace

Status WriteReport(const Command& cmd, const Config& cfg, Ui& ui, const Generator& generate) {
  std::string output = cfg.output;
  std::string out;
  if (cmd.render != nullptr || (output.empty() && cmd.viewer != nullptr)) {
    // Rendered or viewed reports need the whole text first.
    if (Status s = generate(out, nullptr); !s.ok()) return s;
    if (cmd.render != nullptr) {
      Result<std::string> rendered = RenderDot(out, cmd.render);
      if (!rendered.ok()) return rendered.status();
      out = cmd.pan_zoom ? MassageSvg(std::move(*rendered)) : std::move(*rendered);
    }
    if (output.empty() && cmd.viewer != nullptr) return View(cmd, out, ui);
  }
  if (output.empty() && cmd.away != nullptr && isatty(STDOUT_FILENO)) {
    // Binary data never goes to a terminal: pprof's awayFromTTY.
    Result<std::string> file = NewTempFile("", "profile", std::string(".") + cmd.away);
    if (!file.ok()) return file.status();
    output = *file;
  }
  bool generated = cmd.render != nullptr;
  if (output.empty()) {
    auto to_stdout = [](std::string& piece) {
      std::fwrite(piece.data(), 1, piece.size(), stdout);
      piece.clear();
    };
    if (!generated) {
      if (Status s = generate(out, to_stdout); !s.ok()) return s;
    }
    to_stdout(out);
    if (std::fflush(stdout) != 0) return Status::Error(fmt::format("write error: {}", std::strerror(errno)));
    return Status();
  }
  OutputFile file(output);
  if (Status s = file.Open(); !s.ok()) return s;
  if (!generated) {
    auto to_file = [&file](std::string& piece) { file.Write(piece); };
    if (Status s = generate(out, to_file); !s.ok()) return s;
  }
  ui.Err("Generating report in " + output);
  file.Write(out);
  return file.Commit();
}

Result<PreparedReport> PrepareReport(Profile& p, const Command& cmd, Config cfg, Ui& ui) {
  cfg = CommandConfig(cmd, std::move(cfg));
  Result<Prepared> prepared = Prepare(p, cmd, "", cfg, ui);
  if (!prepared.ok()) return prepared.status();
  Result<ReportOptions> o = ReportOptionsFor(p, cmd, "", cfg, prepared->num_label_units);
  if (!o.ok()) return o.status();
  return PreparedReport{std::move(*o), prepared->total};
}

Status GenerateReport(Profile& p, const Command& cmd, const std::string& cmd_param, Config cfg, Ui& ui,
                      std::string& out, const std::function<void(std::string&)>& drain) {
  cfg = CommandConfig(cmd, std::move(cfg));
  Result<Prepared> prepared = Prepare(p, cmd, cmd_param, cfg, ui);
  if (!prepared.ok()) return prepared.status();
  return GeneratePrepared(p, cmd, cmd_param, cfg, *prepared, nullptr, out, drain);
}

Status GenerateReport(ReportCache& cache, const Command& cmd, const std::string& cmd_param, Config cfg, Ui& ui,
                      std::string& out, const std::function<void(std::string&)>& drain) {
  cfg = CommandConfig(cmd, std::move(cfg));
  // Text and tree reports build the same graph (GraphOptionsFor), and change
  // the prepared profile only once, before the first graph (ReportGraph).
  // An argument is a regexp that may fail, which it must do before focusing.
  bool reusable = (cmd.format == ReportFormat::kText || cmd.format == ReportFormat::kTree) && !cmd.has_param;
  std::string key = reusable ? PreparationKey(cfg) : "";
  if (!key.empty() && key == cache.key) {
    for (const std::string& m : cache.messages) ui.Err(m);
  } else {
    cache.key.clear();
    cache.graphs = GraphCache();
    cache.messages.clear();
    // Assigning into the last copy reuses its memory: 300 MB of fresh pages
    // for the benchmark profile cost ~25 ms of page faults.
    cache.profile = cache.session;
    ui.copy_to = &cache.messages;
    Result<Prepared> prepared = Prepare(cache.profile, cmd, cmd_param, cfg, ui);
    ui.copy_to = nullptr;
    if (!prepared.ok()) return prepared.status();
    cache.prepared = std::move(*prepared);
    cache.key = key;
  }
  return GeneratePrepared(cache.profile, cmd, cmd_param, cfg, cache.prepared, reusable ? &cache.graphs : nullptr, out,
                          drain);
}

Status RunReport(Profile& p, const Command& cmd, const std::string& param, const Config& cfg, Ui& ui) {
  return WriteReport(cmd, cfg, ui, [&](std::string& out, const std::function<void(std::string&)>& drain) {
    return GenerateReport(p, cmd, param, cfg, ui, out, drain);
  });
}

Status RunReport(ReportCache& cache, const Command& cmd, const std::string& param, const Config& cfg, Ui& ui) {
  return WriteReport(cmd, cfg, ui, [&](std::string& out, const std::function<void(std::string&)>& drain) {
    return GenerateReport(cache, cmd, param, cfg, ui, out, drain);
  });
}

std::vector<std::string> ProfileHeader(const Profile& p, const Config& cfg, Ui& ui, int64_t* total) {
  Result<ReportOptions> o = MakeReportOptions(p, ReportFormat::kText, cfg, NumLabelUnits(p, ui));
  if (!o.ok()) return {};
  // The total and the labels only read the profile.
  Report report(const_cast<Profile&>(p), *o);
  *total = report.total();
  return ProfileLabels(report);
}

}  // namespace cpprof
