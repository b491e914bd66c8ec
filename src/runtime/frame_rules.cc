// Tested by tests/runtime/stack_walk_test.cc, against libgcc's unwinder.
#include "runtime/frame_rules.h"

#include <dlfcn.h>
#include <dwarf.h>
#include <link.h>

#include <atomic>
#include <cstring>

namespace cpprof::runtime {

#if defined(__x86_64__)

// libgcc's FDE lookup (unwind-dw2-fde.h; exported since GCC 3.0): the FDE
// covering pc and the bases of its encoded pointers; func is the FDE's
// initial location. It finds the object with glibc's _dl_find_object.
struct DwarfEhBases {
  void* tbase;
  void* dbase;
  void* func;
};
extern "C" const void* _Unwind_Find_FDE(void* pc, DwarfEhBases* bases);

namespace {

// A DW_EH_PE pointer encoding (LSB 5.0, "DWARF Exception Header Encoding") is
// a format (DW_EH_PE_udata4, ...) in the low four bits, what it is relative to
// (DW_EH_PE_pcrel, ...) in the next three, and DW_EH_PE_indirect in the top one.
constexpr uint8_t kEhPeFormatMask = 0x0f;
constexpr uint8_t kEhPeApplicationMask = 0x70;

// The three primary CFA opcodes (DW_CFA_advance_loc, DW_CFA_offset and
// DW_CFA_restore) are the top two bits of their byte and carry their operand
// in the low six (DWARF 5, section 7.24); with the top bits clear, the whole
// byte is the opcode.
constexpr uint8_t kCfaPrimaryMask = 0xc0;
constexpr uint8_t kCfaPrimaryOperandMask = 0x3f;

// DWARF register numbers of x86-64 (System V psABI, figure 3.36).
constexpr uint64_t kRbp = 6;
constexpr uint64_t kRsp = 7;
constexpr uint64_t kReturnAddress = 16;

// A bounds-checked cursor over CFI bytes (little-endian, as x86-64 is).
class Reader {
 public:
  Reader(const uint8_t* p, const uint8_t* end) : p_(p), end_(end) {}
  bool ok() const { return ok_; }
  bool more() const { return ok_ && p_ < end_; }
  const uint8_t* pos() const { return p_; }
  const uint8_t* end() const { return end_; }

  uint8_t U8() { return static_cast<uint8_t>(Fixed(1)); }
  uint64_t Fixed(int n) {
    uint64_t v = 0;
    if (end_ - p_ < n) return Fail();
    std::memcpy(&v, p_, n);
    p_ += n;
    return v;
  }
  uint64_t Uleb() {
    uint64_t v = 0;
    for (int shift = 0; ok_; shift += 7) {
      uint8_t b = U8();
      if (shift < 64) v |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) break;
    }
    return v;
  }
  int64_t Sleb() {
    uint64_t v = 0;
    int shift = 0;
    uint8_t b = 0;
    do {
      b = U8();
      if (shift < 64) v |= uint64_t{b & 0x7fu} << shift;
      shift += 7;
    } while ((b & 0x80) != 0 && ok_);
    if (shift < 64 && (b & 0x40) != 0) v |= ~uint64_t{0} << shift;
    return static_cast<int64_t>(v);
  }
  void Skip(uint64_t n) {
    if (static_cast<uint64_t>(end_ - p_) < n) {
      Fail();
    } else {
      p_ += n;
    }
  }
  // Skips a pointer of DW_EH_PE encoding `enc`; false for the forms GCC
  // does not emit on x86-64 (aligned, unknown formats).
  bool SkipPointer(uint8_t enc) {
    if (enc == DW_EH_PE_omit) return true;
    if ((enc & kEhPeApplicationMask) == DW_EH_PE_aligned) return false;
    switch (enc & kEhPeFormatMask) {
      case DW_EH_PE_absptr:
      case DW_EH_PE_udata8:
      case DW_EH_PE_sdata8: Skip(8); return ok_;
      case DW_EH_PE_udata2:
      case DW_EH_PE_sdata2: Skip(2); return ok_;
      case DW_EH_PE_udata4:
      case DW_EH_PE_sdata4: Skip(4); return ok_;
      case DW_EH_PE_uleb128: Uleb(); return ok_;
      case DW_EH_PE_sleb128: Sleb(); return ok_;
    }
    return false;
  }

