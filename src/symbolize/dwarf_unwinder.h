// Unwinds the user stacks that `perf record --call-graph dwarf` copies (the
// registers and 8 KiB of stack at each sample), with the call frame
// information (.eh_frame, else .debug_frame) of the binaries on disk, as
// perf's own libdw unwinder does.
//
// Not the runtime's frame_rules.cc: that reads the FDEs of the code loaded
// in its own process through libgcc (_Unwind_Find_FDE) and keeps only the
// rules compiled code needs for a signal-safe walk; here the code is another
// process's, read from files, so libdw's CFI reader (dwarf_cfi_addrframe),
// already the symbolizer's dependency, gives each frame's rules.
#ifndef CPPROF_SYMBOLIZE_DWARF_UNWINDER_H_
#define CPPROF_SYMBOLIZE_DWARF_UNWINDER_H_

#include <map>
#include <memory>
#include <string>

#include "profile/perf/perf_input.h"

namespace cpprof {

// Thread-compatible: Unwind may be called from one thread at a time (the
// files' CFI is opened on first use and kept until destruction).
class DwarfUnwinder : public perf::UserStackUnwinder {
 public:
  DwarfUnwinder();
  ~DwarfUnwinder() override;
  void Unwind(const perf::UserStack& s, const MappingOf& mapping_of, size_t max_frames,
              std::vector<uint64_t>& pcs) const override;

 private:
  struct Binary;
  const Binary* Open(const perf::UserMapping& m) const;
  mutable std::map<std::string, std::unique_ptr<Binary>> binaries_;
};

}  // namespace cpprof

#endif  // CPPROF_SYMBOLIZE_DWARF_UNWINDER_H_
