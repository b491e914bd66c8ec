// Running a helper program (graphviz's dot, binutils' nm and objdump) with
// input on stdin and its stdout captured.
#ifndef CPPROF_UTIL_SUBPROCESS_H_
#define CPPROF_UTIL_SUBPROCESS_H_

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace cpprof {

// Runs args (args[0] looked up in $PATH) with input on stdin and returns its
// stdout; stderr is the user's. Input and output go through poll, so a large
// input cannot deadlock on full pipes. *spawn_errno is set when the program
// could not start at all; a non-zero exit is an error too.
Result<std::string> RunSubprocess(const std::vector<std::string>& args, std::string_view input, int* spawn_errno);

}  // namespace cpprof

#endif  // CPPROF_UTIL_SUBPROCESS_H_
