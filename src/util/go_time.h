// Go's time formats that appear in pprof's text output, in the local time zone
// (the TZ environment variable, as Go reads it).
#ifndef CPPROF_UTIL_GO_TIME_H_
#define CPPROF_UTIL_GO_TIME_H_

#include <cstdint>
#include <string>

namespace cpprof {

// time.Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST".
std::string GoTimeString(int64_t unix_nanos);

// Layout "Jan 2, 2006 at 3:04pm (MST)", used in report headers.
std::string GoReportTime(int64_t unix_nanos);

// time.Duration.String(): "1h2m3.5s", "1.5ms", "0s".
std::string GoDurationString(int64_t nanos);

// time.ParseDuration: "1m30s", "500ms", "1.5h", "0"; false when s is not one.
bool ParseGoDuration(const std::string& s, int64_t* nanos);

// Keeps the first n UTF-8 characters, as Go's "%.Nv" does to a string.
std::string TruncateRunes(const std::string& s, size_t n);

}  // namespace cpprof

#endif  // CPPROF_UTIL_GO_TIME_H_
