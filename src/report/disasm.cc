// -disasm: annotated disassembly of the symbols matching a regexp (pprof's
// PrintAssembly). Symbols come from `nm -n` of the mappings with matching
// samples, instructions from objdump (symbolize/binutils.h); granularity is
// addresses without inlines (forced by the driver), so each sample address
// is one node that lands on one instruction.

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <set>

#include "profile/units.h"
#include "report/report.h"
#include "symbolize/binutils.h"
#include "symbolize/elf_image.h"

namespace cpprof {
namespace {

struct SymbolInBinary {
  ObjSymbol sym;
  std::string file;
  uint64_t bias = 0;  // sample address - bias = file address
  std::vector<uint32_t> nodes;
};

std::string ValueOrDot(const Report& r, int64_t v) { return v == 0 ? "." : r.FormatValue(v); }

// pprof parses the regexp's text as an address too (strconv.ParseUint with
// base 0), so -disasm=0x4a5f20 lists the symbol containing that address.
uint64_t AsAddress(const std::string& s) {
  if (s.empty()) return 0;
  char* end = nullptr;
  errno = 0;
  uint64_t v = std::strtoull(s.c_str(), &end, 0);
  return *end == '\0' && errno == 0 && s[0] != '-' && s[0] != '+' ? v : 0;
}

// pprof's symbolsFromBinaries: the matching symbols of every mapping that
// has a matching sample (or holds the address). A binary that cannot be
// opened is reported on stdout, as pprof does, and skipped.
std::vector<SymbolInBinary> FindSymbolsInMappings(const Report& r, const GraphBuilder& g,
                                                  const std::vector<uint32_t>& nodes, uint64_t address,
                                                  std::string& out) {
  const Profile& p = r.profile();
  const re2::RE2& rx = *r.options().symbol;
  std::set<StrId> has_samples;
  for (uint32_t n : nodes) {
    if (g.nodes()[n].info.objfile != 0 && re2::RE2::PartialMatch(g.PrintableName(n), rx)) {
      has_samples.insert(g.nodes()[n].info.objfile);
    }
  }
  std::vector<SymbolInBinary> found;
  for (const Mapping& m : p.mappings) {
    bool holds = address != 0 && m.start <= address && address <= m.limit;
    if (!has_samples.contains(m.file) && !holds) continue;
    std::string file(p.str(m.file));
    Result<ElfImage> image = ReadElfImage(file);
    if (!image.ok()) {
      out += image.status().message() + "\n";
      continue;
    }
    Result<std::vector<ObjSymbol>> syms = FindSymbols(file, rx, address);
    if (!syms.ok()) continue;
    for (ObjSymbol& s : *syms) found.push_back({std::move(s), file, LoadBias(*image, m.start, m.limit, m.offset), {}});
  }
  return found;
}

// One instruction with the samples that land on it (pprof's annotateAssembly).
struct AnnotatedInstruction {
  const Instruction* insn;
  std::string function, file;
  int64_t line = 0;
  int64_t flat = 0, flat_div = 0, cum = 0, cum_div = 0;
  int64_t flat_value() const { return flat_div == 0 ? flat : flat / flat_div; }
  int64_t cum_value() const { return cum_div == 0 ? cum : cum / cum_div; }
};

std::string Base(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<AnnotatedInstruction> Annotate(const Profile& p, const GraphBuilder& g, const SymbolInBinary& s,
                                           const std::vector<Instruction>& insns) {
  std::vector<uint32_t> samples = s.nodes;
  std::stable_sort(samples.begin(), samples.end(),
                   [&](uint32_t a, uint32_t b) { return g.nodes()[a].info.address < g.nodes()[b].info.address; });
  std::vector<AnnotatedInstruction> out;
  size_t k = 0;
  for (size_t i = 0; i < insns.size(); ++i) {
    AnnotatedInstruction a{&insns[i], insns[i].function, insns[i].file.empty() ? "" : Base(insns[i].file),
                           insns[i].line};
    uint64_t next = i + 1 < insns.size() ? insns[i + 1].address : ~uint64_t{0};
    // Samples up to the next instruction (one may point into the middle).
    for (; k < samples.size() && g.nodes()[samples[k]].info.address - s.bias < next; ++k) {
      const Node& n = g.nodes()[samples[k]];
      a.flat += n.flat;
      a.flat_div += n.flat_div;
      a.cum += n.cum;
      a.cum_div += n.cum_div;
      if (n.info.file != 0 && a.file.empty()) a.file = Base(std::string(p.str(n.info.file)));
      if (n.info.lineno != 0 && a.line == 0) a.line = n.info.lineno;
      if (n.info.name != 0 && a.function.empty()) a.function = p.str(n.info.name);
    }
    out.push_back(std::move(a));
  }
  return out;
}

void AppendInstructions(const Report& r, const std::vector<AnnotatedInstruction>& insns, std::string& out) {
  std::string function, file;
  int64_t line = 0;
  for (const AnnotatedInstruction& a : insns) {
    std::string loc;
    // The source location only where it changes.
    if (a.function != function || a.file != file || a.line != line) {
      function = a.function;
      file = a.file;
      line = a.line;
      if (!a.function.empty()) loc = a.function + " ";
      if (!a.file.empty()) loc += a.file + (a.line != 0 ? fmt::format(":{}", a.line) : "");
    }
    std::string flat = ValueOrDot(r, a.flat_value()), cum = ValueOrDot(r, a.cum_value());
    const std::string& text = a.insn->text;
    if (loc.empty()) {
      out += fmt::format("{:>10} {:>10} {:>10x}: {}\n", flat, cum, a.insn->address, text);
    } else if (text.size() < 40) {
      out += fmt::format("{:>10} {:>10} {:>10x}: {:<40};{}\n", flat, cum, a.insn->address, text, loc);
    } else {
      out += fmt::format("{:>74};{}\n", "", loc);
      out += fmt::format("{:>10} {:>10} {:>10x}: {}\n", flat, cum, a.insn->address, text);
    }
  }
}

}  // namespace

Status PrintAssembly(Report& r, std::string& out) {
  GraphBuilder& g = ReportGraph(r);
  std::vector<uint32_t> nodes = g.Build({}, EdgeSet::kNone);
  const Profile& p = r.profile();
  const std::string& pattern = r.options().symbol->pattern();
  uint64_t address = AsAddress(pattern);
  out += fmt::format("Total: {}\n", r.FormatValue(r.total()));
  std::vector<SymbolInBinary> syms = FindSymbolsInMappings(r, g, nodes, address, out);
  // pprof's nodesPerSymbol: every node whose address falls in the symbol
  // (by the symbol's binary's bias); symbols without samples are dropped.
  for (SymbolInBinary& s : syms) {
    for (uint32_t n : nodes) {
      uint64_t a = g.nodes()[n].info.address - s.bias;
      if (a >= s.sym.start && a < s.sym.end) s.nodes.push_back(n);
    }
  }
  std::erase_if(syms, [](const SymbolInBinary& s) { return s.nodes.empty(); });
  std::stable_sort(syms.begin(), syms.end(), [](const SymbolInBinary& a, const SymbolInBinary& b) {
    if (a.sym.names[0] != b.sym.names[0]) return a.sym.names[0] < b.sym.names[0];
    return a.sym.start < b.sym.start;
  });
  if (syms.empty()) return Status::Error("no matches found for regexp: " + pattern);
  for (const SymbolInBinary& s : syms) {
    int64_t flat = 0, cum = 0;
    for (uint32_t n : s.nodes) {
      flat += g.nodes()[n].flat;
      cum += g.nodes()[n].cum;
    }
    Result<std::vector<Instruction>> insns = Disassemble(s.file, s.sym.start, s.sym.end, r.options().intel_syntax);
    if (!insns.ok()) return insns.status();
    out += "ROUTINE ======================== " + s.sym.names[0] + "\n";
    for (size_t i = 1; i < s.sym.names.size(); ++i) out += "    AKA ======================== " + s.sym.names[i] + "\n";
    out += fmt::format("{:>10} {:>10} (flat, cum) {} of Total\n", r.FormatValue(flat), r.FormatValue(cum),
                       Percentage(cum, r.total()));
    AppendInstructions(r, Annotate(p, g, s, *insns), out);
  }
  return Status();
}

}  // namespace cpprof
