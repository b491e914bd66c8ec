// Turning source arguments into one profile: reading each source, merging
// them, subtracting -base or -diff_base profiles, demangling and pruning, as
// pprof's fetchProfiles does.
#ifndef CPPROF_DRIVER_FETCH_H_
#define CPPROF_DRIVER_FETCH_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "driver/http_fetch.h"
#include "profile/column.h"
#include "profile/profile.h"
#include "util/status.h"

namespace cpprof {

struct SourceOptions {
  std::vector<std::string> sources;
  std::vector<std::string> bases;
  bool diff_base = false;
  bool normalize = false;
  std::string exec_name;
  std::string build_id;
  std::string symbolize;
  std::string comment;
  bool all_frames = false;
  // The report reads nothing of the profile but its sums per frame (text,
  // graph and tree reports). One profile read from a file is then left as
  // it was decoded instead of merged as pprof merges every input: the merge
  // renumbers, deduplicates and sums samples, which changes no such sum
  // (0.14 s of the 1.0 s that -top takes on bench/run.sh's 1M samples).
  bool sums_only = false;
  HttpOptions http;
  // Prints progress as it happens ("Fetching profile over HTTP from ...").
  std::function<void(const std::string&)> progress = [](const std::string&) {};
};

// Sources that are not files but URLs are fetched over HTTP, and then the
// merged profile is saved as pprof saves it ("Saved profile in ...").
// Messages that are not fatal (a source that failed among several) go to
// warnings.
Result<Profile> FetchProfiles(const SourceOptions& s, std::vector<std::string>& warnings);

// The bytes of a source: the file when there is one, else the URL it names,
// an empty path standing for default_path (AdjustURL); *fetched_url is then
// set. Used for profiles and for `cpprof trace`'s traces.
Result<Bytes> ReadSource(const std::string& source, const HttpOptions& http, std::string_view default_path,
                         const std::function<void(const std::string&)>& progress, std::string* fetched_url);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_FETCH_H_
