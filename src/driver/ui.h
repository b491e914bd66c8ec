// Where the driver and the web UI print messages (pprof's plugin.UI).
#ifndef CPPROF_DRIVER_UI_H_
#define CPPROF_DRIVER_UI_H_

#include <cstdio>
#include <string>
#include <vector>

namespace cpprof {

// Where messages go: stderr, as pprof prints them.
class Ui {
 public:
  // fwrite, not %s: a message quoting bad input may hold NUL bytes.
  void Err(const std::string& s) {
    if (copy_to != nullptr) copy_to->push_back(s);
    std::string line = s + '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  // When set, messages are also kept here (ReportCache replays them).
  std::vector<std::string>* copy_to = nullptr;
};

}  // namespace cpprof

#endif  // CPPROF_DRIVER_UI_H_
