// -weblist: an HTML page of annotated source where each sampled line
// expands into its instructions and inlined calls (pprof's printWebSource /
// PrintWebList, internal/report/source.go). Addresses of interest are the
// samples' frames matching the regexp; their neighbourhoods (500 bytes each
// way, at most 25 ranges, the heaviest first) are disassembled with objdump
// and each instruction is placed on the source lines of its inline chain,
// read from DWARF with libdwfl (pprof asks llvm-symbolizer). Locations
// without an address, which pprof gives synthetic ones, are left out.
// pprof visits addresses in Go's map order, so where instructions of one
// line come from several places its page changes from run to run; cpprof
// goes by address.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "graph/graph.h"
#include "profile/units.h"
#include "report/report.h"
#include "report/source_reader.h"
#include "report/weblist_page.h"
#include "symbolize/binutils.h"
#include "symbolize/elf_image.h"
#include "symbolize/elf_symbolizer.h"

namespace cpprof {
namespace {

constexpr uint64_t kRangeExpand = 500;  // bytes disassembled around an address of interest
constexpr size_t kMaxRanges = 25;
constexpr uint64_t kNeighborhood = 32;  // an instruction without a line takes one this close before it
constexpr int64_t kMergeLimit = 20;     // lines of one function closer than this are one listing
constexpr int64_t kLineExpand = 5;      // context lines around a listing

struct Frame {
  std::string func, file;
  int64_t line = 0;
};

struct CallId {
  std::string file;
  int64_t line = 0;
  bool operator==(const CallId&) const = default;
};

struct InstructionInfo {
  uint64_t obj_addr = 0;
  uint64_t length = 1;
  std::string disasm;
  bool synthetic = false;  // no object file: the location's frames only
  std::string file;
  int64_t line = 0;
  int64_t flat = 0, cum = 0;
};

struct SourceInst {
  uint64_t addr = 0;
  std::vector<CallId> stack;  // inlined callers, outermost first
};

struct SourceFile {
  std::string name;
  int64_t flat = 0, cum = 0;
  std::map<int64_t, std::vector<SourceInst>> lines;
  std::map<int64_t, std::string> func_name;  // the first function seen per line
};

struct SourceFunction {
  std::string name;
  int64_t begin = 0, end = 0, flat = 0, cum = 0;
};

// An opened binary: where its code is and its DWARF.
struct ObjectFile {
  std::string path;
  uint64_t bias = 0;
  ElfSymbolizer symbolizer;
};

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      case '\0': out += "\xEF\xBF\xBD"; break;
      default: out += c;
    }
  }
  return out;
}

// Columns as pprof counts them: a rune each, tabs to the next multiple of 8.
int Indentation(std::string_view line) {
  int column = 0;
  for (char c : line) {
    if (c == ' ') {
      ++column;
    } else if (c == '\t') {
      column = (column / 8 + 1) * 8;
    } else {
      break;
    }
  }
  return column;
}

std::string RightPad(std::string_view s, int n) {
  std::string out;
  int column = 0;
  for (char c : s) {
    bool continuation = (static_cast<unsigned char>(c) & 0xC0) == 0x80;
    if (!continuation) ++column;
    if (c == '\t') {
      out += ' ';
      for (; column % 8 != 0; ++column) out += ' ';
    } else {
      out += c;
    }
  }
  for (; column < n; ++column) out += ' ';
  return out;
}

