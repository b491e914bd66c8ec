// libFuzzer target for what the symbolizer reads of a binary it is handed
// (a -symbolize path, a fetched binary, a $PPROF_BINARY_PATH candidate):
// ReadElfImage's headers, then libdwfl's module, symbol table, PLT entries
// and DWARF lines and scopes for addresses across every executable segment.
// Any input must give frames or nothing; never a crash, hang or sanitizer
// report. The file is a memfd, so no run touches the disk.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "symbolize/elf_image.h"
#include "symbolize/elf_symbolizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = memfd_create("elf_fuzzer", 0);
  if (fd < 0) return 0;
  if (write(fd, data, size) != static_cast<ssize_t>(size)) {
    close(fd);
    return 0;
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  cpprof::Result<cpprof::ElfImage> image = cpprof::ReadElfImage(path);
  if (image.ok()) {
    cpprof::ElfSymbolizer symbolizer;
    constexpr uint64_t kBias = 0x10000000;
    if (symbolizer.AddModule(path, kBias)) {
      cpprof::SymbolizedAddress out;
      for (const cpprof::LoadSegment& load : image->loads) {
        if (!load.executable) continue;
        // 16 addresses spread over the segment, its first and last byte included.
        for (uint64_t i = 0; i <= 16; ++i) {
          uint64_t addr = kBias + load.vaddr + (load.filesz == 0 ? 0 : (load.filesz - 1) / 16 * i);
          symbolizer.DebugInfo(addr);
          symbolizer.Lookup(addr, &out);
          symbolizer.LookupSymbol(addr, &out);
        }
      }
    }
  }
  close(fd);
  return 0;
}
