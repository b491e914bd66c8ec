// Source files for the listings (pprof's sourceReader): files named in a
// profile are looked up as pprof's openSourceFile does and read once.
#ifndef CPPROF_REPORT_SOURCE_READER_H_
#define CPPROF_REPORT_SOURCE_READER_H_

#include <map>
#include <string>
#include <vector>

namespace cpprof {

class SourceReader {
 public:
  // search_path: ':'-separated directories (-source_path; the working
  // directory when empty, as pprof); trim_path: -trim_path.
  SourceReader(std::string search_path, std::string trim_path);

  // Line `lineno` (from 1) of the file, without its line end; false past
  // the end or when the file cannot be read.
  bool Line(const std::string& path, int64_t lineno, std::string* line);

  // Why the file could not be read, in Go's words ("open /x.cc: no such
  // file or directory"); empty when it was read.
  std::string Error(const std::string& path) const;

 private:
  std::string search_path_, trim_path_;
  std::map<std::string, std::vector<std::string>> files_;
  std::map<std::string, std::string> errors_;
};

}  // namespace cpprof

#endif  // CPPROF_REPORT_SOURCE_READER_H_
