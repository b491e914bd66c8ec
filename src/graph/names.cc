// How nodes are named: pprof's printable names, the names shown in dot
// graphs (ShortenFunctionName), and Go's path helpers they use.

#include <fmt/format.h>
#include <re2/re2.h>

#include "graph/graph.h"

namespace cpprof {

std::string CleanPath(std::string_view path) {
  if (path.empty()) return ".";
  bool rooted = path[0] == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part.empty() || part == ".") {
      // skip
    } else if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

std::string GoBase(std::string_view path) {
  if (path.empty()) return ".";
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/") return "/";
  size_t slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::vector<std::string> NameComponents(const Profile& p, const NodeInfo& i, std::string_view name,
                                        std::string_view file) {
  std::vector<std::string> out;
  if (i.address != 0) out.push_back(fmt::format("{:016x}", i.address));
  if (!name.empty()) out.emplace_back(name);
  if (i.lineno != 0) {
    out.push_back(fmt::format("{}:{}", file, i.lineno));
  } else if (!file.empty()) {
    out.emplace_back(file);
  } else if (!name.empty()) {
    // the name says it all
  } else if (i.objfile != 0) {
    out.push_back("[" + GoBase(p.str(i.objfile)) + "]");
  } else {
    out.emplace_back("<unknown>");
  }
  return out;
}

std::string PrintableName(const Profile& p, const NodeInfo& i) {
  std::string out;
  for (const std::string& c : NameComponents(p, i, p.str(i.name), p.str(i.file))) {
    if (!out.empty()) out += ' ';
    out += c;
  }
  return out;
}

std::string ShortenFunctionName(std::string_view name) {
  // Patterns from pprof's graph.go: Go package paths, module versions, Java
  // packages and arguments, C++ namespaces (template arguments kept).
  static const re2::RE2 anonymous(R"(^\(anonymous namespace\)::)");
  static const re2::RE2 go_version(R"(^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$)");
  static const re2::RE2 go(R"(^(?:[\w\-\.]+\/)+(.+))");
  static const re2::RE2 java(R"(^(?:[a-z]\w*\.)*([A-Z][\w\$]*\.(?:<init>|[a-z][\w\$]*(?:\$\d+)?))(?:(?:\()|$))");
  static const re2::RE2 cpp(R"(^(?:[_a-zA-Z]\w*::)+(_*[A-Z]\w*::~?[_a-zA-Z]\w*(?:<.*>)?))");
  std::string f(name);
  re2::RE2::Replace(&f, anonymous, "");
  re2::RE2::Replace(&f, go_version, "\\1\\2");
  std::string short_name;
  for (const re2::RE2* re : {&go, &java, &cpp}) {
    if (re2::RE2::PartialMatch(f, *re, &short_name)) return short_name;
  }
  return f;
}

}  // namespace cpprof
