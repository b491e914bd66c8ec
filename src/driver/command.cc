#include "driver/command.h"

#include <fmt/format.h>
#include <re2/re2.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>

#include "driver/focus.h"
#include "driver/output_file.h"
#include "driver/render.h"
#include "profile/filter.h"
#include "profile/label_frames.h"

namespace cpprof {

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
  for (auto [k, v] : std::vector<std::pair<const char*, const std::string*>>{{"focus", &cfg.focus},
                                                                             {"ignore", &cfg.ignore},
                                                                             {"hide", &cfg.hide},
                                                                             {"show", &cfg.show},
                                                                             {"show_from", &cfg.show_from},
                                                                             {"tagfocus", &cfg.tagfocus},
                                                                             {"tagignore", &cfg.tagignore},
                                                                             {"tagshow", &cfg.tagshow},
                                                                             {"taghide", &cfg.taghide}}) {
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
  auto [root_matched, leaf_matched] =
      AddLabelFrames(p, SplitNonEmpty(cfg.tagroot), SplitNonEmpty(cfg.tagleaf), cfg.unit);
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
                        const Prepared& prepared, GraphCache* graphs, ReportSink& sink) {
  Result<ReportOptions> o = ReportOptionsFor(p, cmd, cmd_param, cfg, prepared.num_label_units);
  if (!o.ok()) return o.status();
  Report report(p, std::move(*o), prepared.total, graphs);
  return Generate(report, sink);
}

// Standard output. Write errors stick to the stream and come out of Flush.
class StdoutSink final : public ReportSink {
 public:
  Status Append(std::string_view data) override {
    std::fwrite(data.data(), 1, data.size(), stdout);
    return Status();
  }
  Status Flush() override {
    if (std::fflush(stdout) != 0) return Status::Error(fmt::format("write error: {}", std::strerror(errno)));
    return Status();
  }
};

// Writes what generate makes to the file output names, else to stdout, or,
// for binary data on a terminal, to profileNNN.<ext> (pprof's awayFromTTY).
Status WriteTo(const Command& cmd, std::string output, Ui& ui, const Generator& generate) {
  if (output.empty() && cmd.away != nullptr && isatty(STDOUT_FILENO)) {
    Result<std::string> file = NewTempFile("", "profile", std::string(".") + cmd.away);
    if (!file.ok()) return file.status();
    output = *file;
  }
  if (output.empty()) {
    StdoutSink out;
    if (Status s = generate(out); !s.ok()) return s;
    return out.Flush();
  }
  OutputFile file(output);
  if (Status s = file.Open(); !s.ok()) return s;
  if (Status s = generate(file); !s.ok()) return s;
  ui.Err("Generating report in " + output);
  return file.Flush();
}

}  // namespace

Status WriteReport(const Command& cmd, const Config& cfg, Ui& ui, const Generator& generate) {
  bool viewed = cfg.output.empty() && cmd.viewer != nullptr;
  if (cmd.render == nullptr && !viewed) return WriteTo(cmd, cfg.output, ui, generate);
  // Rendered or viewed reports need the whole text first.
  StringSink whole;
  if (Status s = generate(whole); !s.ok()) return s;
  std::string& text = whole.text();
  if (cmd.render != nullptr) {
    Result<std::string> rendered = RenderDot(text, cmd.render);
    if (!rendered.ok()) return rendered.status();
    text = cmd.pan_zoom ? MassageSvg(std::move(*rendered)) : std::move(*rendered);
  }
  if (viewed) return View(cmd, text, ui);
  return WriteTo(cmd, cfg.output, ui, [&text](ReportSink& sink) { return sink.Append(text); });
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
                      ReportSink& sink) {
  cfg = CommandConfig(cmd, std::move(cfg));
  Result<Prepared> prepared = Prepare(p, cmd, cmd_param, cfg, ui);
  if (!prepared.ok()) return prepared.status();
  return GeneratePrepared(p, cmd, cmd_param, cfg, *prepared, nullptr, sink);
}

Status GenerateReport(ReportCache& cache, const Command& cmd, const std::string& cmd_param, Config cfg, Ui& ui,
                      ReportSink& sink) {
  cfg = CommandConfig(cmd, std::move(cfg));
  // Text and tree reports build the same graph (GraphOptionsFor), and change
  // the prepared profile only once, before the first graph (ReportGraph).
  // An argument is a regexp that may fail, which it must do before focusing.
  bool reusable = (cmd.format == ReportFormat::kText || cmd.format == ReportFormat::kTree) && !cmd.has_param;
  Result<ReportCache::Copy> copy = cache.Get(reusable ? PreparationKey(cfg) : "", ui, [&](Profile& p, Ui& prepare_ui) {
    return Prepare(p, cmd, cmd_param, cfg, prepare_ui);
  });
  if (!copy.ok()) return copy.status();
  return GeneratePrepared(*copy->profile, cmd, cmd_param, cfg, *copy->prepared, copy->graphs, sink);
}

Status RunReport(Profile& p, const Command& cmd, const std::string& param, const Config& cfg, Ui& ui) {
  return WriteReport(cmd, cfg, ui, [&](ReportSink& sink) { return GenerateReport(p, cmd, param, cfg, ui, sink); });
}

Status RunReport(ReportCache& cache, const Command& cmd, const std::string& param, const Config& cfg, Ui& ui) {
  return WriteReport(cmd, cfg, ui, [&](ReportSink& sink) { return GenerateReport(cache, cmd, param, cfg, ui, sink); });
}

std::vector<std::string> ProfileHeader(const Profile& p, const Config& cfg, Ui& ui, int64_t* total) {
  Result<ReportOptions> o = MakeReportOptions(p, ReportFormat::kText, cfg, NumLabelUnits(p, ui));
  if (!o.ok()) return {};
  *total = ComputeTotal(p, o->sample_index, o->mean);
  return ProfileLabels(p, *o, *total);
}

}  // namespace cpprof
