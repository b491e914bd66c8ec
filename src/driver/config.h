// The report configuration: every pprof option that is both a command-line
// flag and an interactive variable, with pprof's defaults.
#ifndef CPPROF_DRIVER_CONFIG_H_
#define CPPROF_DRIVER_CONFIG_H_

#include <string>

#include "driver/flags.h"

namespace cpprof {

struct Config {
  std::string output;
  bool call_tree = false;
  bool relative_percentages = false;
  std::string unit = "minimum";
  bool compact_labels = false;
  std::string source_path, trim_path;
  bool intel_syntax = false;
  bool mean = false;
  std::string sample_index;
  double divide_by = 1.0;
  bool normalize = false;
  std::string sort = "flat";  // flat | cum
  std::string tagroot, tagleaf;
  bool drop_negative = false;
  int nodecount = -1;
  double nodefraction = 0.005;
  double edgefraction = 0.001;
  bool trim = true;
  std::string focus, ignore, prune_from, hide, show, show_from;
  std::string tagfocus, tagignore, tagshow, taghide;
  bool noinlines = false;
  bool showcolumns = false;
  std::string granularity = "functions";
};

// Registers the config fields as flags. Radio groups (-flat/-cum and the
// granularities) become one bool flag per choice; ApplyChoices turns them
// into the field values, failing on "conflicting options set".
class ConfigFlags {
 public:
  ConfigFlags(FlagSet& flags, Config& cfg);
  Status ApplyChoices();

 private:
  Config& cfg_;
  bool flat_ = false, cum_ = false;
  bool functions_ = false, filefunctions_ = false, files_ = false, lines_ = false, addresses_ = false;
};

}  // namespace cpprof

#endif  // CPPROF_DRIVER_CONFIG_H_