std::string Base(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string CanonicalFileName(std::string_view name) {
  if (name.starts_with("/proc/self/cwd/")) name.remove_prefix(15);
  if (name.starts_with("./")) name.remove_prefix(2);
  return CleanPath(name);
}

class SourcePrinter {
 public:
  SourcePrinter(Report& r, SourceReader& reader) : r_(r), p_(r.profile()), reader_(reader) {}

  // Collects the addresses of interest and everything printed about them;
  // false when nothing matched.
  bool Collect();
  void Print(std::string& out);

 private:
  struct AddrInfo {
    uint32_t loc;
    ObjectFile* obj;
  };
  struct Range {
    uint64_t begin, end;
    ObjectFile* obj;
    uint32_t mapping;
    int64_t score;
  };

  ObjectFile* Object(uint32_t mapping);
  void MarkInterest(uint64_t addr, uint32_t loc, uint32_t line_index);
  void ExpandAddresses();
  void HandleUnprocessed(const std::vector<uint64_t>& unprocessed);
  std::vector<Range> SplitIntoRanges(const std::vector<uint64_t>& addrs);
  void AddStack(uint64_t addr, const std::vector<Frame>& frames);
  std::vector<SourceFunction> Functions(const SourceFile& f);
  void PrintFile(const SourceFile& f, std::string& out);
  void PrintSourceLine(int64_t lineno, int64_t flat, int64_t cum, const std::string& text,
                       const std::vector<std::pair<const SourceInst*, bool>>& insts, std::string& out);
  std::string ValueOrDot(int64_t v) const { return v == 0 ? "." : r_.FormatValue(v); }

  Report& r_;
  Profile& p_;
  SourceReader& reader_;
  std::map<std::string, std::unique_ptr<ObjectFile>> objects_;  // by file; null when it cannot be opened
  std::map<uint64_t, AddrInfo> addrs_;
  std::map<uint64_t, int64_t> flat_, cum_;
  std::set<std::string> interest_;
  std::map<std::string, std::string> pretty_names_;  // system name -> name
  std::map<uint64_t, InstructionInfo> insts_;
  std::map<std::string, SourceFile> files_;
};

ObjectFile* SourcePrinter::Object(uint32_t mapping) {
  if (mapping == kNone) return nullptr;
  const Mapping& m = p_.mappings[mapping];
  std::string path(p_.str(m.file));
  auto [it, inserted] = objects_.try_emplace(path);
  if (!inserted) return it->second.get();
  Result<ElfImage> image = ReadElfImage(path);
  if (!image.ok()) return nullptr;
  auto obj = std::make_unique<ObjectFile>();
  obj->path = path;
  obj->bias = LoadBias(*image, m.start, m.limit, m.offset);
  if (!obj->symbolizer.AddModule(path, obj->bias)) return nullptr;
  it->second = std::move(obj);
  return it->second.get();
}

void SourcePrinter::MarkInterest(uint64_t addr, uint32_t loc, uint32_t line_index) {
  const Location& l = p_.locations[loc];
  const Function& f = p_.functions[p_.lines[l.line_begin + line_index].function];
  interest_.insert(std::string(p_.str(f.name)));
  interest_.insert(std::string(p_.str(f.system_name)));
  if (!addrs_.contains(addr)) addrs_[addr] = {loc, Object(l.mapping)};
}

bool SourcePrinter::Collect() {
  const ReportOptions& o = r_.options();
  const re2::RE2& rx = *o.symbol;
  uint64_t address = 0;
  {
    char* end = nullptr;
    const std::string& s = rx.pattern();
    uint64_t v = s.empty() ? 0 : std::strtoull(s.c_str(), &end, 0);
    if (end != nullptr && *end == '\0') address = v;
  }
  auto matches = [&](const Line& line) {
    const Function& f = p_.functions[line.function];
    return re2::RE2::PartialMatch(p_.str(f.name), rx) || re2::RE2::PartialMatch(p_.str(f.system_name), rx) ||
           re2::RE2::PartialMatch(p_.str(f.filename), rx);
  };
  for (size_t s = 0; s < p_.samples.size(); ++s) {
    std::span<const int64_t> v = p_.values_of(s);
    int64_t value = v[o.sample_index];
    if (o.mean && v[0] != 0) value /= v[0];
    std::span<const uint32_t> stack = p_.stack(p_.samples[s]);
    for (size_t i = stack.size(); i-- > 0;) {
      const Location& loc = p_.locations[stack[i]];
      std::span<const Line> lines = p_.lines_of(loc);
      for (const Line& line : lines) {
        const Function& f = p_.functions[line.function];
        pretty_names_[std::string(p_.str(f.system_name))] = p_.str(f.name);
      }
      uint64_t addr = loc.address;
      if (addr == 0) continue;
      cum_[addr] += value;
      if (i == 0) flat_[addr] += value;
      if (address != 0 && addr == address) {
        if (!lines.empty()) MarkInterest(addr, stack[i], static_cast<uint32_t>(lines.size() - 1));
        continue;
      }
      bool match_file = loc.mapping != kNone && re2::RE2::PartialMatch(p_.str(p_.mappings[loc.mapping].file), rx);
      for (uint32_t j = 0; j < lines.size(); ++j) {
        if ((j == 0 && match_file) || matches(lines[j])) MarkInterest(addr, stack[i], j);
      }
    }
  }
  if (interest_.empty()) return false;
  ExpandAddresses();
  // Samples recorded in the middle of an instruction count for it.
  for (auto& [addr, inst] : insts_) {
    for (uint64_t a = addr; a < addr + inst.length; ++a) {
      if (auto f = flat_.find(a); f != flat_.end()) inst.flat += f->second;
      if (auto c = cum_.find(a); c != cum_.end()) inst.cum += c->second;
    }
  }
  return true;
}

// pprof's expandAddresses (source.go): every instruction of the ranges around
// the addresses of interest, disassembled and symbolized.
void SourcePrinter::ExpandAddresses() {
  std::vector<uint64_t> addrs, unprocessed;  // with an object file to read, without
  for (const auto& [addr, info] : addrs_) (info.obj != nullptr ? addrs : unprocessed).push_back(addr);
  HandleUnprocessed(unprocessed);
  for (const Range& range : SplitIntoRanges(addrs)) {
    uint64_t bias = range.obj->bias;
    Result<std::vector<Instruction>> insts =
        Disassemble(range.obj->path, range.begin - bias, range.end - bias, r_.options().intel_syntax);
    if (!insts.ok()) continue;
    std::vector<Frame> last_frames;
    uint64_t last_addr = 0, max_addr = 0;
    SymbolizedAddress found;
    for (size_t i = 0; i < insts->size(); ++i) {
      const Instruction& inst = (*insts)[i];
      uint64_t addr = inst.address + bias;
      if (addr <= max_addr) continue;  // objdump may repeat itself
      max_addr = addr;
      uint64_t length =
          i + 1 < insts->size() && (*insts)[i + 1].address > inst.address ? (*insts)[i + 1].address - inst.address : 1;
      range.obj->symbolizer.Lookup(addr, &found);
      std::vector<Frame> frames;
      for (const SymbolFrame& f : found.frames) {
        frames.push_back({std::string(f.function), std::string(f.file), f.line});
      }
      InstructionInfo x{inst.address, length, inst.text, false, "", 0};
      if (!frames.empty()) {  // the innermost frame
        x.file = frames[0].file;
        x.line = frames[0].line;
      }
      insts_[addr] = x;
      if (!frames.empty() && frames[0].line != 0) {
        last_frames = frames;
        last_addr = addr;
      } else if (addr - last_addr <= kNeighborhood && !last_frames.empty()) {
        frames = last_frames;
      }
      AddStack(addr, frames);
    }
  }
}

// pprof's handleUnprocessed: an address with no object file to disassemble
// becomes one synthetic instruction, with the location's own frames.
void SourcePrinter::HandleUnprocessed(const std::vector<uint64_t>& unprocessed) {
  for (uint64_t addr : unprocessed) {
    std::vector<Frame> frames;
    for (const Line& line : p_.lines_of(p_.locations[addrs_[addr].loc])) {
      const Function& f = p_.functions[line.function];
      frames.push_back({std::string(p_.str(f.name)), std::string(p_.str(f.filename)), line.line});
    }
    InstructionInfo x{addr, 1, "", true, frames.empty() ? "" : frames[0].file, frames.empty() ? 0 : frames[0].line};
    insts_[addr] = x;
    AddStack(addr, frames);
  }
}

// pprof's splitIntoRanges (its unsigned arithmetic kept): sorted addresses of
// one mapping at most 2 * kRangeExpand apart share a range, widened by
// kRangeExpand on each side; the kMaxRanges of most flat weight are kept.
std::vector<SourcePrinter::Range> SourcePrinter::SplitIntoRanges(const std::vector<uint64_t>& addrs) {
  std::vector<Range> ranges;
  for (size_t i = 0, n = addrs.size(); i < n;) {
    uint64_t begin = addrs[i], end = addrs[i];
    int64_t sum = flat_[begin];
    const AddrInfo& info = addrs_[begin];
    const Mapping& m = p_.mappings[p_.locations[info.loc].mapping];
    for (++i; i < n && addrs[i] <= end + 2 * kRangeExpand && addrs[i] < m.limit; ++i) {
      end = addrs[i];
      sum += flat_[end];
    }
    // pprof tests m.start - begin here, which wraps, so its ranges start
    // below the mapping and fail to map back (it then shows nothing for
    // functions near a library's start); clamped to the mapping instead.
    begin = begin - m.start >= kRangeExpand ? begin - kRangeExpand : m.start;
    end = m.limit - end >= kRangeExpand ? end + kRangeExpand : m.limit;
    ranges.push_back({begin, end, info.obj, p_.locations[info.loc].mapping, sum});
  }
  std::stable_sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.score > b.score; });
  if (ranges.size() > kMaxRanges) ranges.resize(kMaxRanges);
  return ranges;
}

