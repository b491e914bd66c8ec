// Tested by tests/symbolize/symbolize_test.sh.
#include "symbolize/local_symbolizer.h"

#include <atomic>
#include <map>
#include <span>
#include <tuple>
#include <unordered_map>

#include "symbolize/elf_image.h"
#include "symbolize/elf_symbolizer.h"
#include "util/parallel.h"

namespace cpprof {
namespace {

std::string_view BaseName(std::string_view file) {
  size_t slash = file.rfind('/');
  return slash == std::string_view::npos ? file : file.substr(slash + 1);
}

// A profile's file names that are URLs name where it came from, not a binary.
bool IsHttpUrl(std::string_view file) { return file.starts_with("http://") || file.starts_with("https://"); }

// One binary at one load bias: the mappings of its segments and the
// locations in them.
struct Binary {
  std::string path;
  uint64_t bias = 0;
  std::vector<uint32_t> locations;
};

// The frames of a range of a binary's addresses, found by a thread's own
// libdwfl session (they are not thread-safe) and copied out of it, so that
// the session closes on that thread. Frames are numbered by their function
// (name, file, start line) in order of first use, and each function's
// strings are copied once: bench/symbolize.sh's 104k frames have 7.4k
// functions.
struct RangeFrames {
  struct Function {
    std::string name, file;
    int64_t start_line = 0;
  };
  struct Frame {
    uint32_t function;  // index into functions
    int64_t line;
  };
  std::vector<Function> functions;
  std::vector<Frame> frames;
  std::vector<uint32_t> frames_end;  // address i's frames end here and begin where address i - 1's end
};

// Ranges of a binary's addresses looked up in parallel. A unit of DWARF
// that straddles two ranges may be indexed by both threads, so they are
// few; 16 share bench/symbolize.sh's lookups within 1 ms (29 and 30 ms).
constexpr size_t kRanges = 16;

// Functions by where a session keeps their strings: the same text is always
// at the same address (SymbolFrame), so no string is hashed.
struct FunctionKey {
  const char *name, *file;
  int64_t start_line;
  bool operator==(const FunctionKey&) const = default;
};

struct FunctionKeyHash {
  size_t operator()(const FunctionKey& k) const {
    return std::hash<const void*>()(k.name) ^ std::hash<const void*>()(k.file) * 31 ^
           std::hash<int64_t>()(k.start_line) * 961;
  }
};

// The frames of addrs, from a session that has the binary (none when it
// could not be read).
RangeFrames LookupRange(ElfSymbolizer* symbolizer, std::span<const uint64_t> addrs, bool fast) {
  RangeFrames out;
  if (symbolizer == nullptr) {
    out.frames_end.resize(addrs.size());
    return out;
  }
  out.frames_end.reserve(addrs.size());
  std::unordered_map<FunctionKey, uint32_t, FunctionKeyHash> numbers;
  SymbolizedAddress s;
  for (uint64_t addr : addrs) {
    if (fast) {
      symbolizer->LookupSymbol(addr, &s);
    } else {
      symbolizer->Lookup(addr, &s);
    }
    for (const SymbolFrame& f : s.frames) {
      auto [it, inserted] = numbers.try_emplace({f.function.data(), f.file.data(), f.start_line},
                                                static_cast<uint32_t>(out.functions.size()));
      if (inserted) out.functions.push_back({std::string(f.function), std::string(f.file), f.start_line});
      out.frames.push_back({it->second, f.line});
    }
    out.frames_end.push_back(static_cast<uint32_t>(out.frames.size()));
  }
  return out;
}

// The binary's addresses in location order, as ranges of consecutive
// addresses. From parallel_from addresses, two threads with a session each
// take the ranges in turn as they finish one: what an address costs varies
// across a binary (halved, libstdc++'s first half took 31 ms, its second
// 20), and a core busy elsewhere then holds up only the range it has.
std::vector<RangeFrames> LookupAll(const Binary& b, const Profile& p, const LocalSymbolizeOptions& o) {
  std::vector<uint64_t> addrs;
  addrs.reserve(b.locations.size());
  for (uint32_t l : b.locations) addrs.push_back(p.locations[l].address);
  bool parallel = addrs.size() >= o.parallel_from;
  std::vector<RangeFrames> ranges(parallel ? kRanges : 1);
  std::atomic<size_t> next = 0;
  size_t threads = parallel ? 2 : 1;
  ForRanges(threads, threads, [&](size_t, size_t, size_t) {
    ElfSymbolizer symbolizer;
    bool readable = symbolizer.AddModule(b.path, b.bias);
    for (size_t r; (r = next++) < ranges.size();) {
      size_t begin = addrs.size() * r / ranges.size(), end = addrs.size() * (r + 1) / ranges.size();
      ranges[r] = LookupRange(readable ? &symbolizer : nullptr, std::span(addrs).subspan(begin, end - begin), o.fast);
    }
  });
  return ranges;
}

// Replaces the lines of the located addresses with their frames, sharing
// functions by (name, file, start line) as pprof's symbolizer does. Strings
// and functions are added in location order, as one pass over the frames
// adds them.
class FrameWriter {
 public:
  explicit FrameWriter(Profile& p) : p_(p) {}

