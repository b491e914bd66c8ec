// Tested by tests/symbolize/symbolize_test.sh.
#include "symbolize/binary_locator.h"

#include <glob.h>

#include <cstdlib>
#include <filesystem>

#include "symbolize/elf_image.h"

namespace cpprof {
namespace {

std::vector<std::string> Candidates(const std::string& dir, const std::string& file, const std::string& id) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::string base = file.empty() ? "" : fs::path(file).filename().string();
  // Joined as Go's filepath.Join does for an absolute second part: appended.
  auto join = [&dir](const std::string& a) { return dir + (a.starts_with("/") ? "" : "/") + a; };
  if (!id.empty()) {
    out.push_back(join(id + "/" + base));
    glob_t g;
    if (glob(join(id + "/*").c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    if (!file.empty()) out.push_back(join(file + "/" + id));
    if (id.size() > 2) {
      out.push_back(join(id.substr(0, 2) + "/" + id.substr(2) + ".debug"));
      out.push_back(join(".build-id/" + id.substr(0, 2) + "/" + id.substr(2) + ".debug"));
    }
  }
  if (!file.empty()) {
    out.push_back(join(base));
    out.push_back(join(file));
    out.push_back(join(file + ".debug"));
    std::string parent = fs::path(file).parent_path().string();
    out.push_back(join(parent + "/.debug/" + base + ".debug"));
    out.push_back(join("usr/lib/debug" + file + ".debug"));
  }
  return out;
}

}  // namespace

std::vector<std::string> BinarySearchPath() {
  std::vector<std::string> dirs;
  const char* env = std::getenv("PPROF_BINARY_PATH");
  if (env == nullptr || *env == '\0') {
    const char* home = std::getenv("HOME");
    dirs.push_back(std::string(home != nullptr ? home : "") + "/pprof/binaries");
    return dirs;
  }
  std::string path = env;
  for (size_t start = 0; start <= path.size();) {
    size_t colon = path.find(':', start);
    if (colon == std::string::npos) colon = path.size();
    if (colon > start) dirs.push_back(path.substr(start, colon - start));
    start = colon + 1;
  }
  return dirs;
}

void LocateBinaries(Profile& p, const std::vector<std::string>& dirs,
                    const std::function<void(const std::string&)>& print) {
  for (Mapping& m : p.mappings) {
    std::string file(p.str(m.file)), id(p.str(m.build_id));
    if (file.empty() && id.empty()) continue;
    bool found = false;
    for (size_t d = 0; d < dirs.size() && !found; ++d) {
      for (const std::string& name : Candidates(dirs[d], file, id)) {
        Result<ElfImage> image = ReadElfImage(name);
        if (!image.ok()) continue;
        if (!id.empty() && image->build_id != id) {
          print("Ignoring local file " + name + ": build-id mismatch (" + id + " != " + image->build_id + ")");
          continue;
        }
        m.file = p.strings.Intern(name);
        found = true;
        break;
      }
    }
  }
}

}  // namespace cpprof
