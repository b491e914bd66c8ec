// The HTTP handler's view of request URLs, as Go's net/url gives it
// (util/net_url.h). Malformed input never fails: an undecodable pair is
// skipped, as url.ParseQuery skips it. Fuzzed by tests/runtime/query_test.cc.
#ifndef CPPROF_RUNTIME_QUERY_H_
#define CPPROF_RUNTIME_QUERY_H_

#include <string>
#include <string_view>

#include "util/net_url.h"

namespace cpprof::runtime {

// Go's net/url, shared with the CLI.
using cpprof::PathEscape;
using cpprof::PathUnescape;

// The first value of key in a raw "a=1&b=2" query (Go's FormValue), or "".
std::string QueryValue(std::string_view query, std::string_view key);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_QUERY_H_