 private:
  uint64_t Fail() {
    ok_ = false;
    p_ = end_;
    return 0;
  }

  const uint8_t* p_;
  const uint8_t* end_;
  bool ok_ = true;
};

// How a register of the caller is recovered.
enum class How : uint8_t { kSame, kOffset, kUndefined, kOther };

// One row of the CFI table, reduced to what FrameRule needs.
struct Row {
  uint64_t cfa_reg = ~uint64_t{0};
  int64_t cfa_offset = 0;
  How rbp = How::kSame;
  int64_t rbp_offset = 0;
  How ret = How::kOther;
  int64_t ret_offset = 0;
  bool rsp_moved = false;  // a rule for rsp itself: not the CFA, unsupported
};

void SetRule(Row* row, uint64_t reg, How how, int64_t offset) {
  if (reg == kRbp) {
    row->rbp = how;
    row->rbp_offset = offset;
  } else if (reg == kReturnAddress) {
    row->ret = how;
    row->ret_offset = offset;
  } else if (reg == kRsp) {
    row->rsp_moved = true;
  }
}

void RestoreRule(Row* row, const Row& initial, uint64_t reg) {
  if (reg == kRbp) SetRule(row, reg, initial.rbp, initial.rbp_offset);
  if (reg == kReturnAddress) SetRule(row, reg, initial.ret, initial.ret_offset);
}

struct Alignment {
  uint64_t code;
  int64_t data;
};

// Runs the CFA program in `in` from location `loc` until the row that covers
// `target`. False for instructions FrameRule cannot follow.
bool RunCfaProgramUntil(Reader in, Alignment align, uintptr_t loc, uintptr_t target, const Row& initial, Row* row) {
  constexpr int kMaxRemembered = 4;  // GCC nests remember_state once
  Row remembered[kMaxRemembered];
  int depth = 0;
  while (in.more()) {
    uint8_t op = in.U8();
    uint64_t advance = 0;
    switch (op & kCfaPrimaryMask) {
      case DW_CFA_advance_loc: advance = op & kCfaPrimaryOperandMask; break;
      case DW_CFA_offset:
        SetRule(row, op & kCfaPrimaryOperandMask, How::kOffset, static_cast<int64_t>(in.Uleb()) * align.data);
        continue;
      case DW_CFA_restore: RestoreRule(row, initial, op & kCfaPrimaryOperandMask); continue;
      case DW_CFA_extended:
        switch (op) {
          case DW_CFA_nop: continue;
          case DW_CFA_advance_loc1: advance = in.U8(); break;
          case DW_CFA_advance_loc2: advance = in.Fixed(2); break;
          case DW_CFA_advance_loc4: advance = in.Fixed(4); break;
          case DW_CFA_offset_extended: {
            uint64_t reg = in.Uleb();
            SetRule(row, reg, How::kOffset, static_cast<int64_t>(in.Uleb()) * align.data);
            continue;
          }
          case DW_CFA_restore_extended: RestoreRule(row, initial, in.Uleb()); continue;
          case DW_CFA_undefined: SetRule(row, in.Uleb(), How::kUndefined, 0); continue;
          case DW_CFA_same_value: SetRule(row, in.Uleb(), How::kSame, 0); continue;
          case DW_CFA_register: {
            uint64_t reg = in.Uleb();
            in.Uleb();
            SetRule(row, reg, How::kOther, 0);
            continue;
          }
          case DW_CFA_remember_state:
            if (depth == kMaxRemembered) return false;
            remembered[depth++] = *row;
            continue;
          case DW_CFA_restore_state:  // the whole row, CFA included, as libgcc does
            if (depth == 0) return false;
            *row = remembered[--depth];
            continue;
          case DW_CFA_def_cfa:
            row->cfa_reg = in.Uleb();
            row->cfa_offset = static_cast<int64_t>(in.Uleb());
            continue;
          case DW_CFA_def_cfa_register: row->cfa_reg = in.Uleb(); continue;
          case DW_CFA_def_cfa_offset: row->cfa_offset = static_cast<int64_t>(in.Uleb()); continue;
          case DW_CFA_expression:
          case DW_CFA_val_expression: {
            uint64_t reg = in.Uleb();
            in.Skip(in.Uleb());
            SetRule(row, reg, How::kOther, 0);
            continue;
          }
          case DW_CFA_offset_extended_sf: {
            uint64_t reg = in.Uleb();
            SetRule(row, reg, How::kOffset, in.Sleb() * align.data);
            continue;
          }
          case DW_CFA_def_cfa_sf:
            row->cfa_reg = in.Uleb();
            row->cfa_offset = in.Sleb() * align.data;
            continue;
          case DW_CFA_def_cfa_offset_sf: row->cfa_offset = in.Sleb() * align.data; continue;
          case DW_CFA_val_offset: {
            uint64_t reg = in.Uleb();
            in.Uleb();
            SetRule(row, reg, How::kOther, 0);
            continue;
          }
          case DW_CFA_val_offset_sf: {
            uint64_t reg = in.Uleb();
            in.Sleb();
            SetRule(row, reg, How::kOther, 0);
            continue;
          }
          case DW_CFA_GNU_args_size: in.Uleb(); continue;
          case DW_CFA_GNU_negative_offset_extended: {
            uint64_t reg = in.Uleb();
            SetRule(row, reg, How::kOffset, -static_cast<int64_t>(in.Uleb()) * align.data);
            continue;
          }
          default: return false;  // set_loc, def_cfa_expression, vendor extensions
        }
    }
    loc += advance * align.code;
    if (loc > target) return in.ok();
  }
  return in.ok();
}

RuleStatus ComputeRule(uintptr_t where, FrameRule* rule) {
  DwarfEhBases bases{};
  const auto* fde = static_cast<const uint8_t*>(_Unwind_Find_FDE(reinterpret_cast<void*>(where), &bases));
  if (fde == nullptr) return RuleStatus::kNoInfo;
  uint32_t fde_length;
  std::memcpy(&fde_length, fde, 4);
  if (fde_length == 0 || fde_length == 0xffffffff) return RuleStatus::kUnsupported;  // 64-bit DWARF
  Reader f(fde + 4, fde + 4 + fde_length);
  // The CIE pointer counts back from its own field.
  const uint8_t* cie = fde + 4 - static_cast<int32_t>(f.Fixed(4));
  uint32_t cie_length;
  std::memcpy(&cie_length, cie, 4);
  if (cie_length == 0 || cie_length == 0xffffffff) return RuleStatus::kUnsupported;
  Reader c(cie + 4, cie + 4 + cie_length);
  c.Fixed(4);  // CIE id
  uint8_t version = c.U8();
  if (version != 1 && version != 3) return RuleStatus::kUnsupported;
  const char* augmentation = reinterpret_cast<const char*>(c.pos());
  size_t augmentation_length = strnlen(augmentation, c.end() - c.pos());
  c.Skip(augmentation_length + 1);
  Alignment align{c.Uleb(), c.Sleb()};
  uint64_t ret_column = version == 1 ? c.U8() : c.Uleb();
  if (ret_column != kReturnAddress) return RuleStatus::kUnsupported;
  uint8_t fde_encoding = DW_EH_PE_absptr;
  bool has_data = augmentation_length > 0;
  if (has_data) {
    if (augmentation[0] != 'z') return RuleStatus::kUnsupported;
    uint64_t data_length = c.Uleb();
    Reader data(c.pos(), c.pos() + data_length);
    for (size_t i = 1; i < augmentation_length; ++i) {
      switch (augmentation[i]) {
        case 'R': fde_encoding = data.U8(); break;
        case 'L': data.U8(); break;
        case 'P':
          if (!data.SkipPointer(data.U8())) return RuleStatus::kUnsupported;
          break;
        default: return RuleStatus::kUnsupported;  // 'S': a signal frame
      }
    }
    c.Skip(data_length);
  }
  if (!c.ok()) return RuleStatus::kUnsupported;
  Row initial;
  if (!RunCfaProgramUntil(c, align, 0, ~uintptr_t{0}, initial, &initial)) return RuleStatus::kUnsupported;

  if (!f.SkipPointer(fde_encoding) || !f.SkipPointer(fde_encoding & kEhPeFormatMask)) return RuleStatus::kUnsupported;
  if (has_data) f.Skip(f.Uleb());
  Row row = initial;
  if (!RunCfaProgramUntil(f, align, reinterpret_cast<uintptr_t>(bases.func), where, initial, &row)) {
    return RuleStatus::kUnsupported;
  }
  if (row.ret == How::kUndefined) return RuleStatus::kOutermost;
  if (row.ret != How::kOffset || row.ret_offset != -8 || row.rsp_moved) return RuleStatus::kUnsupported;
  if (row.cfa_reg != kRsp && row.cfa_reg != kRbp) return RuleStatus::kUnsupported;
  if (row.rbp != How::kSame && row.rbp != How::kOffset) return RuleStatus::kUnsupported;
  rule->cfa_from_rbp = row.cfa_reg == kRbp;
  rule->cfa_offset = row.cfa_offset;
  rule->rbp_slot = row.rbp == How::kOffset ? row.rbp_offset : 0;
  return RuleStatus::kFound;
}

// The cache: 16384 direct-mapped words (128 KiB of .bss), each an address
// (47 bits: user space) and its rule packed in the other 17 bits, so a
// reader never sees half an update. Bit 0: CFA from rbp; bits 1-10: the CFA
// offset in words (1-1023); bits 11-16: the slot of rbp in words below the
// CFA (0: unchanged). Offset 0 marks the other statuses by slot: 0
// outermost, 62 no FDE, 63 unsupported. Rules that do not fit are not cached.
constexpr int kCacheBits = 14;
constexpr int kAddressBits = 47;
constexpr uint64_t kAddressMask = (uint64_t{1} << kAddressBits) - 1;
constexpr uint64_t kNoInfoSlot = 62;
constexpr uint64_t kUnsupportedSlot = 63;
std::atomic<uint64_t> g_cache[1 << kCacheBits];

std::atomic<uint64_t>& CacheEntry(uintptr_t where) {
  return g_cache[(where * 0x9e3779b97f4a7c15ULL) >> (64 - kCacheBits)];
}

bool Pack(RuleStatus status, const FrameRule& rule, uint64_t* bits) {
  switch (status) {
    case RuleStatus::kOutermost: *bits = 0; return true;
    case RuleStatus::kNoInfo: *bits = kNoInfoSlot << 11; return true;
    case RuleStatus::kUnsupported: *bits = kUnsupportedSlot << 11; return true;
    case RuleStatus::kFound: break;
  }
  int64_t words = rule.cfa_offset / 8;
  int64_t slot = -rule.rbp_slot / 8;
  if (rule.cfa_offset % 8 != 0 || words < 1 || words > 1023) return false;
  if (rule.rbp_slot % 8 != 0 || slot < 0 || slot >= static_cast<int64_t>(kNoInfoSlot)) return false;
  *bits = uint64_t{rule.cfa_from_rbp} | static_cast<uint64_t>(words) << 1 | static_cast<uint64_t>(slot) << 11;
  return true;
}

RuleStatus Unpack(uint64_t bits, FrameRule* rule) {
  uint64_t words = (bits >> 1) & 1023;
  uint64_t slot = bits >> 11;
  if (words == 0) {
    return slot == kUnsupportedSlot ? RuleStatus::kUnsupported
           : slot == kNoInfoSlot    ? RuleStatus::kNoInfo
                                    : RuleStatus::kOutermost;
  }
  rule->cfa_from_rbp = (bits & 1) != 0;
  rule->cfa_offset = static_cast<int64_t>(words * 8);
  rule->rbp_slot = -static_cast<int64_t>(slot * 8);
  return RuleStatus::kFound;
}

// Bumped by ForgetFrameRules before it clears the table: a rule computed
// across a dlclose is taken back by the thread that stored it.
std::atomic<uint64_t> g_generation{0};

// Addresses CachedFrameRule missed, for ResolveMissedFrameRules; 0: free.
constexpr size_t kMissedSlots = 64;
std::atomic<uintptr_t> g_missed[kMissedSlots];

}  // namespace

