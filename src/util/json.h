// JSON string literals, for the reports and exports that write JSON by hand
// (the web UI's flame graph, -speedscope, the trace's Chrome JSON).
#ifndef CPPROF_UTIL_JSON_H_
#define CPPROF_UTIL_JSON_H_

#include <string>
#include <string_view>

namespace cpprof {

// Appends s as a JSON string literal.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace cpprof

#endif  // CPPROF_UTIL_JSON_H_
