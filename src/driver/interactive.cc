#include "driver/interactive.h"

#include <editline/readline.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

namespace cpprof {
namespace {

constexpr std::string_view kCommentStart = "//:";  // starts a comment after an option's value

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> Fields(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

// strconv.ParseInt(s, 10, 32).
std::optional<int> ParseInt32(const std::string& s) {
  size_t i = !s.empty() && (s[0] == '+' || s[0] == '-') ? 1 : 0;
  if (i == s.size() || s.find_first_not_of("0123456789", i) != std::string::npos) return std::nullopt;
  long long v = std::strtoll(s.c_str(), nullptr, 10);
  if (v < INT32_MIN || v > INT32_MAX || s.size() > 12) return std::nullopt;
  return static_cast<int>(v);
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : "") + parts[i];
  return out;
}

// Reads command lines: libedit on a terminal, plain lines otherwise.
class LineReader {
 public:
  LineReader() : terminal_(isatty(STDIN_FILENO) && isatty(STDERR_FILENO) && TermUsable()) {
    if (!terminal_) return;
    if (const char* home = std::getenv("HOME")) history_ = std::string(home) + "/.cpprof_history";
    using_history();
    stifle_history(1000);
    if (!history_.empty()) read_history(history_.c_str());
    rl_outstream = stderr;  // as pprof's terminal UI: stdout stays the reports'
  }

  ~LineReader() {
    if (terminal_ && !history_.empty()) write_history(history_.c_str());
  }

  // The next line, or nothing at end of input.
  std::optional<std::string> Read(const char* prompt) {
    if (!terminal_) {
      std::fputs(prompt, stdout);
      std::fflush(stdout);
      std::string line;
      if (!std::getline(std::cin, line)) return std::nullopt;
      return line;
    }
    char* raw = readline(prompt);
    if (raw == nullptr) {
      std::fputc('\n', stderr);
      return std::nullopt;
    }
    std::string line(raw);
    std::free(raw);
    if (!Trim(line).empty()) add_history(line.c_str());
    return line;
  }

 private:
  static bool TermUsable() {
    const char* term = std::getenv("TERM");
    return term != nullptr && *term != '\0' && std::string_view(term) != "dumb";
  }

  bool terminal_;
  std::string history_;
};

// Completion candidates, global because libedit's callbacks take no context.
struct Completion {
  std::vector<std::string> words;      // commands, options, choices
  std::vector<std::string> functions;  // function names of the profile
  std::vector<std::string> matches;
  size_t next = 0;
};
Completion* completion = nullptr;

char* NextMatch(const char*, int state) {
  if (state == 0) completion->next = 0;
  if (completion->next >= completion->matches.size()) return nullptr;
  return strdup(completion->matches[completion->next++].c_str());
}

// Completes the first word (or the word after "help") from commands and
// options by prefix, later words from function names by substring, as
// pprof's completer does; "-name" completes the name.
char** Complete(const char* text, int start, int) {
  rl_attempted_completion_over = 1;
  std::string line(rl_line_buffer, static_cast<size_t>(start));
  std::vector<std::string> before = Fields(line);
  std::string word = text;
  completion->matches.clear();
  if (before.empty() || (before.size() == 1 && before[0] == "help")) {
    for (const std::string& w : completion->words) {
      if (w.starts_with(word)) completion->matches.push_back(w);
    }
  } else if (const Command* c = FindCommand(before[0]); c != nullptr && before[0] != "tags") {
    std::string prefix = word.starts_with("-") ? "-" : "";
    std::string part = word.substr(prefix.size());
    // As pprof: only a name that is the one containing the text.
    for (const std::string& f : completion->functions) {
      if (f.find(part) != std::string::npos) completion->matches.push_back(prefix + f);
    }
    if (completion->matches.size() > 1) completion->matches.clear();
  }
  if (completion->matches.empty()) return nullptr;
  return rl_completion_matches(text, NextMatch);
}

class Shell {
 public:
  Shell(const Profile& p, Config cfg, Ui& ui) : p_(p), reports_(p), cfg_(std::move(cfg)), ui_(ui) {
    cfg_.compact_labels = true;
    shortcuts_[":"] = {"focus=", "ignore=", "hide=", "tagfocus=", "tagignore="};
    for (const ValueType& t : p.sample_types) {
      std::string type(p.str(t.type));
      shortcuts_[type] = {"sample_index=" + type};
      shortcuts_["total_" + type] = {"mean=0", "sample_index=" + type};
      shortcuts_["mean_" + type] = {"mean=1", "sample_index=" + type};
    }
    for (const Command& c : Commands()) completion_.words.emplace_back(c.name);
    for (const ConfigField& f : ConfigFields()) {
      completion_.words.emplace_back(f.name);
      for (std::string_view choice : f.choices) completion_.words.emplace_back(choice);
    }
    for (const char* w : {"help", "options", "quit", "exit"}) completion_.words.emplace_back(w);
    std::sort(completion_.words.begin(), completion_.words.end());
    for (const Function& f : p.functions) completion_.functions.emplace_back(p.str(f.name));
    std::sort(completion_.functions.begin(), completion_.functions.end());
    completion_.functions.erase(std::unique(completion_.functions.begin(), completion_.functions.end()),
                                completion_.functions.end());
    completion = &completion_;
    rl_attempted_completion_function = Complete;
  }

