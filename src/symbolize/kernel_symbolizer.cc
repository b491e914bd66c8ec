#include "symbolize/kernel_symbolizer.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <unordered_map>
#include <vector>

namespace cpprof {
namespace {

// x86-64 kernel addresses start at the top half of the address space.
constexpr uint64_t kKernelStart = 0xffff800000000000;

struct KernelSymbol {
  uint64_t address;
  std::string_view name;
};

// "ffffffff81000000 T _text" and "ffffffffc0000000 t fn\t[module]": text
// symbols only (t/T, and weak w/W), sorted by address.
std::vector<KernelSymbol> TextSymbols(std::string_view kallsyms) {
  std::vector<KernelSymbol> out;
  while (!kallsyms.empty()) {
    size_t end = kallsyms.find('\n');
    std::string_view line = kallsyms.substr(0, end);
    kallsyms.remove_prefix(end == std::string_view::npos ? kallsyms.size() : end + 1);
    uint64_t address = 0;
    auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), address, 16);
    size_t at = static_cast<size_t>(p - line.data());
    if (ec != std::errc() || address == 0 || line.size() < at + 4) continue;
    char type = line[at + 1];
    if (type != 't' && type != 'T' && type != 'w' && type != 'W') continue;
    std::string_view name = line.substr(at + 3);
    name = name.substr(0, name.find('\t'));
    out.push_back({address, name});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const KernelSymbol& a, const KernelSymbol& b) { return a.address < b.address; });
  return out;
}

std::string ReadWholeFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The GNU build id note (type 3, name "GNU") among the kernel's ELF notes:
// {u32 namesz, descsz, type; name and desc each padded to 4 bytes}.
std::string BuildIdNote(std::string_view notes) {
  auto pad = [](uint32_t n) { return (static_cast<size_t>(n) + 3) & ~size_t{3}; };
  while (notes.size() >= 12) {
    uint32_t h[3];
    std::memcpy(h, notes.data(), 12);
    size_t name = pad(h[0]), desc = pad(h[1]);
    if (name > notes.size() - 12 || desc > notes.size() - 12 - name) break;
    if (h[2] == 3 && notes.substr(12, h[0]) == std::string_view("GNU\0", 4)) {
      std::string hex;
      for (unsigned char c : notes.substr(12 + name, h[1])) hex += fmt::format("{:02x}", c);
      return hex;
    }
    notes.remove_prefix(12 + name + desc);
  }
  return "";
}

}  // namespace

RunningKernel ReadRunningKernel() {
  return {ReadWholeFile("/proc/kallsyms"), BuildIdNote(ReadWholeFile("/sys/kernel/notes"))};
}

void SymbolizeKernel(Profile& p, const std::function<RunningKernel()>& read_kernel) {
  std::vector<bool> kernel(p.mappings.size());
  bool any = false;
  for (size_t i = 0; i < p.mappings.size(); ++i) {
    const Mapping& m = p.mappings[i];
    kernel[i] = m.start >= kKernelStart && !m.has_functions;
    any |= kernel[i];
  }
  if (!any) return;
  const RunningKernel kernel_now = read_kernel();
  std::vector<KernelSymbol> symbols = TextSymbols(kernel_now.kallsyms);
  // The kernel's own mapping with another build id than the running kernel's.
  std::vector<bool> other_kernel(p.mappings.size());
  for (size_t i = 0; i < p.mappings.size(); ++i) {
    const Mapping& m = p.mappings[i];
    other_kernel[i] = kernel[i] && p.str(m.file) == "[kernel.kallsyms]" && m.build_id != 0 &&
                      !kernel_now.build_id.empty() && p.str(m.build_id) != kernel_now.build_id;
  }
  std::unordered_map<std::string_view, uint32_t> functions;
  uint64_t next_id = 1;
  for (const Function& f : p.functions) next_id = std::max(next_id, f.id + 1);
  auto function = [&](std::string_view name) {
    auto [it, added] = functions.try_emplace(name, static_cast<uint32_t>(p.functions.size()));
    if (added) {
      Function f;
      f.id = next_id++;
      f.name = f.system_name = p.strings.Intern(name);
      p.functions.push_back(f);
    }
    return it->second;
  };
  for (Location& l : p.locations) {
    if (l.mapping == kNone || !kernel[l.mapping] || l.line_count != 0) continue;
    auto next = std::upper_bound(symbols.begin(), symbols.end(), l.address,
                                 [](uint64_t a, const KernelSymbol& s) { return a < s.address; });
    std::string_view name = next == symbols.begin() || other_kernel[l.mapping] ? "[kernel]" : std::prev(next)->name;
    l.line_begin = static_cast<uint32_t>(p.lines.size());
    l.line_count = 1;
    p.lines.push_back({function(name), 0, 0});
  }
  for (size_t i = 0; i < p.mappings.size(); ++i) p.mappings[i].has_functions |= kernel[i];
}

}  // namespace cpprof
