#include "driver/config.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <deque>

namespace cpprof {
namespace {

// Go's fmt.Sprint of a float64: shortest digits, exponent form below 1e-4
// and from 1e6 up (strconv's 'g' with the shortest precision).
std::string GoFloat(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, end);
  size_t e = sci.find('e');
  int exp = e == std::string::npos ? 0 : std::stoi(sci.substr(e + 1));
  if (v != 0 && (exp < -4 || exp >= 6)) return sci;
  auto [fend, fec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, fend);
}

}  // namespace

const std::vector<ConfigField>& ConfigFields() {
  constexpr bool kReportOnly = true;
  static const auto* fields = new std::vector<ConfigField>{
      {"output", "", &Config::output, {}, kReportOnly},
      {"call_tree", "calltree", &Config::call_tree, {}},
      {"relative_percentages", "rel", &Config::relative_percentages, {}},
      {"unit", "unit", &Config::unit, {}},
      {"compact_labels", "compact", &Config::compact_labels, {}},
      {"source_path", "", &Config::source_path, {}},
      {"trim_path", "", &Config::trim_path, {}},
      {"intel_syntax", "intel", &Config::intel_syntax, {}},
      {"mean", "mean", &Config::mean, {}},
      {"sample_index", "si", &Config::sample_index, {}},
      {"divide_by", "", &Config::divide_by, {}},
      {"normalize", "norm", &Config::normalize, {}},
      {"sort", "sort", &Config::sort, {"cum", "flat"}, kReportOnly},
      {"tagroot", "", &Config::tagroot, {}},
      {"tagleaf", "", &Config::tagleaf, {}},
      {"drop_negative", "dropneg", &Config::drop_negative, {}},
      {"nodecount", "n", &Config::nodecount, {}, kReportOnly},
      {"nodefraction", "nf", &Config::nodefraction, {}, kReportOnly},
      {"edgefraction", "ef", &Config::edgefraction, {}, kReportOnly},
      {"trim", "trim", &Config::trim, {}},
      {"focus", "f", &Config::focus, {}},
      {"ignore", "i", &Config::ignore, {}},
      {"prune_from", "prunefrom", &Config::prune_from, {}},
      {"hide", "h", &Config::hide, {}},
      {"show", "s", &Config::show, {}},
      {"show_from", "sf", &Config::show_from, {}},
      {"tagfocus", "tf", &Config::tagfocus, {}},
      {"tagignore", "ti", &Config::tagignore, {}},
      {"tagshow", "ts", &Config::tagshow, {}},
      {"taghide", "th", &Config::taghide, {}},
      {"noinlines", "noinlines", &Config::noinlines, {}},
      {"showcolumns", "showcolumns", &Config::showcolumns, {}},
      {"granularity", "g", &Config::granularity, {"functions", "filefunctions", "files", "lines", "addresses"}},
  };
  return *fields;
}

const ConfigField* FindConfigField(std::string_view name) {
  for (const ConfigField& f : ConfigFields()) {
    if (f.name == name || std::find(f.choices.begin(), f.choices.end(), name) != f.choices.end()) return &f;
  }
  return nullptr;
}

std::string ConfigValue(const Config& cfg, const ConfigField& field) {
  return std::visit(
      [&](auto member) -> std::string {
        const auto& v = cfg.*member;
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, double>) {
          return GoFloat(v);
        } else if constexpr (std::is_same_v<T, int>) {
          return std::to_string(v);
        } else {
          return v;
        }
      },
      field.member);
}

Status SetConfig(Config& cfg, std::string_view name, std::string_view value) {
  const ConfigField* f = FindConfigField(name);
  if (f == nullptr) return Status::Error(fmt::format("unknown config field \"{}\"", name));
  if (f->name != name) {
    // A choice: "cum" or "cum=true" selects it.
    bool on = false;
    if (!ParseGoBool(std::string(value), &on) || !on) {
      return Status::Error(fmt::format("unknown config field \"{}\"", name));
    }
    cfg.*std::get<std::string Config::*>(f->member) = name;
    return Status();
  }
  std::string v(value);
  return std::visit(
      [&](auto member) -> Status {
        auto& target = cfg.*member;
        using T = std::decay_t<decltype(target)>;
        if constexpr (std::is_same_v<T, bool>) {
          // pprof's stringToBool: a bare name means true.
          std::string lower = v;
          for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          if (lower == "true" || lower == "t" || lower == "yes" || lower == "y" || lower == "1" || lower.empty()) {
            target = true;
          } else if (lower == "false" || lower == "f" || lower == "no" || lower == "n" || lower == "0") {
            target = false;
          } else {
            return Status::Error(fmt::format("illegal value \"{}\" for bool variable", v));
          }
        } else if constexpr (std::is_same_v<T, int>) {
          int n = 0;
          auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
          if (v.empty() || end != v.data() + v.size()) {
            return Status::Error(fmt::format("strconv.Atoi: parsing \"{}\": invalid syntax", v));
          }
          if (ec == std::errc::result_out_of_range) {
            return Status::Error(fmt::format("strconv.Atoi: parsing \"{}\": value out of range", v));
          }
          target = n;
        } else if constexpr (std::is_same_v<T, double>) {
          double d = 0;
          auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
          if (v.empty() || end != v.data() + v.size() || ec != std::errc()) {
            return Status::Error(fmt::format("strconv.ParseFloat: parsing \"{}\": invalid syntax", v));
          }
          target = d;
        } else {
          if (!f->choices.empty() && std::find(f->choices.begin(), f->choices.end(), v) == f->choices.end()) {
            return Status::Error(fmt::format("invalid \"{}\" value \"{}\"", f->name, v));
          }
          target = v;
        }
        return Status();
      },
      f->member);
}

ConfigFlags::ConfigFlags(FlagSet& flags, Config& cfg) : cfg_(cfg) {
  for (const ConfigField& f : ConfigFields()) {
    if (!f.choices.empty()) {
      for (std::string_view choice : f.choices) chosen_.emplace_back(choice, false);
      continue;
    }
    std::string name(f.name);
    std::visit(
        [&](auto member) {
          auto* target = &(cfg.*member);
          using T = std::decay_t<decltype(*target)>;
          if constexpr (std::is_same_v<T, bool>) {
            flags.Bool(name, target);
          } else if constexpr (std::is_same_v<T, int>) {
            flags.Int(name, target);
          } else if constexpr (std::is_same_v<T, double>) {
            flags.Float(name, target);
          } else {
            flags.String(name, target);
          }
        },
        f.member);
  }
  // The flags point into chosen_, which no longer grows.
  for (auto& [choice, on] : chosen_) flags.Bool(std::string(choice), &on);
}

Status ConfigFlags::ApplyChoices() {
  for (const ConfigField& f : ConfigFields()) {
    if (f.choices.empty()) continue;
    std::vector<std::string_view> set;
    for (const auto& [choice, on] : chosen_) {
      if (on && FindConfigField(choice) == &f) set.push_back(choice);
    }
    if (set.size() > 1) return Status::Error(fmt::format("conflicting options set: [{}]", fmt::join(set, " ")));
    if (set.size() == 1) cfg_.*std::get<std::string Config::*>(f.member) = set[0];
  }
  return Status();
}

}  // namespace cpprof
