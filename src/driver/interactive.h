// pprof's interactive shell: "(pprof) top", "list main", "focus=foo", ...
// On a terminal it reads lines with libedit (editing, history in
// ~/.cpprof_history, completion of commands, options and function names);
// otherwise it reads one command per line and prints the prompt on stdout,
// as pprof does, so scripts can drive it.
#ifndef CPPROF_DRIVER_INTERACTIVE_H_
#define CPPROF_DRIVER_INTERACTIVE_H_

#include "driver/command.h"
#include "driver/config.h"
#include "profile/profile.h"

namespace cpprof {

// Runs the shell on p, decoded once: each command works on a copy, and
// options given on a command line apply to that command only. Returns when
// the user quits.
void RunInteractive(const Profile& p, Config cfg, Ui& ui);

}  // namespace cpprof

#endif  // CPPROF_DRIVER_INTERACTIVE_H_