void SourcePrinter::AddStack(uint64_t addr, const std::vector<Frame>& frames) {
  for (size_t i = 0; i < frames.size(); ++i) {
    const Frame& f = frames[i];
    if (!interest_.contains(f.func)) continue;
    std::string name = CanonicalFileName(f.file);
    SourceFile& file = files_[name];
    file.name = name;
    SourceInst inst{addr, {}};
    for (size_t j = i; j-- > 0;) inst.stack.push_back({frames[j].file, frames[j].line});
    file.lines[f.line].push_back(std::move(inst));
    file.func_name.try_emplace(f.line, f.func);
  }
}

std::vector<SourceFunction> SourcePrinter::Functions(const SourceFile& f) {
  std::vector<SourceFunction> funcs;
  for (const auto& [l, insts] : f.lines) {
    std::string name = f.func_name.at(l);
    if (auto it = pretty_names_.find(name); it != pretty_names_.end()) name = it->second;
    SourceFunction fn{name, l, l + 1, 0, 0};
    for (const SourceInst& x : insts) {
      fn.flat += insts_[x.addr].flat;
      fn.cum += insts_[x.addr].cum;
    }
    if (!funcs.empty() && l - funcs.back().end < kMergeLimit && funcs.back().name == name) {
      funcs.back().end = l + 1;
      funcs.back().flat += fn.flat;
      funcs.back().cum += fn.cum;
      continue;
    }
    funcs.push_back(fn);
  }
  for (size_t i = 0; i < funcs.size(); ++i) {
    SourceFunction& fn = funcs[i];
    if (i == 0) {
      // Line 0 (unknown lines) stays where it is.
      if (fn.begin > kLineExpand)
        fn.begin -= kLineExpand;
      else if (fn.begin > 1)
        fn.begin = 1;
    } else {
      int64_t half_gap = std::min((fn.begin - funcs[i - 1].end) / 2, kLineExpand);
      funcs[i - 1].end += half_gap;
      fn.begin -= half_gap;
    }
  }
  if (!funcs.empty()) funcs.back().end += kLineExpand;
  return funcs;
}

