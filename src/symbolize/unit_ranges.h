// The compilation unit of a DWARF holding an address, found through its
// .debug_aranges table as libdw's dwarf_addrdie finds it, without reading
// the units the address is not in.
//
// dwarf_addrdie first calls dwarf_getaranges, which interns every unit of
// the file (libdw reads units only in order, each with its own abbreviation
// table): libc's 2,063 units, 2 MB of heap that dwarf_end frees again, for
// the dozen units a short profile's samples are in. That was 9 ms of CPU,
// and freeing it 2-3 ms more, of the exit write of bench/exit_symbolize.sh.
// Here a unit is read when an address needs it, with the units before it
// (libdw interns in order): 56% of libc's for that profile.
//
// Not thread-safe. The Dwarf must outlive the table.
#ifndef CPPROF_SYMBOLIZE_UNIT_RANGES_H_
#define CPPROF_SYMBOLIZE_UNIT_RANGES_H_

#include <elfutils/libdw.h>

#include <cstdint>
#include <vector>

namespace cpprof {

class UnitRanges {
 public:
  // Reads the file's .debug_aranges. Without one (or with one it cannot
  // read), At() is dwarf_addrdie.
  explicit UnitRanges(Dwarf* dwarf);

  // The unit DIE of the unit whose ranges hold addr (a DWARF address,
  // without bias), into *die; nullptr if none.
  Dwarf_Die* At(uint64_t addr, Dwarf_Die* die) const;

 private:
  struct Range {
    uint64_t start, length;
    uint64_t unit;  // offset of the unit's header in .debug_info
  };
  bool Read(const unsigned char* data, size_t size);

  Dwarf* dwarf_;
  bool read_ = false;
  std::vector<Range> ranges_;  // by start
};

}  // namespace cpprof

#endif  // CPPROF_SYMBOLIZE_UNIT_RANGES_H_
