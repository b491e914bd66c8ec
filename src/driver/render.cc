#include "driver/render.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <re2/re2.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

extern char** environ;

namespace cpprof {

// third_party/svgpan/svgpan.js, embedded at build time.
extern const char kSvgPanJs[];

namespace {

// Runs argv with input on stdin and returns its stdout; stderr is the
// user's. Input and output go through poll so a large graph cannot
// deadlock on full pipes. spawn_errno is set when the program could not
// start at all.
Result<std::string> RunFiltered(const std::vector<std::string>& args, std::string_view input, int* spawn_errno) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0) return Status::Error(fmt::format("pipe: {}", std::strerror(errno)));
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]), close(in[1]);
    return Status::Error(fmt::format("pipe: {}", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  *spawn_errno = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  if (*spawn_errno != 0) {
    close(in[1]), close(out[0]);
    return Status::Error(fmt::format("{}: {}", args[0], std::strerror(*spawn_errno)));
  }
  // A dot that exits early must not kill cpprof with SIGPIPE.
  struct sigaction ignore {}, saved {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &saved);
  std::string output;
  size_t written = 0;
  if (input.empty()) close(in[1]), in[1] = -1;
  char buf[1 << 16];
  while (true) {
    pollfd fds[2] = {{out[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
    if (poll(fds, in[1] >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (in[1] >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = write(in[1], input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 || written == input.size()) close(in[1]), in[1] = -1;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      output.append(buf, static_cast<size_t>(n));
    }
  }
  if (in[1] >= 0) close(in[1]);
  close(out[0]);
  sigaction(SIGPIPE, &saved, nullptr);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Error(fmt::format("{} failed ({} {})", args[0], WIFEXITED(status) ? "exit status" : "signal",
                                     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status)));
  }
  return output;
}

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
  Result<std::string> out = RunFiltered({"dot", "-T" + std::string(format)}, input, &spawn_errno);
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
  if (auto [at, len] = find(view_box); at != std::string::npos) svg.replace(at, len, R"(<svg width="100%" height="100%")");
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
    Result<std::string> r = RunFiltered(args, "", &spawn_errno);
    if (spawn_errno == 0) return true;
  }
  return false;
}

}  // namespace cpprof
