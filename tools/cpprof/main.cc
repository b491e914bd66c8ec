// cpprof: a drop-in for `pprof`, reading and reporting on profile.proto files.
#include <string>
#include <vector>

#include "driver/driver.h"
#include "web/server.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return cpprof::RunCommandLine(args, cpprof::ServeWebUI);
}
