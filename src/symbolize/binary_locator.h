// Binary lookup as pprof's locateBinaries does it: for every mapping, a copy
// of its binary in the search path ($PPROF_BINARY_PATH, default
// $HOME/pprof/binaries) found by build id or by name replaces the mapping's
// file name.
#ifndef CPPROF_SYMBOLIZE_BINARY_LOCATOR_H_
#define CPPROF_SYMBOLIZE_BINARY_LOCATOR_H_

#include <functional>
#include <string>
#include <vector>

#include "profile/profile.h"

namespace cpprof {

// $PPROF_BINARY_PATH split at ':', else $HOME/pprof/binaries.
std::vector<std::string> BinarySearchPath();

// Points each mapping at the first candidate in `dirs` that is an ELF file
// whose build id matches the mapping's (or any ELF file when the mapping has
// none). Candidates, per directory, in pprof's order: <dir>/<buildid>/<basename>,
// <dir>/<buildid>/*, <dir>/<file>/<buildid> (perf's buildid cache),
// <dir>/<id[:2]>/<id[2:]>.debug and <dir>/.build-id/<id[:2]>/<id[2:]>.debug,
// <dir>/<basename>, <dir>/<file>, <dir>/<file>.debug,
// <dir>/<dirname>/.debug/<basename>.debug, <dir>/usr/lib/debug/<file>.debug.
// A candidate with another build id is reported through print
// ("Ignoring local file X: build-id mismatch (a != b)") and skipped.
void LocateBinaries(Profile& p, const std::vector<std::string>& dirs,
                    const std::function<void(const std::string&)>& print);

}  // namespace cpprof

#endif  // CPPROF_SYMBOLIZE_BINARY_LOCATOR_H_
