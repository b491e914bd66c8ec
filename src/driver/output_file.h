// Writing report files: never half-written, and never over an existing one
// when cpprof picks the name.
#ifndef CPPROF_DRIVER_OUTPUT_FILE_H_
#define CPPROF_DRIVER_OUTPUT_FILE_H_

#include <fstream>
#include <string>
#include <string_view>

#include "util/status.h"

namespace cpprof {

// A report file written under a temporary name while the report is
// generated, and renamed into place when complete: a failure never leaves a
// partial file, and a 2.5 GB -traces never sits in memory.
class OutputFile {
 public:
  explicit OutputFile(const std::string& path);
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  Status Open();

  // Appends and clears piece (the report's drain).
  void Write(std::string& piece) {
    out_.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    piece.clear();
  }

  Status Commit();

 private:
  std::string path_, tmp_;
  std::ofstream out_;
  bool committed_ = false;
};

// Writes data to path through an OutputFile.
Status WriteFile(const std::string& path, std::string data);

// pprof's newTempFile: creates <dir>/<prefix>NNN<suffix> with the first free
// NNN from 001 and returns its name.
Result<std::string> NewTempFile(const std::string& dir, std::string_view prefix, std::string_view suffix);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_OUTPUT_FILE_H_
