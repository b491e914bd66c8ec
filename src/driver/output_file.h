// Writing report files: never half-written, and never over an existing one
// when cpprof picks the name.
#ifndef CPPROF_DRIVER_OUTPUT_FILE_H_
#define CPPROF_DRIVER_OUTPUT_FILE_H_

#include <fstream>
#include <string>
#include <string_view>

#include "report/report.h"
#include "util/status.h"

namespace cpprof {

// A report file written under a temporary name while the report is
// generated, and renamed into place when complete: a failure never leaves a
// partial file, and a 2.5 GB -traces never sits in memory.
class OutputFile final : public ReportSink {
 public:
  explicit OutputFile(const std::string& path);
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  Status Open();

  // Write errors stick to the stream and come out of Flush.
  Status Append(std::string_view data) override {
    out_.write(data.data(), static_cast<std::streamsize>(data.size()));
    return Status();
  }

  // Closes the file and renames it into place.
  Status Flush() override;

 private:
  std::string path_, tmp_;
  std::ofstream out_;
  bool committed_ = false;
};

// Writes data to path through an OutputFile.
Status WriteFile(const std::string& path, std::string_view data);

// pprof's newTempFile: creates <dir>/<prefix>NNN<suffix> with the first free
// NNN from 001 and returns its name.
Result<std::string> NewTempFile(const std::string& dir, std::string_view prefix, std::string_view suffix);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_OUTPUT_FILE_H_
