// pprof's report commands (internal/driver/commands.go): what each is
// called, the report it makes and where that report goes.
#ifndef CPPROF_DRIVER_COMMANDS_H_
#define CPPROF_DRIVER_COMMANDS_H_

#include <string_view>
#include <vector>

#include "report/report.h"

namespace cpprof {

// The viewer of -web and -weblist: $BROWSER, else xdg-open in a desktop
// session.
inline constexpr const char* kBrowser = "browser";

struct Command {
  const char* name;
  bool has_param = false;  // takes a regexp: -list=RE, "list RE"
  ReportFormat format;
  const char* render = nullptr;  // graphviz output format the DOT text is rendered to
  const char* away = nullptr;    // binary: file extension used instead of a terminal
  const char* viewer = nullptr;  // program that opens the report (kBrowser: a browser)
  bool pan_zoom = false;         // SVG with pprof's pan and zoom script
  const char* description = "";
};

// pprof's report commands, sorted by name.
const std::vector<Command>& Commands();

// The command of that name, or null.
const Command* FindCommand(std::string_view name);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_COMMANDS_H_
