#include "driver/fetch.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "driver/output_file.h"
#include "profile/codec.h"
#include "profile/filter.h"
#include "profile/merge.h"
#include "profile/perf/perf_input.h"
#include "profile/validate.h"
#include "symbolize/binary_locator.h"
#include "symbolize/demangle.h"
#include "symbolize/dwarf_unwinder.h"
#include "symbolize/kernel_symbolizer.h"
#include "symbolize/local_symbolizer.h"
#include "symbolize/symbolz.h"
#include "util/go_time.h"

namespace cpprof {
namespace {

Result<Bytes> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(fmt::format("open {}: {}", path, std::strerror(errno)));
  Bytes data;
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0) return Status::Error(fmt::format("read {}: not a regular file", path));
  data.resize(static_cast<size_t>(size));
  in.seekg(0);
  in.read(data.data(), size);
  if (!in) return Status::Error(fmt::format("read {}: {}", path, std::strerror(errno)));
  return data;
}

// pprof's locateBinaries: copies of the binaries in the search path, a
// profile without mappings gets an empty one, and -buildid / the binary
// argument override the main mapping.
void LocateBinaries(Profile& p, const SourceOptions& s) {
  LocateBinaries(p, BinarySearchPath(), s.progress);
  if (p.mappings.empty()) {
    Mapping m;
    m.id = 1;
    p.mappings.push_back(m);
    for (Location& l : p.locations) l.mapping = 0;
  }
  if (!s.exec_name.empty()) p.mappings[0].file = p.strings.Intern(s.exec_name);
  if (!s.build_id.empty()) p.mappings[0].build_id = p.strings.Intern(s.build_id);
}

Result<Profile> Combine(std::vector<Profile>& profiles, bool merge_one = true) {
  if (profiles.size() == 1 && !merge_one && CompactKeepsMappings(profiles[0])) return std::move(profiles[0]);
  std::vector<Profile*> ptrs;
  for (Profile& p : profiles) ptrs.push_back(&p);
  if (Status s = ScaleToCommonUnits(ptrs); !s.ok()) return s;
  return Merge(std::move(profiles));
}

// Reads all sources, in parallel when there are several; failed ones become
// warnings ("<source>: <error>"). *remote tells whether one came over HTTP;
// the mappings of those are added to mapping_sources, in source order.
// perf.data's kernel frames are named when `kernel_symbols` (pprof leaves
// the kernel mappings of other profiles as they are).
Result<Profile> Grab(const std::vector<std::string>& sources, const SourceOptions& s, const char* what,
                     std::vector<std::string>& warnings, std::atomic<bool>* remote, MappingSources& mapping_sources,
                     bool kernel_symbols) {
  std::vector<Result<Profile>> results(sources.size(), Status::Error("not read"));
  std::vector<MappingSources> fetched(sources.size());
  std::vector<std::thread> threads;
  auto load = [&](size_t i) {
    std::string url;
    Result<Bytes> data = ReadSource(sources[i], s.http, kProfilePath, s.progress, &url);
    if (!data.ok()) {
      results[i] = data.status();
      return;
    }
    DwarfUnwinder unwinder;  // per thread: it is not thread-safe
    const bool perf_data = perf::IsPerfData(View(*data));
    results[i] = ParseProfile(std::move(data).value(), &unwinder);
    if (!results[i].ok()) return;
    if (kernel_symbols && perf_data) SymbolizeKernel(*results[i], ReadRunningKernel);
    LocateBinaries(*results[i], s);
    if (!url.empty()) {
      CollectMappingSources(*results[i], url, fetched[i]);
      *remote = true;
    }
  };
  for (size_t i = 1; i < sources.size(); ++i) threads.emplace_back(load, i);
  if (!sources.empty()) load(0);
  for (std::thread& t : threads) t.join();
  for (const MappingSources& f : fetched) {
    for (const auto& [key, list] : f) mapping_sources[key].insert(mapping_sources[key].end(), list.begin(), list.end());
  }
  std::vector<Profile> loaded;
  for (size_t i = 0; i < sources.size(); ++i) {
    if (!results[i].ok()) {
      warnings.push_back(sources[i] + ": " + results[i].status().message());
      continue;
    }
    loaded.push_back(std::move(results[i]).value());
  }
  if (loaded.empty()) {
    if (sources.size() == 1) {
      // One source: its own error is the whole story.
      std::string message = warnings.back().substr(sources[0].size() + 2);
      warnings.pop_back();
      return Status::Error(message);
    }
    return Status::Error(fmt::format("failed to fetch any {} profiles", what));
  }
  if (loaded.size() != sources.size()) {
    warnings.push_back(fmt::format("Fetched {} {} profiles out of {}", loaded.size(), what, sources.size()));
  }
  return Combine(loaded, !s.sums_only || *remote || !s.bases.empty());
}

