#include "driver/config.h"

#include <vector>

namespace cpprof {

ConfigFlags::ConfigFlags(FlagSet& f, Config& c) : cfg_(c) {
  f.String("output", &c.output);
  f.Bool("call_tree", &c.call_tree);
  f.Bool("relative_percentages", &c.relative_percentages);
  f.String("unit", &c.unit);
  f.Bool("compact_labels", &c.compact_labels);
  f.String("source_path", &c.source_path);
  f.String("trim_path", &c.trim_path);
  f.Bool("intel_syntax", &c.intel_syntax);
  f.Bool("mean", &c.mean);
  f.String("sample_index", &c.sample_index);
  f.Float("divide_by", &c.divide_by);
  f.Bool("normalize", &c.normalize);
  f.String("tagroot", &c.tagroot);
  f.String("tagleaf", &c.tagleaf);
  f.Bool("drop_negative", &c.drop_negative);
  f.Int("nodecount", &c.nodecount);
  f.Float("nodefraction", &c.nodefraction);
  f.Float("edgefraction", &c.edgefraction);
  f.Bool("trim", &c.trim);
  f.String("focus", &c.focus);
  f.String("ignore", &c.ignore);
  f.String("prune_from", &c.prune_from);
  f.String("hide", &c.hide);
  f.String("show", &c.show);
  f.String("show_from", &c.show_from);
  f.String("tagfocus", &c.tagfocus);
  f.String("tagignore", &c.tagignore);
  f.String("tagshow", &c.tagshow);
  f.String("taghide", &c.taghide);
  f.Bool("noinlines", &c.noinlines);
  f.Bool("showcolumns", &c.showcolumns);
  f.Bool("flat", &flat_);
  f.Bool("cum", &cum_);
  f.Bool("functions", &functions_);
  f.Bool("filefunctions", &filefunctions_);
  f.Bool("files", &files_);
  f.Bool("lines", &lines_);
  f.Bool("addresses", &addresses_);
}

Status ConfigFlags::ApplyChoices() {
  auto radio = [](std::string& field, std::vector<std::pair<const char*, bool>> choices) -> Status {
    std::vector<std::string> set;
    for (auto& [name, on] : choices) {
      if (on) set.emplace_back(name);
    }
    if (set.size() == 1) field = set[0];
    if (set.size() > 1) {
      std::string list;
      for (size_t i = 0; i < set.size(); ++i) list += (i ? " " : "") + set[i];
      return Status::Error("conflicting options set: [" + list + "]");
    }
    return Status();
  };
  if (Status s = radio(cfg_.sort, {{"cum", cum_}, {"flat", flat_}}); !s.ok()) return s;
  return radio(cfg_.granularity, {{"functions", functions_},
                                  {"filefunctions", filefunctions_},
                                  {"files", files_},
                                  {"lines", lines_},
                                  {"addresses", addresses_}});
}

}  // namespace cpprof
