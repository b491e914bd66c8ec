#include "driver/render.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <re2/re2.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "driver/output_file.h"
#include "util/subprocess.h"

namespace cpprof {

// third_party/svgpan/svgpan.js, embedded at build time.
extern const char kSvgPanJs[];

namespace {

// Graphviz's scanner rejects quoted strings longer than 16384 bytes ("syntax
// error ... longer than 16384?", pprof issue #809), which C++ template names
// reach. Longer strings keep their first and last 1 KiB around an ellipsis:
// the end of a node label holds its values, and 2 KiB of one name already
// make a graph some 15000 pixels wide.
constexpr size_t kMaxDotString = 16000, kKeptEnds = 1024;

// A cut position at or before `at` that splits no escape pair and no UTF-8
// character.
size_t SafeCut(std::string_view s, size_t at) {
  while (at > 0 && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) --at;
  size_t backslashes = 0;
  while (backslashes < at && s[at - 1 - backslashes] == '\\') ++backslashes;
  return backslashes % 2 == 1 ? at - 1 : at;
}

}  // namespace

std::string ShortenLongDotStrings(std::string_view dot) {
  std::string out;
  out.reserve(dot.size());
  size_t i = 0;
  while (i < dot.size()) {
    size_t open = dot.find('"', i);
    if (open == std::string_view::npos) break;
    size_t close = open + 1;
    while (close < dot.size() && dot[close] != '"') close += dot[close] == '\\' ? 2 : 1;
    close = std::min(close, dot.size());
    out.append(dot.substr(i, open + 1 - i));
    std::string_view body = dot.substr(open + 1, close - open - 1);
    if (body.size() > kMaxDotString) {
      out.append(body.substr(0, SafeCut(body, kKeptEnds)));
      out.append("\xe2\x80\xa6");
      out.append(body.substr(SafeCut(body, body.size() - kKeptEnds)));
    } else {
      out.append(body);
    }
    i = close;
  }
  if (i < dot.size()) out.append(dot.substr(i));
  return out;
}

Result<std::string> RenderDot(std::string_view dot, std::string_view format) {
  int spawn_errno = 0;
  std::string input = ShortenLongDotStrings(dot);
  Result<std::string> out = RunSubprocess({"dot", "-T" + std::string(format)}, input, &spawn_errno);
  if (spawn_errno == ENOENT) {
    return Status::Error(fmt::format(
        "cannot render -{}: graphviz's dot program is not installed (install graphviz, e.g. apt-get install graphviz)",
        format));
  }
  if (!out.ok()) return Status::Error(fmt::format("rendering the graph with graphviz: {}", out.status().message()));
  return out;
}

std::string MassageSvg(std::string svg) {
  // dot sometimes leaves an ampersand unquoted, which no XML parser accepts.
  re2::RE2::GlobalReplace(&svg, "&;", "&amp;;");
  // The position and length of the first match of re, or npos.
  auto find = [&svg](const re2::RE2& re) -> std::pair<size_t, size_t> {
    re2::StringPiece match;
    if (!re.Match(svg, 0, svg.size(), re2::RE2::UNANCHORED, &match, 1)) return {std::string::npos, 0};
    return {static_cast<size_t>(match.data() - svg.data()), match.size()};
  };
  static const re2::RE2 view_box(R"(<svg\s*width="[^"]+"\s*height="[^"]+"\s*viewBox="[^"]+")");
  static const re2::RE2 graph_id(R"(<g id="graph\d")");
  static const re2::RE2 svg_close("</svg>");
  if (auto [at, len] = find(view_box); at != std::string::npos)
    svg.replace(at, len, R"(<svg width="100%" height="100%")");
  if (auto [at, len] = find(graph_id); at != std::string::npos) {
    svg.insert(at, std::string(R"(<script type="text/ecmascript"><![CDATA[)") + kSvgPanJs +
                       R"svg(]]></script><g id="viewport" transform="scale(0.5,0.5) translate(0,0)">)svg");
  }
  if (auto [at, len] = find(svg_close); at != std::string::npos) svg.insert(at, "</g>");
  return svg;
}

bool RunViewer(const std::vector<std::string>& commands, const std::string& path) {
  for (const std::string& command : commands) {
    std::vector<std::string> args;
    std::istringstream words(command);
    for (std::string w; words >> w;) args.push_back(w);
    if (args.empty()) continue;
    args.push_back(path);
    int spawn_errno = 0;
    Result<std::string> r = RunSubprocess(args, "", &spawn_errno);
    if (spawn_errno == 0) return true;
  }
  return false;
}

// The file stays, since browsers opened through xdg-open read it after the
// command has returned.
Status View(const Command& cmd, const std::string& data, Ui& ui) {
  bool web = std::string_view(cmd.viewer) == kBrowser;
  const char* tmp = std::getenv("TMPDIR");
  std::string suffix = std::string(".") + (cmd.render != nullptr                  ? cmd.render
                                           : cmd.format == ReportFormat::kWebList ? "html"
                                                                                  : "grind");
  Result<std::string> path = NewTempFile(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "cpprof", suffix);
  if (!path.ok()) return path.status();
  if (Status s = WriteFile(*path, data); !s.ok()) return s;
  std::vector<std::string> viewers;
  if (web) {
    if (const char* browser = std::getenv("BROWSER"); browser != nullptr && *browser != '\0')
      viewers.push_back(browser);
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

}  // namespace cpprof
