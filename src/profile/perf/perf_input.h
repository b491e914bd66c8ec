// Profiles from Linux perf's outputs: perf.data (file and pipe mode, zstd
// compressed records, frame-pointer and DWARF callchains), `perf script`
// text, and folded stacks (`a;b;c 123`). ParseProfile sniffs them; each
// reader gives a profile like any other source, so every report, filter and
// the web UI work on it.
#ifndef CPPROF_PROFILE_PERF_PERF_INPUT_H_
#define CPPROF_PROFILE_PERF_PERF_INPUT_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "profile/profile.h"
#include "util/status.h"

namespace cpprof::perf {

// One user-space stack copied by `perf record --call-graph dwarf`: the
// registers at the sample (x86-64 DWARF numbering: 0 rax, 1 rdx, 2 rcx,
// 3 rbx, 4 rsi, 5 rdi, 6 rbp, 7 rsp, 8-15 r8-r15, 16 the return address
// column, here the pc) and the bytes of the stack from rsp up.
struct UserStack {
  static constexpr int kRegisters = 17;
  std::array<uint64_t, kRegisters> regs{};
  uint32_t valid = 0;  // bit i: regs[i] was saved
  std::string_view stack;
};

// A binary mapped into the sampled process.
struct UserMapping {
  uint64_t start = 0, limit = 0, offset = 0;
  std::string_view file, build_id;
};

// Unwinds a copied user stack with the call frame information of the mapped
// binaries (the profile stage cannot read ELF files; the symbolizer stage
// implements this and the driver passes it in).
class UserStackUnwinder {
 public:
  virtual ~UserStackUnwinder() = default;
  using MappingOf = std::function<const UserMapping*(uint64_t address)>;
  // Appends the stack's pcs, innermost first: the sampled pc, then the return
  // addresses, up to `max_frames`.
  virtual void Unwind(const UserStack& s, const MappingOf& mapping_of, size_t max_frames,
                      std::vector<uint64_t>& pcs) const = 0;
};

bool IsPerfData(std::string_view bytes);
// Sample types per event: "<event>_samples" (count) and "<event>" (the
// period's unit: nanoseconds for cpu-clock and task-clock, else events).
// Labels: comm (string), pid and tid (numbers). `unwinder` may be null:
// DWARF recordings then keep only their kernel frames and the sampled pc.
Result<Profile> ParsePerfData(std::string_view bytes, const UserStackUnwinder* unwinder);

// `perf script` text with its default fields or common -F sets: a header line
// per sample (comm, pid/tid, time, period, event) and one frame per line.
bool IsPerfScript(std::string_view text);
Result<Profile> ParsePerfScript(std::string_view text);

// Folded stacks, one `root;...;leaf <count>` per line.
bool IsFolded(std::string_view text);
Result<Profile> ParseFolded(std::string_view text);

}  // namespace cpprof::perf

#endif  // CPPROF_PROFILE_PERF_PERF_INPUT_H_
