// Tested by tests/runtime/cpu_profile_test.cc (mappings and build ids).
#include "runtime/modules.h"

#include <elf.h>
#include <link.h>
#include <unistd.h>

#include <cstring>

namespace cpprof::runtime {
namespace {

std::string Hex(const unsigned char* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += kDigits[p[i] >> 4];
    s += kDigits[p[i] & 15];
  }
  return s;
}

// Walks the notes of a loaded PT_NOTE segment for NT_GNU_BUILD_ID.
std::string BuildIdFromNotes(const unsigned char* p, size_t size) {
  auto align4 = [](size_t n) { return (n + 3) & ~size_t{3}; };
  size_t pos = 0;
  while (pos + sizeof(ElfW(Nhdr)) <= size) {
    ElfW(Nhdr) nh;
    std::memcpy(&nh, p + pos, sizeof(nh));
    size_t name_at = pos + sizeof(nh);
    size_t desc_at = name_at + align4(nh.n_namesz);
    if (desc_at + nh.n_descsz > size) break;
    if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && std::memcmp(p + name_at, "GNU", 4) == 0) {
      return Hex(p + desc_at, nh.n_descsz);
    }
    pos = desc_at + align4(nh.n_descsz);
  }
  return "";
}

std::string ExePath() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return "";
  buf[n] = 0;
  std::string path = buf;
  const std::string deleted = " (deleted)";
  if (path.ends_with(deleted)) path.resize(path.size() - deleted.size());
  return path;
}

int AddModule(dl_phdr_info* info, size_t, void* data) {
  auto* out = static_cast<std::vector<Module>*>(data);
  Module m;
  bool main_exe = out->empty() && (info->dlpi_name == nullptr || info->dlpi_name[0] == 0);
  std::string name = info->dlpi_name != nullptr ? info->dlpi_name : "";
  if (main_exe) {
    m.path = m.name = ExePath();
  } else if (name.starts_with("linux-vdso") || name.starts_with("linux-gate")) {
    m.name = "[vdso]";
  } else if (name.empty()) {
    return 0;
  } else {
    m.path = m.name = name;
  }
  m.bias = info->dlpi_addr;
  uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_NOTE && m.build_id.empty()) {
      m.build_id = BuildIdFromNotes(reinterpret_cast<const unsigned char*>(info->dlpi_addr + ph.p_vaddr), ph.p_memsz);
    }
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_X) == 0) continue;
    uint64_t start = info->dlpi_addr + ph.p_vaddr;
    uint64_t aligned = start & ~(page - 1);
    ModuleSegment s;
    s.start = aligned;
    s.limit = (start + ph.p_memsz + page - 1) & ~(page - 1);
    s.offset = ph.p_offset - (start - aligned);
    m.exec_segments.push_back(s);
  }
  if (!m.exec_segments.empty()) out->push_back(std::move(m));
  return 0;
}

}  // namespace

std::vector<Module> LoadedModules() {
  std::vector<Module> modules;
  dl_iterate_phdr(AddModule, &modules);
  return modules;
}

}  // namespace cpprof::runtime