// -symbolize=[local|fastlocal|remote|none][:force][:demangle=...], as
// pprof's Symbolizer reads it: without a source option, local then remote.
struct SymbolizeMode {
  bool none = false, local = true, fast = false, remote = true, force = false;
  DemangleMode demangle = DemangleMode::kDefault;
};

SymbolizeMode ParseSymbolizeMode(const std::string& mode, std::vector<std::string>& warnings) {
  SymbolizeMode m;
  std::string lower = mode;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::stringstream ss(lower);
  std::string o;
  while (std::getline(ss, o, ':')) {
    if (o.empty()) continue;
    if (o == "none" || o == "no") {
      m.none = true;
      return m;
    }
    if (o == "local") {
      m.remote = false;
      m.local = true;
    } else if (o == "fastlocal") {
      m.remote = false;
      m.local = m.fast = true;
    } else if (o == "remote") {
      m.remote = true;
      m.local = false;
    } else if (o == "force") {
      m.force = true;
    } else if (o.starts_with("demangle=")) {
      std::string d = o.substr(9);
      if (d == "full" || d == "none" || d == "templates") {
        m.demangle = d == "full" ? DemangleMode::kFull : d == "none" ? DemangleMode::kNone : DemangleMode::kTemplates;
        m.force = true;
      } else if (d != "default") {
        warnings.push_back("ignoring unrecognized symbolization option: " + mode);
      }
    } else {
      warnings.push_back("ignoring unrecognized symbolization option: " + mode);
    }
  }
  return m;
}

// pprof clears mapping files that are URLs without a build id: they named
// where the profile came from, not a binary.
void UnsourceMappings(Profile& p) {
  for (Mapping& m : p.mappings) {
    if (m.build_id != 0) continue;
    std::string_view file = p.str(m.file);
    size_t colon = file.find(':');
    if (colon == std::string_view::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(file[0]))) continue;
    bool scheme = true;
    for (char c : file.substr(0, colon)) {
      scheme &= std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    }
    if (scheme) m.file = 0;
  }
}

// pprof keeps a copy of every profile fetched from a server, in
// $PPROF_TMPDIR, else $HOME/pprof, else the temp directory, named after the
// main binary and the sample types: pprof.app.samples.cpu.001.pb.gz.
void SaveFetched(const Profile& p, const std::function<void(const std::string&)>& print) {
  std::vector<std::string> dirs;
  if (const char* d = std::getenv("PPROF_TMPDIR"); d != nullptr && *d != '\0') dirs.emplace_back(d);
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') dirs.push_back(std::string(h) + "/pprof");
  const char* tmp = std::getenv("TMPDIR");
  dirs.emplace_back(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
  std::string dir;
  for (const std::string& d : dirs) {
    std::error_code ec;
    std::filesystem::create_directories(d, ec);
    if (!ec) {
      dir = d;
      break;
    }
    print(fmt::format("Could not use temp dir {}: {}", d, ec.message()));
  }
  if (dir.empty()) return;
  std::string prefix = "pprof.";
  if (!p.mappings.empty() && p.mappings[0].file != 0) {
    prefix += std::filesystem::path(std::string(p.str(p.mappings[0].file))).filename().string() + ".";
  }
  for (const ValueType& t : p.sample_types) prefix += std::string(p.str(t.type)) + ".";
  Result<std::string> path = NewTempFile(dir, prefix, ".pb.gz");
  Status saved = path.ok() ? WriteFile(*path, WriteProfile(p)) : path.status();
  print(saved.ok() ? "Saved profile in " + *path : "Could not save profile: " + saved.message());
}

}  // namespace

