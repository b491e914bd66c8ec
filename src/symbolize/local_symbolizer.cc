// Tested by tests/symbolize/symbolize_test.sh.
#include "symbolize/local_symbolizer.h"

#include <map>
#include <thread>
#include <tuple>

#include "symbolize/elf_image.h"
#include "symbolize/elf_symbolizer.h"

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

// Looks up addrs[i] into out[i] with a fresh libdwfl session.
void LookupRange(const Binary& b, const std::vector<uint64_t>& addrs, size_t begin, size_t end, bool fast,
                 std::vector<SymbolizedAddress>& out) {
  ElfSymbolizer symbolizer;
  if (!symbolizer.AddModule(b.path, b.bias)) return;
  for (size_t i = begin; i < end; ++i) out[i] = fast ? symbolizer.LookupSymbol(addrs[i]) : symbolizer.Lookup(addrs[i]);
}

std::vector<SymbolizedAddress> LookupAll(const Binary& b, const Profile& p, const LocalSymbolizeOptions& o) {
  std::vector<uint64_t> addrs;
  addrs.reserve(b.locations.size());
  for (uint32_t l : b.locations) addrs.push_back(p.locations[l].address);
  std::vector<SymbolizedAddress> out(addrs.size());
  if (addrs.size() < o.parallel_from) {
    LookupRange(b, addrs, 0, addrs.size(), o.fast, out);
    return out;
  }
  size_t half = addrs.size() / 2;
  std::thread second([&] { LookupRange(b, addrs, half, addrs.size(), o.fast, out); });
  LookupRange(b, addrs, 0, half, o.fast, out);
  second.join();
  return out;
}

// Replaces the lines of the located addresses with their frames, sharing
// functions by (name, file, start line) as pprof's symbolizer does.
class FrameWriter {
 public:
  explicit FrameWriter(Profile& p) : p_(p) {}

  void Write(uint32_t loc, const SymbolizedAddress& s) {
    if (s.frames.empty()) return;
    Location& l = p_.locations[loc];
    Mapping& m = p_.mappings[l.mapping];
    l.line_begin = static_cast<uint32_t>(p_.lines.size());
    l.line_count = static_cast<uint32_t>(s.frames.size());
    l.is_folded = false;
    for (const SymbolFrame& f : s.frames) {
      m.has_functions |= !f.function.empty();
      m.has_filenames |= !f.file.empty();
      m.has_line_numbers |= f.line != 0;
      p_.lines.push_back({FunctionFor(f), f.line, 0});
    }
    m.has_inline_frames = true;
  }

 private:
  uint32_t FunctionFor(const SymbolFrame& f) {
    StrId name = p_.strings.Intern(f.function), file = p_.strings.Intern(f.file);
    auto [it, inserted] = functions_.try_emplace({name, file, f.start_line}, static_cast<uint32_t>(p_.functions.size()));
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
    print("Some binary filenames not available. Symbolization may be incomplete.\n"
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
    std::vector<SymbolizedAddress> found = LookupAll(b, p, o);
    for (size_t i = 0; i < found.size(); ++i) writer.Write(b.locations[i], found[i]);
  }
}

}  // namespace cpprof
