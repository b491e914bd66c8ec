// The report configuration: every pprof option that is both a command-line
// flag and an interactive variable, with pprof's defaults.
#ifndef CPPROF_DRIVER_CONFIG_H_
#define CPPROF_DRIVER_CONFIG_H_

#include <string>
#include <string_view>
#include <variant>
#include <vector>

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

// One option: its name (flag, shell variable), its URL parameter in the web
// UI, and where it lives in Config. A field with choices is a radio group
// whose choices are also names of their own ("cum", "lines").
struct ConfigField {
  std::string_view name;
  std::string_view url_param;  // empty: not kept in URLs
  std::variant<std::string Config::*, bool Config::*, int Config::*, double Config::*> member;
  std::vector<std::string_view> choices;
  // Only chooses, orders or places what a report prints (output, sort and
  // the cut-offs): the shell's ReportCache serves every value of it from one
  // prepared profile.
  bool report_only = false;
};

// Every option, in pprof's order.
const std::vector<ConfigField>& ConfigFields();

// The field a name selects: its own name or one of its choices.
const ConfigField* FindConfigField(std::string_view name);

// The value as pprof prints it (Go's fmt.Sprint).
std::string ConfigValue(const Config& cfg, const ConfigField& field);

// pprof's configure: "name=value" in the shell. A choice name takes a bool
// ("cum", "lines=true"); errors read like pprof's.
Status SetConfig(Config& cfg, std::string_view name, std::string_view value);

// Registers the config fields as flags. Radio groups (-flat/-cum and the
// granularities) become one bool flag per choice; ApplyChoices turns them
// into the field values, failing on "conflicting options set".
class ConfigFlags {
 public:
  ConfigFlags(FlagSet& flags, Config& cfg);
  Status ApplyChoices();

 private:
  Config& cfg_;
  std::vector<std::pair<std::string_view, bool>> chosen_;  // choice name -> flag given
};

}  // namespace cpprof

#endif  // CPPROF_DRIVER_CONFIG_H_