void SourcePrinter::PrintSourceLine(int64_t lineno, int64_t flat, int64_t cum, const std::string& text,
                                    const std::vector<std::pair<const SourceInst*, bool>>& insts, std::string& out) {
  bool nested = false;
  for (const auto& [inst, starts_block] : insts) nested |= !inst->stack.empty() || !insts_[inst->addr].synthetic;
  const char* cls = insts.empty() ? "nop" : nested ? "livesrc" : "deadsrc";
  out += fmt::format("<span class=line> {:>6}</span> <span class={}>  {:>10} {:>10} {:>8}  {} </span>", lineno, cls,
                     ValueOrDot(flat), ValueOrDot(cum), "", HtmlEscape(text));
  if (nested) {
    int indent = Indentation(text);
    out += "<span class=asm>";
    const std::vector<CallId>* current = nullptr;
    for (size_t i = 0; i < insts.size(); ++i) {
      const SourceInst& si = *insts[i].first;
      const InstructionInfo& x = insts_[si.addr];
      if (insts[i].second && i != 0) out += fmt::format(" {:>8} {}\xE2\x8B\xAE\n", "", std::string(27, ' '));
      for (size_t j = 0; j < si.stack.size(); ++j) {
        const CallId& c = si.stack[j];
        if (current != nullptr && j < current->size() && (*current)[j] == c) continue;
        current = nullptr;
        std::string line;
        if (!reader_.Line(c.file, c.line, &line)) line.clear();
        size_t b = line.find_first_not_of(" \t\r\n\v\f"), e = line.find_last_not_of(" \t\r\n\v\f");
        line = b == std::string::npos ? "" : line.substr(b, e - b + 1);
        std::string call = std::string(indent + 4 + 4 * j, ' ') + line;
        out += fmt::format(
            " {:>8} {:>10} {:>10} {:>8}  <span class=inlinesrc>{}</span> <span class=unimportant>{}:{}</span>\n", "",
            "", "", "", HtmlEscape(RightPad(call, 80)), HtmlEscape(Base(c.file)), c.line);
      }
      current = &si.stack;
      if (x.synthetic) continue;
      std::string fileline = x.file.empty() ? "" : fmt::format("{}:{}", HtmlEscape(Base(x.file)), x.line);
      std::string text_asm = std::string(indent + 4 + 4 * si.stack.size(), ' ') + x.disasm;
      out += fmt::format(" {:>8} {:>10} {:>10} {:>8x}: {} <span class=unimportant>{}</span>\n", "", ValueOrDot(x.flat),
                         ValueOrDot(x.cum), x.obj_addr, HtmlEscape(RightPad(text_asm, 80)), fileline);
    }
    out += "</span>";
  }
  out += "\n";
}

