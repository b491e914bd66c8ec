// Tested by tests/runtime/trace_test.cc (two threads sharing one CPU).
#include "runtime/sched_switch.h"

#include <fcntl.h>
#include <linux/perf_event.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "runtime/process_stat.h"

namespace cpprof::runtime {
namespace {

constexpr size_t kDataPages = 2;  // power of two, as perf requires

// PERF_RECORD_SWITCH with sample_id_all and sample_type TID|TIME: the
// header, then {pid, tid, time}.
struct SwitchRecord {
  perf_event_header header;
  uint32_t pid, tid;
  uint64_t time;
};

}  // namespace

bool SchedSwitchReader::Open(pid_t tid) {
  perf_event_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.size = sizeof(attr);
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_DUMMY;
  attr.context_switch = 1;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  attr.use_clockid = 1;
  attr.clockid = CLOCK_MONOTONIC;
  attr.sample_id_all = 1;
  attr.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME;
  int fd = static_cast<int>(syscall(SYS_perf_event_open, &attr, tid, -1, -1, PERF_FLAG_FD_CLOEXEC));
  if (fd < 0) return false;
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t size = (1 + kDataPages) * page;
  void* map = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) {
    close(fd);
    return false;
  }
  fd_ = fd;
  map_ = map;
  map_size_ = size;
  return true;
}

uint64_t SchedSwitchReader::Read(std::vector<std::pair<int64_t, int64_t>>* preemptions) {
  if (fd_ < 0) return 0;
  auto* meta = static_cast<perf_event_mmap_page*>(map_);
  const char* data = static_cast<const char*>(map_) + meta->data_offset;
  uint64_t size = meta->data_size;
  uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
  uint64_t tail = meta->data_tail;
  uint64_t lost = 0;
  while (tail < head) {
    perf_event_header h;
    char record[256];
    auto copy = [&](uint64_t at, void* to, size_t n) {
      for (size_t i = 0; i < n; ++i) static_cast<char*>(to)[i] = data[(at + i) % size];
    };
    copy(tail, &h, sizeof(h));
    if (h.size < sizeof(h)) break;  // never written by the kernel: stop rather than spin
    if (h.size <= sizeof(record)) copy(tail, record, h.size);
    tail += h.size;
    if (h.type == PERF_RECORD_LOST && h.size >= sizeof(h) + 16) {
      uint64_t n;
      std::memcpy(&n, record + sizeof(h) + 8, sizeof(n));
      lost += n;
      preempted_at_ = -1;  // its switch in may be among the lost
      continue;
    }
    if (h.type != PERF_RECORD_SWITCH || h.size < sizeof(SwitchRecord)) continue;
    SwitchRecord r;
    std::memcpy(&r, record, sizeof(r));
    int64_t time = static_cast<int64_t>(r.time);
    if (h.misc & PERF_RECORD_MISC_SWITCH_OUT) {
      preempted_at_ = (h.misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT) ? time : -1;
    } else if (preempted_at_ >= 0) {
      preemptions->emplace_back(preempted_at_, time);
      preempted_at_ = -1;
    }
  }
  __atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
  return lost;
}

void SchedSwitchReader::Close() {
  if (map_ != nullptr) munmap(map_, map_size_);
  if (fd_ >= 0) close(fd_);
  map_ = nullptr;
  fd_ = -1;
  preempted_at_ = -1;
}

bool ReadSchedstat(pid_t tid, int64_t* cpu_ns, int64_t* run_delay_ns) {
  char buf[128];
  if (ReadTaskFile(tid, "schedstat", buf, sizeof(buf)) <= 0) return false;
  long long cpu = 0, delay = 0;
  if (std::sscanf(buf, "%lld %lld", &cpu, &delay) != 2) return false;
  *cpu_ns = cpu;
  *run_delay_ns = delay;
  return true;
}

}  // namespace cpprof::runtime