  void Write(const Binary& b, const std::vector<RangeFrames>& ranges) {
    size_t i = 0;  // into b.locations
    for (const RangeFrames& r : ranges) {
      std::vector<uint32_t> function_of(r.functions.size(), kNone);
      uint32_t begin = 0;
      for (uint32_t end : r.frames_end) {
        Write(b.locations[i++], r, begin, end, function_of);
        begin = end;
      }
    }
  }

 private:
  void Write(uint32_t loc, const RangeFrames& r, uint32_t begin, uint32_t end, std::vector<uint32_t>& function_of) {
    if (begin == end) return;
    Location& l = p_.locations[loc];
    Mapping& m = p_.mappings[l.mapping];
    l.line_begin = static_cast<uint32_t>(p_.lines.size());
    l.line_count = end - begin;
    l.is_folded = false;
    for (uint32_t i = begin; i < end; ++i) {
      const RangeFrames::Frame& frame = r.frames[i];
      const RangeFrames::Function& f = r.functions[frame.function];
      m.has_functions |= !f.name.empty();
      m.has_filenames |= !f.file.empty();
      m.has_line_numbers |= frame.line != 0;
      uint32_t& function = function_of[frame.function];
      if (function == kNone) function = FunctionFor(f);
      p_.lines.push_back({function, frame.line, 0});
    }
    m.has_inline_frames = true;
  }

  uint32_t FunctionFor(const RangeFrames::Function& f) {
    StrId name = p_.strings.Intern(f.name), file = p_.strings.Intern(f.file);
    auto [it, inserted] =
        functions_.try_emplace({name, file, f.start_line}, static_cast<uint32_t>(p_.functions.size()));
    if (inserted) {
      Function fn;
      fn.id = p_.functions.size() + 1;
      fn.name = fn.system_name = name;
      fn.filename = file;
      fn.start_line = f.start_line;
      p_.functions.push_back(fn);
    }
    return it->second;
  }

  Profile& p_;
  std::map<std::tuple<StrId, StrId, int64_t>, uint32_t> functions_;
};

}  // namespace

bool Unsymbolizable(std::string_view file) {
  std::string_view base = BaseName(file);
  return base.starts_with("[") || base.starts_with("linux-vdso") || file.starts_with("/dev/dri/") ||
         file.starts_with("//anon") || file.starts_with("/memfd:");
}

void SymbolizeLocal(Profile& p, const LocalSymbolizeOptions& o, const std::function<void(const std::string&)>& print) {
  std::vector<bool> used(p.mappings.size());
  for (const Location& l : p.locations) {
    if (l.mapping != kNone) used[l.mapping] = true;
  }
  std::map<std::pair<std::string, uint64_t>, Binary> binaries;
  std::vector<Binary*> binary_of(p.mappings.size());
  bool missing = false;
  for (size_t i = 0; i < p.mappings.size(); ++i) {
    const Mapping& m = p.mappings[i];
    if (!used[i] || (!o.force && (m.has_functions || m.has_filenames || m.has_line_numbers))) continue;
    std::string file(p.str(m.file));
    if (file.empty()) {
      if (i == 0) print("Main binary filename not available.");
      missing |= i != 0;
      continue;
    }
    if (Unsymbolizable(file) || (m.build_id == 0 && IsHttpUrl(file))) continue;
    std::string name(BaseName(file));
    Result<ElfImage> image = ReadElfImage(file);
    if (!image.ok()) {
      print("Local symbolization failed for " + name + ": " + image.status().message());
      missing = true;
      continue;
    }
    if (m.build_id != 0 && !image->build_id.empty() && image->build_id != p.str(m.build_id)) {
      print("Local symbolization failed for " + name + ": build ID mismatch");
      continue;
    }
    uint64_t bias = LoadBias(*image, m.start, m.limit, m.offset);
    Binary& b = binaries[{file, bias}];
    b.path = file;
    b.bias = bias;
    binary_of[i] = &b;
  }
  if (missing) {
    print(
        "Some binary filenames not available. Symbolization may be incomplete.\n"
        "Try setting PPROF_BINARY_PATH to the search path for local binaries.");
  }
  for (size_t l = 0; l < p.locations.size(); ++l) {
    const Location& loc = p.locations[l];
    if (loc.mapping != kNone && binary_of[loc.mapping] != nullptr && loc.address != 0) {
      binary_of[loc.mapping]->locations.push_back(static_cast<uint32_t>(l));
    }
  }
  FrameWriter writer(p);
  for (auto& [key, b] : binaries) {
    writer.Write(b, LookupAll(b, p, o));
  }
}

}  // namespace cpprof
