#include "profile/profile.h"

namespace cpprof {

bool Profile::HasLabel(const Sample& s, StrId key, StrId value) const {
  for (const Label& l : labels_of(s)) {
    if (l.is_string() && l.key == key && l.str == value) return true;
  }
  return false;
}

bool Profile::IsDiffBaseSample(const Sample& s) const {
  for (const Label& l : labels_of(s)) {
    if (l.is_string() && str(l.key) == "pprof::base" && str(l.str) == "true") return true;
  }
  return false;
}

}  // namespace cpprof
