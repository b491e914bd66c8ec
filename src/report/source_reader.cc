// Tested by the -list cases of tests/compat/cases.txt.
#include "report/source_reader.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "report/report.h"

namespace cpprof {
namespace {

// Go's text for an errno: strerror's, starting in lower case.
std::string GoErrno(int err) {
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

std::vector<std::string> SplitList(const std::string& list) {
  std::vector<std::string> out;
  for (size_t start = 0; start <= list.size() && !list.empty();) {
    size_t end = list.find(':', start);
    if (end == std::string::npos) end = list.size();
    out.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Go's filepath.Dir.
std::string Dir(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).lexically_normal().parent_path();
  std::string s = parent.string();
  if (s.empty()) return ".";
  return s;
}

// pprof's openSourceFile: an absolute path must exist; a relative one is
// searched in each search directory and their parents.
bool Open(const std::string& file, const std::string& search, const std::string& trim, std::ifstream& in,
          std::string* error) {
  std::string path = TrimPath(file, trim, search);
  if (path.starts_with("/")) {
    in.open(path, std::ios::binary);
    if (!in) *error = "open " + path + ": " + GoErrno(errno);
    return static_cast<bool>(in);
  }
  for (std::string dir : SplitList(search)) {
    for (;;) {
      std::string name = (std::filesystem::path(dir) / path).lexically_normal().string();
      in.open(name, std::ios::binary);
      if (in) return true;
      in.clear();
      std::string parent = Dir(dir);
      if (parent == dir) break;
      dir = parent;
    }
  }
  *error = "could not find file " + path + " on path " + search;
  return false;
}

}  // namespace

SourceReader::SourceReader(std::string search_path, std::string trim_path)
    : search_path_(std::move(search_path)), trim_path_(std::move(trim_path)) {
  if (search_path_.empty()) {
    std::error_code ec;
    search_path_ = std::filesystem::current_path(ec).string();
    if (ec) search_path_ = ".";
  }
}

bool SourceReader::Line(const std::string& path, int64_t lineno, std::string* line) {
  auto it = files_.find(path);
  if (it == files_.end()) {
    std::vector<std::string> lines;
    std::ifstream in;
    std::string error;
    if (Open(path, search_path_, trim_path_, in, &error)) {
      // bufio.Scanner's lines: split at '\n', a '\r' before it dropped.
      for (std::string l; std::getline(in, l);) {
        if (l.ends_with('\r')) l.pop_back();
        lines.push_back(std::move(l));
      }
    } else {
      errors_[path] = error;
    }
    it = files_.emplace(path, std::move(lines)).first;
  }
  if (lineno <= 0 || lineno > static_cast<int64_t>(it->second.size())) return false;
  *line = it->second[lineno - 1];
  return true;
}

std::string SourceReader::Error(const std::string& path) const {
  auto it = errors_.find(path);
  return it == errors_.end() ? "" : it->second;
}

}  // namespace cpprof
