// Tested by tests/symbolize/listings_test.sh.
#include "symbolize/binutils.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include "symbolize/demangle.h"
#include "util/subprocess.h"

namespace cpprof {
namespace {

// pprof's regexps for nm and objdump output (internal/binutils/disasm.go).
const RE2& NmLine() {
  static const RE2* re = new RE2(R"(^\s*([[:xdigit:]]+)\s+(.)\s+(.*))");
  return *re;
}

// The objdump to run and whether it is LLVM's: pprof's findObjdump.
struct Objdump {
  std::string program;
  bool llvm = false;
};

// What -tools set: the directories per tool, those for every tool under "",
// and the objdump found in them (found again when they change).
struct Tools {
  std::mutex mu;
  std::map<std::string, std::vector<std::string>, std::less<>> dirs;
  std::optional<Objdump> objdump;
};

Tools& GetTools() {
  static Tools* tools = new Tools;
  return *tools;
}

// pprof's findExe: the first executable `name` in the tool's -tools
// directories, then in those for every tool; empty when there is none.
std::string FindInTools(const Tools& tools, std::string_view tool, const std::string& name) {
  for (std::string_view key : {tool, std::string_view()}) {
    auto it = tools.dirs.find(key);
    if (it == tools.dirs.end()) continue;
    for (const std::string& dir : it->second) {
      std::string path = dir + "/" + name;
      struct stat st;
      if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0) return path;
    }
  }
  return "";
}

// Whether the objdump program is LLVM's, version 8 or later (pprof's
// isLLVMObjdump): its options and output differ from GNU's.
bool IsLlvmObjdump(const std::string& program) {
  int spawn_errno = 0;
  Result<std::string> v = RunSubprocess({program, "--version"}, "", &spawn_errno);
  int major = 0;
  return v.ok() && RE2::PartialMatch(*v, R"(LLVM version (\d+)\.)", &major) && major >= 8;
}

// llvm-objdump, then objdump, from the -tools directories; else from $PATH
// the LLVM one when recent enough.
Objdump FindObjdump() {
  Tools& tools = GetTools();
  std::lock_guard<std::mutex> lock(tools.mu);
  if (!tools.objdump) {
    for (const char* name : {"llvm-objdump", "objdump"}) {
      std::string path = FindInTools(tools, "objdump", name);
      if (path.empty()) continue;
      tools.objdump = Objdump{path, IsLlvmObjdump(path)};
      break;
    }
  }
  if (!tools.objdump) {
    tools.objdump = IsLlvmObjdump("llvm-objdump") ? Objdump{"llvm-objdump", true} : Objdump{"objdump", false};
  }
  return *tools.objdump;
}

std::string FindNm() {
  Tools& tools = GetTools();
  std::lock_guard<std::mutex> lock(tools.mu);
  std::string nm = FindInTools(tools, "nm", "nm");
  return nm.empty() ? "nm" : nm;
}

// The first name of `names` that matches, as pprof's matchSymbol returns it.
std::vector<std::string> Match(const std::vector<std::string>& names, uint64_t start, uint64_t end, const RE2& rx,
                               uint64_t address) {
  if (address != 0 && address >= start && address <= end) return names;
  for (const std::string& name : names) {
    if (RE2::PartialMatch(name, rx)) return {name};
    for (DemangleMode mode : {DemangleMode::kFull, DemangleMode::kTemplates, DemangleMode::kDefault}) {
      std::string demangled = Demangle(name, mode);
      if (!demangled.empty() && RE2::PartialMatch(demangled, rx)) return {demangled};
    }
  }
  return {};
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    size_t b = l.find_first_not_of(" \t\r\v\f"), e = l.find_last_not_of(" \t\r\v\f");
    lines.push_back(b == std::string::npos ? "" : l.substr(b, e - b + 1));
  }
  return lines;
}

}  // namespace

void SetTools(std::string_view config) {
  Tools& tools = GetTools();
  std::lock_guard<std::mutex> lock(tools.mu);
  tools.dirs.clear();
  tools.objdump.reset();
  while (!config.empty()) {
    size_t comma = config.find(',');
    std::string_view item = config.substr(0, comma);
    config = comma == std::string_view::npos ? std::string_view() : config.substr(comma + 1);
    size_t colon = item.find(':');
    std::string_view tool = colon == std::string_view::npos ? std::string_view() : item.substr(0, colon);
    std::string_view dir = colon == std::string_view::npos ? item : item.substr(colon + 1);
    if (!dir.empty()) tools.dirs[std::string(tool)].emplace_back(dir);
  }
}

Result<std::vector<ObjSymbol>> FindSymbols(const std::string& file, const re2::RE2& rx, uint64_t address) {
  int spawn_errno = 0;
  Result<std::string> nm = RunSubprocess({FindNm(), "-n", file}, "", &spawn_errno);
  if (!nm.ok()) return nm.status();
  std::vector<ObjSymbol> out;
  std::vector<std::string> names;
  uint64_t start = 0;
  auto flush = [&](uint64_t next) {
    if (names.empty()) return;
    std::vector<std::string> match = Match(names, start, next - 1, rx, address);
    if (!match.empty()) out.push_back({std::move(match), start, next - 1});
  };
  for (const std::string& line : Lines(*nm)) {
    std::string hex, type, name;
    if (!RE2::FullMatch(line, NmLine(), &hex, &type, &name)) continue;
    uint64_t addr = std::stoull(hex, nullptr, 16);
    if (addr == start && !names.empty()) {
      names.push_back(name);
      continue;
    }
    flush(addr);
    names = {name};
    start = addr;
  }
  flush(0);  // as pprof: the last symbol ends at address 0 - 1
  return out;
}

Result<std::vector<Instruction>> Disassemble(const std::string& file, uint64_t start, uint64_t end, bool intel) {
  static const RE2 asm_line(R"(^\s*([[:xdigit:]]+):\s+(.*))");
  static const RE2 file_line(R"(^;?\s?(.*):([0-9]+))");
  static const RE2 function(R"(^;?\s?(\S.*)\(\):)");
  static const RE2 function_llvm(R"(^([[:xdigit:]]+)?\s?(.*):)");
  Objdump objdump = FindObjdump();
  std::vector<std::string> args = {objdump.program,
                                   "--disassemble",
                                   "--demangle",
                                   "--no-show-raw-insn",
                                   "--line-numbers",
                                   fmt::format("--start-address={:#x}", start),
                                   fmt::format("--stop-address={:#x}", end)};
  if (intel && objdump.llvm) args.push_back("--x86-asm-syntax=intel");
  if (intel && !objdump.llvm) args.insert(args.end(), {"-M", "intel"});
  args.push_back(file);
  int spawn_errno = 0;
  Result<std::string> text = RunSubprocess(args, "", &spawn_errno);
  if (!text.ok()) return text.status();
  std::vector<Instruction> out;
  std::string fn, src;
  int64_t line = 0;
  for (const std::string& l : Lines(*text)) {
    std::string hex, insn, num, skip;
    if (RE2::PartialMatch(l, asm_line, &hex, &insn)) {
      out.push_back({std::stoull(hex, nullptr, 16), insn, fn, src, line});
      continue;
    }
    if (RE2::PartialMatch(l, file_line, &src, &num)) {
      line = std::stoll(num);
      continue;
    }
    if (RE2::PartialMatch(l, function, &fn) || RE2::PartialMatch(l, function_llvm, &skip, &fn)) continue;
    // pprof resets on lines it does not recognize.
    fn.clear();
    src.clear();
    line = 0;
  }
  return out;
}

}  // namespace cpprof
