// Tested by tests/runtime/http_test.sh (callers of the example's leaf
// functions in thread dumps and CPU profiles).
#include "runtime/leaf_caller.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

namespace cpprof::runtime {
namespace {

bool ReadOwnMemory(uintptr_t addr, void* out, size_t n) {
  iovec local = {out, n};
  iovec remote = {reinterpret_cast<void*>(addr), n};
  ssize_t got = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
  if (got == static_cast<ssize_t>(n)) return true;
  if (got >= 0 || (errno != EPERM && errno != ENOSYS)) return false;
  // Opened per read: an fd kept open would still read the parent's memory
  // after fork.
  int fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = pread(fd, out, n, static_cast<off_t>(addr)) == static_cast<ssize_t>(n);
  close(fd);
  return ok;
}

}  // namespace

bool LeafCallerCheck::IsLeafCaller(uintptr_t word, uintptr_t next_ret) {
  if (word < 8 || word == next_ret) return false;
  auto it = verdicts_.find(word);
  if (it != verdicts_.end()) return it->second;
  if (verdicts_.size() >= kMaxCached) verdicts_.clear();
  bool verdict = FollowsCall(word);
  verdicts_.emplace(word, verdict);
  return verdict;
}

bool LeafCallerCheck::FollowsCall(uintptr_t word) {
#if defined(__x86_64__)
  unsigned char code[7];
  if (!ReadOwnMemory(word - sizeof(code), code, sizeof(code))) return false;
  // call rel32: E8 + 4 bytes, ending at word. Its target is not required to
  // contain the leaf: after a tail call (jmp) the leaf runs in another
  // function, and the word is still the physical caller's return address.
  if (code[2] == 0xE8) return true;
  // Indirect calls (FF /2), optionally REX-prefixed: register (2-3 bytes),
  // [reg+disp8] (3-4 bytes), [rip+disp32] or [reg+disp32] (6-7 bytes). The
  // target is unknown, so the byte pattern alone decides.
  auto is_call_modrm = [](unsigned char m) { return ((m >> 3) & 7) == 2; };
  if (code[5] == 0xFF && (code[6] & 0xC0) == 0xC0 && is_call_modrm(code[6])) return true;
  if (code[4] == 0xFF && (code[5] & 0xC0) == 0x40 && is_call_modrm(code[5])) return true;
  return code[1] == 0xFF && ((code[2] & 0xC0) == 0x80 || (code[2] & 0xC7) == 0x05) && is_call_modrm(code[2]);
#else
  (void)word;
  return false;
#endif
}

}  // namespace cpprof::runtime
