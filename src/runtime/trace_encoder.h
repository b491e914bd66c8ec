// Turns the trace recorder's raw records into the Perfetto packets of
// src/trace/trace_format.h: describes tracks before their first event,
// interns callstacks (symbolized in-process: a frame per inlined function,
// demangled names, files and lines) and emits them before first use. Runs on
// the flusher thread, outside the registry lock; not thread-safe.
#ifndef CPPROF_RUNTIME_TRACE_ENCODER_H_
#define CPPROF_RUNTIME_TRACE_ENCODER_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/modules.h"
#include "trace/perfetto_writer.h"

namespace cpprof {
class ElfSymbolizer;
struct SymbolizedAddress;
}  // namespace cpprof

namespace cpprof::runtime {

// Records in a thread's TraceBuffer; the payload's first word is always the
// timestamp (trace_clock.h's ticks, CLOCK_MONOTONIC ns for kRecWait and
// once collected into a TraceBatch), then:
enum TraceRecordType : uint8_t {
  kRecRegionBegin = 1,  // type id, task, labels (LabelSetData*)
  kRecRegionEnd,        //
  kRecLog,              // category id, task, message bytes, then the bytes
  kRecTaskBegin,        // task, parent, type id, then pcs
  kRecTaskEnd,          // task, type id
  kRecWait,             // end, WaitKind, call (const char*), object, then pcs
  kRecCpuSample,        // then pcs
  kRecThreadStart,      // start routine, cpu ns, run delay ns, then the creator's pcs
  kRecThreadExit,       // cpu ns, run delay ns
  kRecThreadName,       // name bytes, then the bytes
};

// What the recorder took out of the buffers in one flush.
struct TraceBatch {
  struct Thread {
    uint64_t uuid = 0;
    pid_t tid = 0;
    std::string name;
    bool rename = false;  // describe again if the name changed
  };
  struct Record {
    uint64_t thread_uuid;
    pid_t tid;
    uint8_t type;
    uint32_t offset, size;  // in words
  };
  struct Counters {
    uint64_t thread_uuid;
    int64_t ts, cpu_ns, run_delay_ns;
  };
  struct Slice {
    uint64_t thread_uuid;
    int64_t begin, end;
  };
  std::vector<Thread> threads;  // to describe before the records
  std::vector<Counters> counters;
  std::vector<Record> records;
  std::vector<uint64_t> words;
  std::vector<Slice> preemptions;
  // Appends a record of n words (w[0] its time in ns).
  void Add(uint64_t thread_uuid, pid_t tid, uint8_t type, const uint64_t* w, size_t n);
  void Clear();
};

// The string of an interned type or category id. A plain function: a
// std::function of std::string would make libcpprof export its typeinfo.
using TypeNameFn = std::string (*)(uint32_t id);

class TraceEncoder {
 public:
  // Packets go to *out, which the caller drains between calls.
  explicit TraceEncoder(std::string* out);
  ~TraceEncoder();

  // The first packets: clocks, the process track, "trace start".
  void Begin(std::string_view sched_source);
  // Encodes a flush's records; type_name gives the strings of interned
  // type and category ids.
  void Encode(const TraceBatch& batch, TypeNameFn type_name);
  void End(int64_t ts, uint64_t dropped_events);

 private:
  void Record(const TraceBatch::Record& r, const uint64_t* w, TypeNameFn type_name);
  void RegionBegin(uint64_t thread, const uint64_t* w, TypeNameFn type_name);
  void Log(uint64_t thread, const uint64_t* w, TypeNameFn type_name);
  void TaskBegin(const uint64_t* w, size_t size, TypeNameFn type_name);
  void Wait(uint64_t thread, const uint64_t* w, size_t size);
  void ThreadStart(uint64_t thread, const uint64_t* w, size_t size);
  void Preemption(const TraceBatch::Slice& s);
  void DescribeThread(uint64_t uuid, pid_t tid, const std::string& name, bool rename);
  void DescribeState(uint64_t thread_uuid);
  void DescribeTask(uint64_t task, const std::string& type);
  void Counters(const TraceBatch::Counters& c);
  uint64_t Callstack(const uint64_t* pcs, size_t n);
  std::vector<uint64_t> Frames(uintptr_t pc);
  uint64_t InternString(std::map<std::string, uint64_t>& table, std::vector<std::pair<uint64_t, std::string>>& out,
                        const std::string& s);
  std::string Symbol(uintptr_t addr);
  void Lookup(uint64_t addr, SymbolizedAddress* sym);
  int ModuleOf(uint64_t addr) const;
  std::string UnsymbolizedName(uint64_t addr) const;
  void FlushInterned();

  trace::PerfettoWriter writer_;
  std::unique_ptr<ElfSymbolizer> symbolizer_;
  std::vector<Module> modules_;
  std::vector<bool> module_added_;
  bool modules_reloaded_ = false;                           // in this batch
  std::unordered_map<uint64_t, std::string> thread_names_;  // described threads
  std::unordered_map<uint64_t, bool> child_tracks_;
  std::unordered_map<uint64_t, bool> task_tracks_;
  std::map<std::vector<uint64_t>, uint64_t> callstacks_;
  std::unordered_map<uintptr_t, std::vector<uint64_t>> frames_by_pc_;
  std::map<std::tuple<uint64_t, uint64_t, uint32_t>, uint64_t> frames_;
  std::map<std::string, uint64_t> function_names_, source_paths_;
  trace::InternedBatch pending_;
  uint64_t next_iid_ = 1;
};

}  // namespace cpprof::runtime

#endif  // CPPROF_RUNTIME_TRACE_ENCODER_H_
