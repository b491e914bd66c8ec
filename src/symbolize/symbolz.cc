// Tested by tests/symbolize/remote_test.sh.
#include "symbolize/symbolz.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <filesystem>
#include <sstream>

#include "symbolize/local_symbolizer.h"

namespace cpprof {
namespace {

// addr + offset, false when it wraps (pprof's adjust).
bool Adjust(uint64_t addr, int64_t offset, uint64_t* out) {
  *out = addr + static_cast<uint64_t>(offset);
  return offset < 0 ? *out < addr : *out >= addr;
}

Status SymbolizeMapping(Profile& p, uint32_t mapping, const std::string& url, int64_t offset,
                        const PostFunction& post) {
  std::string query;
  for (const Location& l : p.locations) {
    if (l.mapping != mapping || l.address == 0 || l.line_count != 0) continue;
    uint64_t addr;
    if (!Adjust(l.address, offset, &addr)) {
      return Status::Error(fmt::format("cannot adjust address {} by {}, it would overflow", l.address, offset));
    }
    query += fmt::format("{}{:#x}", query.empty() ? "" : "+", addr);
  }
  if (query.empty()) return Status();
  Result<std::string> answer = post(url, query);
  if (!answer.ok()) return answer.status();
  static const RE2 symbol_line(R"((0x[[:xdigit:]]+)\s+(.*))");
  std::map<uint64_t, uint32_t> function_at;  // address -> function index
  std::map<std::string, uint32_t> functions;
  std::istringstream in(*answer);
  for (std::string line; std::getline(in, line);) {
    if (in.eof()) break;  // pprof reads complete lines only
    std::string hex, name;
    if (!RE2::PartialMatch(line, symbol_line, &hex, &name)) continue;
    uint64_t addr;
    if (!Adjust(std::stoull(hex, nullptr, 16), -offset, &addr)) {
      return Status::Error(fmt::format("cannot adjust symbolz address {} by {}, it would overflow", hex, -offset));
    }
    auto [it, inserted] = functions.try_emplace(name, static_cast<uint32_t>(p.functions.size()));
    if (inserted) {
      Function f;
      f.id = p.functions.size() + 1;
      f.name = f.system_name = p.strings.Intern(name);
      p.functions.push_back(f);
    }
    function_at[addr] = it->second;
  }
  for (Location& l : p.locations) {
    auto it = l.mapping == mapping ? function_at.find(l.address) : function_at.end();
    if (it == function_at.end()) continue;
    l.line_begin = static_cast<uint32_t>(p.lines.size());
    l.line_count = 1;
    p.lines.push_back({it->second, 0, 0});
  }
  return Status();
}

}  // namespace

void CollectMappingSources(Profile& p, const std::string& url, MappingSources& out) {
  for (Mapping& m : p.mappings) {
    std::string key(p.str(m.build_id != 0 ? m.build_id : m.file));
    if (key.empty()) {
      m.file = p.strings.Intern(url);  // cleared again after symbolization
      key = url;
    }
    out[key].push_back({url, m.start});
  }
}

std::string SymbolzURL(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  size_t host_end = url.find_first_of("/?#", scheme + 3);
  std::string base = url.substr(0, host_end), path;
  if (host_end == scheme + 3) return "";
  if (host_end != std::string::npos && url[host_end] == '/')
    path = url.substr(host_end, url.find_first_of("?#", host_end) - host_end);
  bool gperftools = false;
  for (const char* s : {"/pprof/heap", "/pprof/growth", "/pprof/profile", "/pprof/pmuprofile", "/pprof/contention"}) {
    gperftools |= path.ends_with(s);
  }
  if (path.find("/debug/pprof/") != std::string::npos || gperftools) {
    return base + std::filesystem::path(path + "/../symbol").lexically_normal().string();
  }
  return base + "/symbolz";
}

Status SymbolizeRemote(Profile& p, bool force, const MappingSources& sources, const PostFunction& post) {
  for (uint32_t i = 0; i < p.mappings.size(); ++i) {
    Mapping& m = p.mappings[i];
    if ((!force && m.has_functions) || Unsymbolizable(p.str(m.file))) continue;
    std::vector<MappingSource> candidates;
    if (auto it = sources.find(std::string(p.str(m.file))); it != sources.end()) candidates = it->second;
    if (auto it = sources.find(std::string(p.str(m.build_id))); m.build_id != 0 && it != sources.end()) {
      candidates.insert(candidates.end(), it->second.begin(), it->second.end());
    }
    for (const MappingSource& s : candidates) {
      std::string url = SymbolzURL(s.url);
      if (url.empty()) continue;
      int64_t offset = static_cast<int64_t>(s.start - m.start);
      if (Status st = SymbolizeMapping(p, i, url, offset, post); !st.ok()) return st;
      m.has_functions = true;
      break;
    }
  }
  return Status();
}

}  // namespace cpprof
