// Tested by tests/runtime/cpu_profile_test.cc (LeafCallerIsKept).
#include "runtime/leaf_caller.h"

#include <sys/uio.h>
#include <unistd.h>


namespace cpprof::runtime {
namespace {

bool ReadOwnMemory(uintptr_t addr, void* out, size_t n) {
  iovec local = {out, n};
  iovec remote = {reinterpret_cast<void*>(addr), n};
  return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == static_cast<ssize_t>(n);
}

}  // namespace

bool IsLeafCaller(uintptr_t word, uintptr_t next_ret) {
#if defined(__x86_64__)
  if (word == 0 || word == next_ret || word < 8) return false;
  unsigned char code[7];
  if (!ReadOwnMemory(word - sizeof(code), code, sizeof(code))) return false;
  // call rel32: E8 + 4 bytes, ending at word. The target is not required to
  // contain leaf_pc: after a tail call (jmp) the leaf runs in another
  // function, and the word is still the physical caller's return address.
  if (code[2] == 0xE8) return true;
  // Indirect calls (FF /2), optionally REX-prefixed: register (2-3 bytes),
  // [reg+disp8] (3-4 bytes), [rip+disp32] or [reg+disp32] (6-7 bytes). The
  // target is unknown, so the byte pattern alone decides.
  auto is_call_modrm = [](unsigned char m) { return ((m >> 3) & 7) == 2; };
  if (code[5] == 0xFF && (code[6] & 0xC0) == 0xC0 && is_call_modrm(code[6])) return true;
  if (code[4] == 0xFF && (code[5] & 0xC0) == 0x40 && is_call_modrm(code[5])) return true;
  if (code[1] == 0xFF && ((code[2] & 0xC0) == 0x80 || (code[2] & 0xC7) == 0x05) && is_call_modrm(code[2])) {
    return true;
  }
  return false;
#else
  (void)word, (void)next_ret;
  return false;
#endif
}

}  // namespace cpprof::runtime