void SourcePrinter::PrintFile(const SourceFile& f, std::string& out) {
  for (const SourceFunction& fn : Functions(f)) {
    if (fn.cum == 0) continue;
    out += fmt::format(
        "<h2>{}</h2><p class=\"filename\">{}</p>\n<pre onClick=\"pprof_toggle_asm(event)\">\n"
        "  Total:  {:>10} {:>10} (flat, cum) {}\n",
        HtmlEscape(fn.name), HtmlEscape(f.name), r_.FormatValue(fn.flat), r_.FormatValue(fn.cum),
        Percentage(fn.cum, r_.total()));
    static const std::vector<SourceInst> kNoInsts;
    for (int64_t l = fn.begin; l < fn.end; ++l) {
      auto it = f.lines.find(l);
      const std::vector<SourceInst>& at = it == f.lines.end() ? kNoInsts : it->second;
      std::string text;
      if (!reader_.Line(f.name, l, &text)) {
        if (at.empty()) continue;
        text = l == 0 ? "<instructions with unknown line numbers>" : "???";
      }
      std::vector<std::pair<const SourceInst*, bool>> insts;
      int64_t flat = 0, cum = 0;
      uint64_t last = 0;
      for (const SourceInst& si : at) {
        const InstructionInfo& x = insts_[si.addr];
        flat += x.flat;
        cum += x.cum;
        auto prev = insts_.find(last);
        insts.emplace_back(&si, si.addr != last + (prev == insts_.end() ? 0 : prev->second.length));
        last = si.addr;
      }
      PrintSourceLine(l, flat, cum, text, insts, out);
    }
    out += "</pre>\n";
  }
}

void SourcePrinter::Print(std::string& out) {
  for (auto& [name, file] : files_) {
    std::set<uint64_t> seen;  // an address shown under several inlined functions counts once
    for (const auto& [l, insts] : file.lines) {
      for (const SourceInst& x : insts) {
        if (!seen.insert(x.addr).second) continue;
        file.flat += insts_[x.addr].flat;
        file.cum += insts_[x.addr].cum;
      }
    }
  }
  for (const auto& [name, file] : files_) PrintFile(file, out);  // by name, as pprof's CLI
}

}  // namespace

Status PrintWebList(Report& r, std::string& out) {
  SourceReader reader(r.options().source_path, r.options().trim_path);
  SourcePrinter printer(r, reader);
  if (!printer.Collect()) return Status::Error("no matches found for regexp: " + r.options().symbol->pattern());
  out += "\n<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"UTF-8\">\n<title>Pprof listing</title>\n";
  out += kWeblistCss;
  out += "\n";
  out += kWeblistScript;
  out += "\n</head>\n<body>\n\n<div class=\"legend\">";
  std::vector<std::string> labels = ProfileLabels(r);
  for (size_t i = 0; i < labels.size(); ++i) out += (i ? "<br>\n" : "") + HtmlEscape(labels[i]);
  out += fmt::format("<br>Total: {}</div>", r.FormatValue(r.total()));
  printer.Print(out);
  out += kWeblistClosing;
  out += "\n";
  return Status();
}

}  // namespace cpprof