RuleStatus CachedFrameRule(uintptr_t where, FrameRule* rule) {
  if (where == 0 || where > kAddressMask) return RuleStatus::kUnsupported;
  uint64_t word = CacheEntry(where).load(std::memory_order_relaxed);
  if ((word & kAddressMask) == where) return Unpack(word >> kAddressBits, rule);
  uintptr_t expected = 0;
  g_missed[(where >> 2) % kMissedSlots].compare_exchange_strong(expected, where, std::memory_order_relaxed);
  return RuleStatus::kUnsupported;
}

int ResolveMissedFrameRules() {
  struct Pending {
    uintptr_t where[kMissedSlots];
    size_t count = 0;
    int resolved = 0;
  } pending;
  for (auto& slot : g_missed) {
    uintptr_t where = slot.exchange(0, std::memory_order_relaxed);
    if (where != 0) pending.where[pending.count++] = where;
  }
  if (pending.count == 0) return 0;
  // The addresses come from other threads' stacks, some samples ago: their
  // library may be dlclose'd meanwhile, and _dl_find_object must not race
  // with the unloading of the object it finds (the torture test crashed in
  // _Unwind_Find_FDE so). dl_iterate_phdr holds the loader's object list
  // lock, and dlclose unmaps an object only after taking it off the list: an
  // address inside a listed object's code stays mapped during the callback.
  // Addresses in no listed object are dropped.
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* arg) {
        auto* p = static_cast<Pending*>(arg);
        for (int h = 0; h < info->dlpi_phnum; ++h) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[h];
          if (ph.p_type != PT_LOAD || (ph.p_flags & PF_X) == 0) continue;
          uintptr_t start = info->dlpi_addr + ph.p_vaddr;
          for (size_t i = 0; i < p->count; ++i) {
            if (p->where[i] == 0 || p->where[i] - start >= ph.p_memsz) continue;
            FrameRule rule;
            if (FindFrameRule(p->where[i], &rule) != RuleStatus::kUnsupported) ++p->resolved;
            p->where[i] = 0;
          }
        }
        return 0;
      },
      &pending);
  return pending.resolved;
}

