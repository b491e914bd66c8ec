// The PLT entries of an x86-64 ELF file, named as objdump and perf name
// them: "<symbol>@plt" after the symbol of the relocation whose GOT slot the
// entry jumps through. No symbol table covers these stubs, so without them
// calls into other libraries show as unnamed addresses (3.3% of
// bench/symbolize.sh's addresses in libstdc++).
#ifndef CPPROF_SYMBOLIZE_PLT_ENTRIES_H_
#define CPPROF_SYMBOLIZE_PLT_ENTRIES_H_

#include <libelf.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cpprof {

struct PltEntry {
  uint64_t address = 0;  // file virtual address
  uint64_t size = 0;
  std::string name;  // "<symbol>@plt"
};

// The named entries of .plt, .plt.sec (IBT) and .plt.got, in section order;
// none for other machines. The lazy-binding stubs of an IBT .plt and the PLT
// header jump through no relocated slot and stay unnamed, as in objdump.
std::vector<PltEntry> ReadPltEntries(Elf* elf);

}  // namespace cpprof

#endif  // CPPROF_SYMBOLIZE_PLT_ENTRIES_H_
