// cpprof: a drop-in for `pprof`, reading and reporting on profile.proto files.
#include <cstdio>
#include <new>
#include <string>
#include <vector>

#include "driver/driver.h"
#include "web/server.h"
#include "web/trace_server.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return cpprof::RunCommandLine(args, cpprof::ServeWebUI, cpprof::ServeTraceUI);
  } catch (const std::bad_alloc&) {
    // A call tree of a big profile (-call_tree: a node per distinct stack
    // prefix) can outgrow memory; say so instead of aborting.
    std::fputs("out of memory (with -call_tree a large profile has a node per distinct call path)\n", stderr);
    return 2;
  }
}
