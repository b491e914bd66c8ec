#include "symbolize/dwarf_unwinder.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <libelf.h>
#include <unistd.h>

#include <cstring>
#include <optional>

#include "symbolize/elf_image.h"

namespace cpprof {

struct DwarfUnwinder::Binary {
  int fd = -1;
  Elf* elf = nullptr;
  Dwarf* dwarf = nullptr;   // for .debug_frame when .eh_frame has no entry
  Dwarf_CFI* eh = nullptr;  // owned by elf
  ElfImage image;
  ~Binary() {
    if (dwarf != nullptr) dwarf_end(dwarf);
    if (eh != nullptr) dwarf_cfi_end(eh);
    if (elf != nullptr) elf_end(elf);
    if (fd >= 0) close(fd);
  }
};

namespace {

constexpr int kSp = 7, kRa = 16;

// The registers of one frame and the copied stack they point into.
class FrameState {
 public:
  explicit FrameState(const perf::UserStack& s) : regs_(s.regs), valid_(s.valid), stack_(s.stack), base_(s.regs[kSp]) {}

  std::optional<uint64_t> Reg(int r) const {
    if (r < 0 || r >= perf::UserStack::kRegisters || (valid_ >> r & 1) == 0) return std::nullopt;
    return regs_[static_cast<size_t>(r)];
  }
  // A word of the copied stack; anything outside it is unknown.
  std::optional<uint64_t> Load(uint64_t address) const {
    if (address < base_ || address - base_ > stack_.size() || stack_.size() - (address - base_) < 8)
      return std::nullopt;
    uint64_t v;
    std::memcpy(&v, stack_.data() + (address - base_), 8);
    return v;
  }
  void Set(std::array<uint64_t, perf::UserStack::kRegisters> regs, uint32_t valid) {
    regs_ = regs;
    valid_ = valid;
  }

