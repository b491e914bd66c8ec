// A port of the subset of Go's text/tabwriter that pprof's -tags uses
// (AlignRight, padding 1, space padding): tab-terminated cells, aligned per
// column over blocks of consecutive lines that have that column.
#ifndef CPPROF_REPORT_TAB_WRITER_H_
#define CPPROF_REPORT_TAB_WRITER_H_

#include <string>
#include <vector>

namespace cpprof {

class TabWriter {
 public:
  void Write(const std::string& text);  // may contain several lines
  std::string Flush();

 private:
  void Format(size_t line0, size_t line1);
  void WriteLines(size_t line0, size_t line1);

  std::string pending_;
  std::vector<std::vector<std::string>> lines_;
  std::vector<size_t> widths_;
  std::string out_;
};

}  // namespace cpprof

#endif  // CPPROF_REPORT_TAB_WRITER_H_
