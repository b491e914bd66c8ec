// Go's net/url escaping and query parsing, which both ends of /debug/pprof
// speak: the runtime's HTTP handler reads queries as net/http/pprof does, and
// the CLI writes them as go tool pprof does.
#ifndef CPPROF_UTIL_NET_URL_H_
#define CPPROF_UTIL_NET_URL_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cpprof {

using QueryPairs = std::vector<std::pair<std::string, std::string>>;

// url.QueryUnescape: '+' is a space; a bad %XX makes the whole value invalid.
std::optional<std::string> QueryUnescape(std::string_view s);

// url.QueryEscape.
std::string QueryEscape(std::string_view s);

// url.ParseQuery, in order: pairs split on '&'; one holding ';' (invalid
// since Go 1.17) or a bad escape is dropped, as Go drops it.
QueryPairs ParseQuery(std::string_view raw);

// url.Values.Encode: sorted by key (stable), each side escaped.
std::string EncodeQuery(QueryPairs query);

// url.PathUnescape, lenient: a bad %XX stays as it is.
std::string PathUnescape(std::string_view path);

// url.PathEscape for a path whose '/' are kept.
std::string PathEscape(std::string_view path);

}  // namespace cpprof

#endif  // CPPROF_UTIL_NET_URL_H_