 private:
  std::array<uint64_t, perf::UserStack::kRegisters> regs_;
  uint32_t valid_;
  std::string_view stack_;
  uint64_t base_;
};

// The DWARF expressions libdw gives for CFA and register rules, reduced to
// what compilers emit: register + offset, constants, plus, deref.
// `value` tells whether the result is the value itself (DW_OP_stack_value,
// CFA) or the address it is saved at.
std::optional<uint64_t> Evaluate(const Dwarf_Op* ops, size_t n, const FrameState& st, std::optional<uint64_t> cfa,
                                 bool* is_value) {
  uint64_t stack[8];
  size_t depth = 0;
  *is_value = false;
  auto push = [&](uint64_t v) {
    if (depth == 8) return false;
    stack[depth++] = v;
    return true;
  };
  for (size_t i = 0; i < n; ++i) {
    const Dwarf_Op& op = ops[i];
    if (op.atom >= DW_OP_breg0 && op.atom <= DW_OP_breg16) {
      std::optional<uint64_t> r = st.Reg(op.atom - DW_OP_breg0);
      if (!r || !push(*r + op.number)) return std::nullopt;
    } else if (op.atom >= DW_OP_lit0 && op.atom <= DW_OP_lit31) {
      if (!push(op.atom - DW_OP_lit0)) return std::nullopt;
    } else {
      switch (op.atom) {
        case DW_OP_bregx: {  // libdw gives the CFA rule "reg + offset" this way
          std::optional<uint64_t> r = st.Reg(static_cast<int>(op.number));
          if (!r || !push(*r + op.number2)) return std::nullopt;
          break;
        }
        case DW_OP_call_frame_cfa:
          if (!cfa || !push(*cfa)) return std::nullopt;
          break;
        case DW_OP_const1u:
        case DW_OP_const2u:
        case DW_OP_const4u:
        case DW_OP_const8u:
        case DW_OP_const1s:
        case DW_OP_const2s:
        case DW_OP_const4s:
        case DW_OP_const8s:
        case DW_OP_constu:
        case DW_OP_consts:
          if (!push(op.number)) return std::nullopt;
          break;
        case DW_OP_plus_uconst:
          if (depth == 0) return std::nullopt;
          stack[depth - 1] += op.number;
          break;
        case DW_OP_plus:
        case DW_OP_minus:
        case DW_OP_and:
          if (depth < 2) return std::nullopt;
          --depth;
          stack[depth - 1] = op.atom == DW_OP_plus    ? stack[depth - 1] + stack[depth]
                             : op.atom == DW_OP_minus ? stack[depth - 1] - stack[depth]
                                                      : stack[depth - 1] & stack[depth];
          break;
        case DW_OP_deref: {
          if (depth == 0) return std::nullopt;
          std::optional<uint64_t> v = st.Load(stack[depth - 1]);
          if (!v) return std::nullopt;
          stack[depth - 1] = *v;
          break;
        }
        case DW_OP_stack_value: *is_value = true; break;
        default: return std::nullopt;
      }
    }
  }
  if (depth == 0) return std::nullopt;
  return stack[depth - 1];
}

}  // namespace

DwarfUnwinder::DwarfUnwinder() { elf_version(EV_CURRENT); }
DwarfUnwinder::~DwarfUnwinder() = default;

const DwarfUnwinder::Binary* DwarfUnwinder::Open(const perf::UserMapping& m) const {
  std::string file(m.file);
  auto [it, added] = binaries_.try_emplace(file);
  if (!added) return it->second.get();
  if (file.empty() || file[0] != '/') return nullptr;
  Result<ElfImage> image = ReadElfImage(file);
  // Another build of the file than the one recorded would give wrong rules.
  if (!image.ok() || (!m.build_id.empty() && !image->build_id.empty() && image->build_id != m.build_id)) return nullptr;
  auto b = std::make_unique<Binary>();
  b->image = std::move(image).value();
  b->fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (b->fd < 0) return nullptr;
  b->elf = elf_begin(b->fd, ELF_C_READ_MMAP, nullptr);
  if (b->elf == nullptr) return nullptr;
  b->eh = dwarf_getcfi_elf(b->elf);
  b->dwarf = dwarf_begin_elf(b->elf, DWARF_C_READ, nullptr);
  it->second = std::move(b);
  return it->second.get();
}

void DwarfUnwinder::Unwind(const perf::UserStack& s, const MappingOf& mapping_of, size_t max_frames,
                           std::vector<uint64_t>& pcs) const {
  FrameState st(s);
  uint64_t pc = s.regs[kRa];
  for (size_t frame = 0; frame < max_frames && pc != 0; ++frame) {
    pcs.push_back(pc);
    const perf::UserMapping* m = mapping_of(pc);
    const Binary* b = m == nullptr ? nullptr : Open(*m);
    if (b == nullptr) return;
    uint64_t bias = LoadBias(b->image, m->start, m->limit, m->offset);
    // The innermost frame's rule is at its pc; a caller's, inside its call.
    Dwarf_Addr where = pc - bias - (frame == 0 ? 0 : 1);
    Dwarf_Frame* f = nullptr;
    if (b->eh == nullptr || dwarf_cfi_addrframe(b->eh, where, &f) != 0) {
      Dwarf_CFI* debug = b->dwarf == nullptr ? nullptr : dwarf_getcfi(b->dwarf);
      if (debug == nullptr || dwarf_cfi_addrframe(debug, where, &f) != 0) return;
    }
    std::unique_ptr<Dwarf_Frame, void (*)(void*)> owned(f, free);
    Dwarf_Op* ops = nullptr;
    size_t n = 0;
    bool is_value;
    std::optional<uint64_t> cfa;
    if (dwarf_frame_cfa(f, &ops, &n) == 0) cfa = Evaluate(ops, n, st, std::nullopt, &is_value);
    if (!cfa) return;
    std::array<uint64_t, perf::UserStack::kRegisters> regs{};
    uint32_t valid = 0;
    for (int r = 0; r < perf::UserStack::kRegisters; ++r) {
      Dwarf_Op mem[3];
      if (dwarf_frame_register(f, r, mem, &ops, &n) != 0) continue;
      std::optional<uint64_t> v;
      if (n == 0) {
        // A null ops is "same value", ops_mem is "undefined" (libdw.h).
        if (ops == nullptr) v = st.Reg(r);
      } else {
        v = Evaluate(ops, n, st, cfa, &is_value);
        if (v && !is_value) v = st.Load(*v);
      }
      if (!v) continue;
      regs[static_cast<size_t>(r)] = *v;
      valid |= uint32_t{1} << r;
    }
    // rsp of the caller is the CFA; its pc the return address.
    regs[kSp] = *cfa;
    valid |= uint32_t{1} << kSp;
    if ((valid >> kRa & 1) == 0 || *cfa <= *st.Reg(kSp)) return;
    pc = regs[kRa];
    st.Set(regs, valid);
  }
}

}  // namespace cpprof