Result<Bytes> ReadSource(const std::string& source, const HttpOptions& http, std::string_view default_path,
                         const std::function<void(const std::string&)>& progress, std::string* fetched_url) {
  struct stat st;
  std::optional<RemoteSource> url;
  if (stat(source.c_str(), &st) != 0) url = AdjustURL(source, http, default_path);
  if (!url) return ReadFile(source);
  progress("Fetching profile over HTTP from " + url->url);
  if (url->duration_nanos > 0) progress(fmt::format("Please wait... ({})", GoDurationString(url->duration_nanos)));
  Result<std::string> data = FetchURL(*url, http);
  if (!data.ok()) return data.status();
  *fetched_url = url->url;
  return Bytes(data->begin(), data->end());
}

Result<Profile> FetchProfiles(const SourceOptions& s, std::vector<std::string>& warnings) {
  std::atomic<bool> remote = false;
  MappingSources mapping_sources;
  std::vector<std::string> warned_below;  // the mode's warnings come after the fetch's, as in pprof
  SymbolizeMode local = ParseSymbolizeMode(s.symbolize, warned_below);
  const bool kernel_symbols = !local.none && local.local;
  Result<Profile> p = Grab(s.sources, s, "source", warnings, &remote, mapping_sources, kernel_symbols);
  if (!p.ok()) return p;
  if (!s.bases.empty()) {
    Result<Profile> base = Grab(s.bases, s, "base", warnings, &remote, mapping_sources, kernel_symbols);
    if (!base.ok()) return base;
    if (s.diff_base) SetLabel(*base, "pprof::base", "true");
    if (s.normalize) {
      if (Status st = Normalize(*p, *base); !st.ok()) return st;
    }
    std::vector<double> negate(base->num_types(), -1.0);
    ScaleValues(*base, negate);
    std::vector<Profile> both;
    both.push_back(std::move(p).value());
    both.push_back(std::move(base).value());
    p = Combine(both);
    if (!p.ok()) return p;
  }
  SymbolizeMode mode = ParseSymbolizeMode(s.symbolize, warnings);
  if (!mode.none) {
    if (mode.local) SymbolizeLocal(*p, {.force = mode.force, .fast = mode.fast}, s.progress);
    if (mode.remote) {
      auto post = [&s](const std::string& url, const std::string& body) -> Result<std::string> {
        RemoteSource r{url, 0, 60 * int64_t{1000000000}};
        Result<std::string> answer = FetchURL(r, s.http, &body);
        if (!answer.ok()) return Status::Error("http post " + url + ": " + answer.status().message());
        return answer;
      };
      if (Status st = SymbolizeRemote(*p, mode.force, mapping_sources, post); !st.ok()) return st;
    }
    DemangleFunctions(*p, mode.force, mode.demangle);
  }
  if (s.all_frames) p->drop_frames = p->keep_frames = 0;
  if (Status st = RemoveUninteresting(*p); !st.ok()) warnings.push_back(st.message());
  UnsourceMappings(*p);
  if (!s.comment.empty()) p->comments.push_back(p->strings.Intern(s.comment));
  if (remote) SaveFetched(*p, s.progress);
  if (Status st = CheckValid(*p); !st.ok()) return st;
  return p;
}

}  // namespace cpprof
