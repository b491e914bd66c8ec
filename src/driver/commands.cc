// pprof's command table (commands.h). Tested by tests/compat/run.sh, which
// runs every command against go tool pprof, and tests/driver/cli_errors_test.sh.
#include "driver/commands.h"

namespace cpprof {

const std::vector<Command>& Commands() {
  using F = ReportFormat;
  // A table, read a command to a row: clang-format would give each field
  // its own line.
  // clang-format off
  static const auto* commands = new std::vector<Command>{
      {.name = "callgrind", .format = F::kCallgrind, .away = "callgraph.out",
       .description = "Outputs a graph in callgrind format"},
      {.name = "comments", .format = F::kComments, .description = "Output all profile comments"},
      {.name = "disasm", .has_param = true, .format = F::kDisasm,
       .description = "Output assembly listings annotated with samples"},
      {.name = "dot", .format = F::kDot, .description = "Outputs a graph in DOT format"},
      {.name = "eog", .format = F::kDot, .render = "svg", .viewer = "eog",
       .description = "Visualize graph through eog"},
      {.name = "evince", .format = F::kDot, .render = "pdf", .viewer = "evince",
       .description = "Visualize graph through evince"},
      {.name = "folded", .format = F::kFolded,
       .description = "Outputs one line per stack in folded format (root;...;leaf value)"},
      {.name = "gif", .format = F::kDot, .render = "gif", .away = "gif",
       .description = "Outputs a graph image in GIF format"},
      {.name = "gv", .format = F::kDot, .render = "ps", .viewer = "gv --noantialias",
       .description = "Visualize graph through gv"},
      {.name = "kcachegrind", .format = F::kCallgrind, .viewer = "kcachegrind",
       .description = "Visualize report in KCachegrind"},
      {.name = "list", .has_param = true, .format = F::kList,
       .description = "Output annotated source for functions matching regexp"},
      {.name = "pdf", .format = F::kDot, .render = "pdf", .away = "pdf",
       .description = "Outputs a graph in PDF format"},
      {.name = "peek", .has_param = true, .format = F::kTree,
       .description = "Output callers/callees of functions matching regexp"},
      {.name = "png", .format = F::kDot, .render = "png", .away = "png",
       .description = "Outputs a graph image in PNG format"},
      {.name = "proto", .format = F::kProto, .away = "pb.gz",
       .description = "Outputs the profile in compressed protobuf format"},
      {.name = "ps", .format = F::kDot, .render = "ps", .away = "ps", .description = "Outputs a graph in PS format"},
      {.name = "raw", .format = F::kRaw, .description = "Outputs a text representation of the raw profile"},
      {.name = "speedscope", .format = F::kSpeedscope,
       .description = "Outputs the stacks in speedscope's JSON format"},
      {.name = "svg", .format = F::kDot, .render = "svg", .away = "svg", .pan_zoom = true,
       .description = "Outputs a graph in SVG format"},
      {.name = "tags", .format = F::kTags, .description = "Outputs all tags in the profile"},
      {.name = "text", .format = F::kText, .description = "Outputs top entries in text form"},
      {.name = "top", .format = F::kText, .description = "Outputs top entries in text form"},
      {.name = "topproto", .format = F::kTopProto, .away = "pb.gz",
       .description = "Outputs top entries in compressed protobuf format"},
      {.name = "traces", .format = F::kTraces, .description = "Outputs all profile samples in text form"},
      {.name = "tree", .format = F::kTree, .description = "Outputs a text rendering of call graph"},
      {.name = "web", .format = F::kDot, .render = "svg", .viewer = kBrowser, .pan_zoom = true,
       .description = "Visualize graph through web browser"},
      {.name = "weblist", .has_param = true, .format = F::kWebList, .viewer = kBrowser,
       .description = "Display annotated source in a web browser"},
  };
  // clang-format on
  return *commands;
}

const Command* FindCommand(std::string_view name) {
  for (const Command& c : Commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace cpprof
