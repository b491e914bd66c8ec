// URL query and path escaping as Go's net/url does it, for the HTTP handler.
// Malformed input never fails: an undecodable pair is skipped, as
// url.ParseQuery skips it. Fuzzed by tests/runtime/query_test.cc.
#ifndef CPPROF_RUNTIME_QUERY_H_
#define CPPROF_RUNTIME_QUERY_H_

#include <string>
#include <string_view>

namespace cpprof::runtime {

// The first value of key in a raw "a=1&b=2" query (Go's FormValue), or "".
std::string QueryValue(std::string_view query, std::string_view key);
// Decodes %XX (invalid escapes are kept verbatim).
std::string PathUnescape(std::string_view path);
// Escapes a path segment for an href (url.URL{Path: name}.String()).
std::string PathEscape(std::string_view segment);

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_QUERY_H_
