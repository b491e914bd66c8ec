// Rendering DOT text with graphviz and handing reports to viewers: the
// post-processing steps of pprof's svg, png, pdf, gif, ps, web, eog, evince,
// gv and kcachegrind commands. Everything here runs other programs.
#ifndef CPPROF_DRIVER_RENDER_H_
#define CPPROF_DRIVER_RENDER_H_

#include <string>
#include <string_view>
#include <vector>

#include "driver/commands.h"
#include "driver/ui.h"
#include "util/status.h"

namespace cpprof {

// Runs graphviz's `dot -T<format>` on the DOT text. Fails with one line
// saying how to install graphviz when `dot` cannot be run.
Result<std::string> RenderDot(std::string_view dot, std::string_view format);

// Keeps every quoted string of DOT text within graphviz's 16384-byte limit
// (pprof issue #809) by cutting out its middle; RenderDot applies it.
std::string ShortenLongDotStrings(std::string_view dot);

// pprof's massageSVG (-svg and -web): the SVG fills the browser window and
// pans and zooms with the embedded svgpan script.
std::string MassageSvg(std::string svg);

// Starts the first viewer command of the list that can run (arguments split
// on blanks, the file appended) and waits for it. False when none ran.
bool RunViewer(const std::vector<std::string>& commands, const std::string& path);

// -web, -weblist, -kcachegrind, -eog, -evince, -gv: writes the report to a
// file in the temporary directory and opens it with cmd's viewer, telling
// ui where the file is when no viewer could be run.
Status View(const Command& cmd, const std::string& data, Ui& ui);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_RENDER_H_
