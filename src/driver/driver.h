// The cpprof command: parses pprof's command line, fetches the profiles and
// writes the chosen report. The hub of the analysis side; nothing else reads
// flags.
#ifndef CPPROF_DRIVER_DRIVER_H_
#define CPPROF_DRIVER_DRIVER_H_

#include <string>
#include <vector>

namespace cpprof {

// Runs cpprof with argv[1..]; returns the process exit status.
int RunCommandLine(const std::vector<std::string>& args);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_DRIVER_H_
