// Tested by tests/symbolize/debuginfo_search_test.cc.
#include "symbolize/debuginfo_search.h"

#include <sys/stat.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cpprof {
namespace {

bool HasDebuginfodServers() {
  const char* urls = std::getenv("DEBUGINFOD_URLS");
  return urls != nullptr && *urls != '\0';
}

std::string_view Basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Whether a file exists that libdwfl's path search (find_debuginfo_in_path
// in libdwfl/find-debuginfo.c) might open for the module `file`: every
// name it tries (the .gnu_debuglink name, else "<file>.debug" and the
// file's own name; for a supplementary dwz file, its name and basename) in
// every directory it tries (the module's, its .debug and .dwz
// subdirectories, and below /usr/lib/debug the module's directory and each
// of its suffixes, and .dwz there). A superset of its tries, so that
// answering false never hides a debug file it would have found.
bool MayBeOnPath(const std::string& file, const char* debuglink) {
  struct stat module;
  if (stat(file.c_str(), &module) != 0) module = {};
  std::string_view base = Basename(file);
  std::string dir = file.substr(0, file.size() - base.size());
  if (dir.empty()) dir = "./";
  std::vector<std::string> names;
  if (debuglink != nullptr) {
    names = {debuglink, std::string(Basename(debuglink))};
  } else {
    names = {std::string(base) + ".debug", std::string(base)};
  }
  std::vector<std::string> dirs = {dir, dir + ".debug/", dir + ".dwz/", "/usr/lib/debug/", "/usr/lib/debug/.dwz/"};
  for (size_t at = dir.find('/'); at != std::string::npos && at + 1 < dir.size(); at = dir.find('/', at + 1)) {
    dirs.push_back("/usr/lib/debug/" + dir.substr(at + 1));
  }
  for (const std::string& name : names) {
    std::vector<std::string> paths;
    for (const std::string& d : dirs) paths.push_back(d + name);
    if (name.starts_with('/')) paths.push_back(name);
    for (const std::string& path : paths) {
      struct stat st;
      if (stat(path.c_str(), &st) == 0 && (st.st_dev != module.st_dev || st.st_ino != module.st_ino)) return true;
    }
  }
  return false;
}

}  // namespace

int FindDebuginfo(Dwfl_Module* mod, void** userdata, const char* modname, Dwarf_Addr base, const char* file_name,
                  const char* debuglink_file, GElf_Word debuglink_crc, char** debuginfo_file_name) {
  bool path_search = file_name == nullptr || MayBeOnPath(file_name, debuglink_file);
  if (!path_search && file_name != nullptr) {
    // libdwfl also searches by the name the symlink `file_name` points to.
    std::unique_ptr<char, decltype(&std::free)> canonical(realpath(file_name, nullptr), &std::free);
    path_search = canonical != nullptr && MayBeOnPath(canonical.get(), debuglink_file);
  }
  if (path_search || HasDebuginfodServers()) {
    return dwfl_standard_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file, debuglink_crc,
                                        debuginfo_file_name);
  }
  return dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file, debuglink_crc,
                                      debuginfo_file_name);
}

}  // namespace cpprof
