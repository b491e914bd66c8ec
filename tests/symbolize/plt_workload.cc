// A program whose calls go through every x86-64 PLT layout, for
// tests/symbolize/elf_symbolizer_test.cc: puts through .plt (.plt.sec when
// built for IBT), getpid through .plt.got, since its address is also taken
// and its GOT slot is then filled at start-up (GLOB_DAT).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int (*volatile pid_function)();

int main(int argc, char** argv) {
  pid_function = getpid;
  std::puts(argv[0]);
  return pid_function() == getpid() ? 0 : std::atoi(argv[argc - 1]);
}