RuleStatus FindFrameRule(uintptr_t where, FrameRule* rule) {
  if (where == 0 || where > kAddressMask) return ComputeRule(where, rule);
  std::atomic<uint64_t>& entry = CacheEntry(where);
  uint64_t word = entry.load(std::memory_order_relaxed);
  if ((word & kAddressMask) == where) return Unpack(word >> kAddressBits, rule);
  uint64_t generation = g_generation.load();
  RuleStatus status = ComputeRule(where, rule);
  uint64_t bits;
  if (Pack(status, *rule, &bits)) {
    entry.store(where | bits << kAddressBits);
    if (g_generation.load() != generation) entry.store(0);
  }
  return status;
}

void ForgetFrameRules() {
  g_generation.fetch_add(1);
  for (auto& entry : g_cache) entry.store(0);
}

#else  // not x86-64: every stack goes to libgcc

RuleStatus FindFrameRule(uintptr_t, FrameRule*) { return RuleStatus::kUnsupported; }
RuleStatus CachedFrameRule(uintptr_t, FrameRule*) { return RuleStatus::kUnsupported; }
int ResolveMissedFrameRules() { return 0; }
void ForgetFrameRules() {}

#endif

}  // namespace cpprof::runtime

// Interposed (linked or LD_PRELOAD) for ForgetFrameRules: whatever changes
// which code lives at an address. dlclose unloads a library; JITs (LLVM's
// RTDyld, for one) register and deregister the FDEs of code they write.
extern "C" __attribute__((visibility("default"))) int dlclose(void* handle) {
  using Fn = int (*)(void*);
  static Fn real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "dlclose"));
  if (real == nullptr) return -1;
  int rc = real(handle);
  cpprof::runtime::ForgetFrameRules();
  return rc;
}

namespace {

// Calls libgcc's function of that name, then forgets the cached rules.
void CallThenForget(const char* name, void* eh_frame) {
  using Fn = void (*)(void*);
  if (auto real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name))) real(eh_frame);
  cpprof::runtime::ForgetFrameRules();
}

}  // namespace

extern "C" __attribute__((visibility("default"))) void __register_frame(void* eh_frame) {
  CallThenForget("__register_frame", eh_frame);
}

extern "C" __attribute__((visibility("default"))) void __deregister_frame(void* eh_frame) {
  CallThenForget("__deregister_frame", eh_frame);
}