  ~Shell() { completion = nullptr; }

  void Run() {
    Greet();
    LineReader reader;
    while (std::optional<std::string> line = reader.Read("(pprof) ")) {
      std::string input = Trim(*line);
      auto it = shortcuts_.find(input);
      std::vector<std::string> expanded = it != shortcuts_.end() ? it->second : std::vector<std::string>{input};
      for (const std::string& command : expanded) {
        if (!Execute(command)) return;
      }
    }
  }

 private:
  void Greet() {
    int64_t total = 0;
    std::vector<std::string> header = ProfileHeader(p_, cfg_, ui_, &total);
    if (!header.empty()) ui_.Err(Join(header, "\n"));
    if (!header.empty() && total == 0 && p_.sample_types.size() > 1) {
      ui_.Err("No samples were found with the default sample value type.");
      ui_.Err("Try \"sample_index\" command to analyze different sample values.\n");
    }
    ui_.Err("Entering interactive mode (type \"help\" for commands, \"o\" for options)");
  }

  // Runs one input; false ends the session.
  bool Execute(const std::string& input) {
    if (SetOption(input)) return true;
    std::vector<std::string> tokens = Fields(input);
    if (tokens.empty()) return true;
    const std::string& first = tokens[0];
    if (first == "o" || first == "options") {
      PrintOptions();
      return true;
    }
    if (first == "exit" || first == "quit" || first == "q") return false;
    if (first == "help") {
      Help(Join({tokens.begin() + 1, tokens.end()}, " "));
      return true;
    }
    if (Status s = RunCommand(tokens); !s.ok()) ui_.Err(s.message());
    return true;
  }

  // "name=value", or a bare bool or choice name; false if input is not one.
  bool SetOption(const std::string& input) {
    size_t eq = input.find('=');
    std::string name = Trim(input.substr(0, eq));
    const ConfigField* f = FindConfigField(name);
    if (f == nullptr) return false;
    std::string value;
    if (eq != std::string::npos) {
      value = input.substr(eq + 1);
      if (size_t c = value.rfind(kCommentStart); c != std::string::npos) value.resize(c);
      value = Trim(value);
    } else if (!std::holds_alternative<bool Config::*>(f->member) && f->name == name) {
      ui_.Err(fmt::format("please specify a value, e.g. {}=<val>", name));
      return true;
    }
    if (name == "sample_index") {
      Result<int> index = SampleIndex(p_, value);
      if (!index.ok()) {
        ui_.Err(index.status().message());
        return true;
      }
      value = p_.str(p_.sample_types[*index].type);
    }
    if (Status s = SetConfig(cfg_, name, value); !s.ok()) ui_.Err(s.message());
    return true;
  }

  // pprof's parseCommandLine, then the report.
  Status RunCommand(std::vector<std::string> tokens) {
    std::string name = tokens[0];
    std::vector<std::string> args(tokens.begin() + 1, tokens.end());
    const Command* cmd = FindCommand(name);
    if (cmd == nullptr) {
      // "top20" is "top 20".
      size_t digits = name.find_last_not_of("0123456789") + 1;
      if (digits > 0 && digits < name.size()) {
        args.insert(args.begin(), name.substr(digits));
        name.resize(digits);
        cmd = FindCommand(name);
      }
    }
    if (cmd == nullptr) {
      if (FindConfigField(name) != nullptr && FindConfigField(name)->name == name) {
        return Status::Error(fmt::format("did you mean: {}={}", name, args.empty() ? "<val>" : args[0]));
      }
      return Status::Error(fmt::format("unrecognized command: \"{}\"", name));
    }
    std::string param;
    if (cmd->has_param) {
      if (args.empty()) return Status::Error(fmt::format("command {} requires an argument", name));
      param = args[0];
      args.erase(args.begin());
    }
    Config cfg = cfg_;  // options on a command line do not persist
    std::string focus, ignore;
    auto cat = [](std::string& re, std::string_view more) {
      re += (re.empty() || more.empty() ? "" : "|") + std::string(more);
    };
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& t = args[i];
      if (std::optional<int> n = ParseInt32(t)) {
        cfg.nodecount = *n;
      } else if (t[0] == '>') {
        std::string file = t.substr(1);
        if (file.empty()) {
          if (++i >= args.size()) return Status::Error("unexpected end of line after >");
          file = args[i];
        }
        cfg.output = file;
      } else if (t == "-cum" || t == "--cum") {
        cfg.sort = "cum";
      } else if (t[0] == '-') {
        cat(ignore, t.substr(1));
      } else {
        cat(focus, t);
      }
    }
    std::string& focus_field = name == "tags" ? cfg.tagfocus : cfg.focus;
    std::string& ignore_field = name == "tags" ? cfg.tagignore : cfg.ignore;
    if (!focus.empty()) focus_field = focus;
    if (!ignore.empty()) ignore_field = ignore;
    if (cfg.nodecount == -1 && (name == "text" || name == "top")) cfg.nodecount = 10;
    return RunReport(reports_, *cmd, param, cfg, ui_);
  }

