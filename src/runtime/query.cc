#include "runtime/query.h"

namespace cpprof::runtime {

std::string QueryValue(std::string_view query, std::string_view key) {
  for (auto& [k, v] : ParseQuery(query)) {
    if (k == key) return v;
  }
  return "";
}

}  // namespace cpprof::runtime
