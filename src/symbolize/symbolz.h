// Remote symbolization (pprof's internal/symbolz): the addresses of
// mappings without function names are POSTed to the symbol endpoint of the
// server the profile came from (/debug/pprof/symbol, as net/http/pprof and
// libcpprof serve it), which answers "0x<addr> <name>" lines. Names only: no
// files or lines.
#ifndef CPPROF_SYMBOLIZE_SYMBOLZ_H_
#define CPPROF_SYMBOLIZE_SYMBOLZ_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "profile/profile.h"
#include "util/status.h"

namespace cpprof {

// Where a mapping was fetched from: the profile's URL and the mapping's
// start in that profile (merging may move it).
struct MappingSource {
  std::string url;
  uint64_t start = 0;
};
// Keyed by build id, else file name, else the URL itself (pprof's
// collectMappingSources, which then names such mappings after the URL).
using MappingSources = std::map<std::string, std::vector<MappingSource>>;

// pprof's collectMappingSources for a profile fetched from url.
void CollectMappingSources(Profile& p, const std::string& url, MappingSources& out);

// The symbol URL for a profile URL: <path>/../symbol under /debug/pprof/ or
// gperftools' /pprof/{heap,growth,profile,pmuprofile,contention}, else
// /symbolz; the query dropped. Empty when url has no host.
std::string SymbolzURL(const std::string& url);

// POSTs body to url and returns the answer.
using PostFunction = std::function<Result<std::string>(const std::string& url, const std::string& body)>;

// Names the locations of mappings without functions (all with force) that
// have a source; fails on the first server error, as pprof does.
Status SymbolizeRemote(Profile& p, bool force, const MappingSources& sources, const PostFunction& post);

}  // namespace cpprof

#endif  // CPPROF_SYMBOLIZE_SYMBOLZ_H_