  // pprof's printCurrentOptions: one sorted line per option.
  void PrintOptions() {
    std::vector<std::string> lines;
    for (const ConfigField& f : ConfigFields()) {
      if (f.name == "source_path") continue;
      std::string value = ConfigValue(cfg_, f), comment;
      if (!f.choices.empty()) {
        std::vector<std::string> choices(f.choices.begin(), f.choices.end());
        std::sort(choices.begin(), choices.end());
        comment = "[" + Join(choices, " | ") + "]";
      } else if (f.name == "sample_index") {
        std::vector<std::string> types;
        for (const ValueType& t : p_.sample_types) types.emplace_back(p_.str(t.type));
        if (value.empty() && !types.empty()) value = types.back();
        comment = "[" + Join(types, " | ") + "]";
      } else if (f.name == "nodecount" && value == "-1") {
        comment = "default";
      } else if (value.empty()) {
        value = "\"\"";
      }
      if (!comment.empty()) comment = std::string(kCommentStart) + " " + comment;
      lines.push_back(fmt::format("  {:<25} = {:<20} {}", f.name, value, comment));
    }
    std::sort(lines.begin(), lines.end());
    ui_.Err(Join(lines, "\n"));
  }

  void Help(const std::string& topic) {
    if (topic.empty()) {
      std::string text =
          "Commands (each prints a report; most take regexps that focus the report on\n"
          "matching functions, -regexps to ignore some, a number of nodes, and > file):\n";
      for (const Command& c : Commands()) text += fmt::format("    {:<12} {}\n", c.name, c.description);
      text += "\nOptions (set with name=value; o or options lists them with their values):\n";
      std::vector<std::string> names;
      for (const ConfigField& f : ConfigFields()) names.emplace_back(f.name);
      for (size_t i = 0; i < names.size(); i += 6) {
        text += "    " +
                Join({names.begin() + static_cast<ptrdiff_t>(i),
                      names.begin() + static_cast<ptrdiff_t>(std::min(i + 6, names.size()))},
                     " ") +
                "\n";
      }
      text +=
          "\n    :            Clear focus, ignore, hide, tagfocus and tagignore\n"
          "    <type>       Select a sample type (also total_<type>, mean_<type>)\n"
          "    quit         Leave (also exit, q, Ctrl-D)\n\n"
          "  type \"help <command|option>\" for more\n";
      ui_.Err(text);
      return;
    }
    if (const Command* c = FindCommand(topic)) {
      std::string usage =
          c->has_param ? fmt::format("{} <regexp> [options]", c->name) : fmt::format("{} [options]", c->name);
      ui_.Err(
          fmt::format("{}\n  Usage: {}\n  Options: N (number of nodes), regexp (focus), -regexp (ignore),\n"
                      "  -cum (sort by cumulative value), > file (write to file)\n",
                      c->description, usage));
      return;
    }
    if (const ConfigField* f = FindConfigField(topic)) {
      std::string text = fmt::format("{} = {}", f->name, ConfigValue(cfg_, *f));
      if (!f->choices.empty()) {
        text += "\n  One of:";
        for (std::string_view choice : f->choices) text += " " + std::string(choice);
      }
      ui_.Err(text + "\n");
      return;
    }
    ui_.Err("Unknown command: " + topic);
  }

  const Profile& p_;
  ReportCache reports_;  // the copy of p_ reports work on, kept between them
  Config cfg_;
  Ui& ui_;
  std::map<std::string, std::vector<std::string>> shortcuts_;
  Completion completion_;
};

}  // namespace

void RunInteractive(const Profile& p, Config cfg, Ui& ui) { Shell(p, std::move(cfg), ui).Run(); }

}  // namespace cpprof
