// Writes the packets of a cpprof trace (trace_format.h) into a byte buffer,
// with protozero. The runtime's trace recorder encodes through it, and tests
// build known traces with it; the buffer is a valid piece of a
// `perfetto.protos.Trace` after every call, so it can be streamed out and
// cleared at any point.
//
// Not signal-safe (it allocates): the recorder encodes on its own thread.
#ifndef CPPROF_TRACE_PERFETTO_WRITER_H_
#define CPPROF_TRACE_PERFETTO_WRITER_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cpprof::trace {

// A TrackEvent debug annotation: a string, an unsigned number or a pointer.
struct Annotation {
  enum class Kind : uint8_t { kString, kUint, kPointer };
  std::string_view name = {};
  Kind kind = Kind::kString;
  std::string_view str;
  uint64_t num = 0;

  static Annotation String(std::string_view name, std::string_view value) { return {name, Kind::kString, value, 0}; }
  static Annotation Uint(std::string_view name, uint64_t value) { return {name, Kind::kUint, {}, value}; }
  static Annotation Pointer(std::string_view name, uint64_t value) { return {name, Kind::kPointer, {}, value}; }
};

// One TrackEvent. type is pf::kType*; name and category are left out when
// empty, callstack_iid when 0.
struct TrackEvent {
  uint64_t timestamp_ns = 0;
  uint64_t track_uuid = 0;
  uint32_t type = 0;
  std::string_view name = {};
  std::string_view category = {};
  std::span<const Annotation> annotations = {};
  uint64_t callstack_iid = 0;
  std::span<const uint64_t> flow_ids = {};
  int64_t counter_value = 0;  // COUNTER events only
};

// A frame of an interned callstack: one per function, inlined ones included.
struct InternedFrame {
  uint64_t iid = 0;
  uint64_t function_name_iid = 0;
  uint64_t source_path_iid = 0;  // 0: unknown
  uint32_t line = 0;
};

// Interned entries to emit before the events that use them.
struct InternedBatch {
  std::vector<std::pair<uint64_t, std::string>> function_names;
  std::vector<std::pair<uint64_t, std::string>> source_paths;
  std::vector<InternedFrame> frames;
  // (iid, frame iids outermost first)
  std::vector<std::pair<uint64_t, std::vector<uint64_t>>> callstacks;
  bool empty() const { return function_names.empty() && source_paths.empty() && frames.empty() && callstacks.empty(); }
};

class PerfettoWriter {
 public:
  // Packets are appended to *out, which the caller may drain (write out and
  // clear) between calls.
  explicit PerfettoWriter(std::string* out) : out_(out) {}

  // The first packet: clock snapshot, the sequence's default clock
  // (CLOCK_MONOTONIC) and its cleared incremental state.
  void BeginTrace(uint64_t monotonic_ns, uint64_t boottime_ns, uint64_t realtime_ns);
  void ProcessTrack(int pid, std::string_view name, std::span<const std::string> cmdline);
  void ThreadTrack(uint64_t uuid, int pid, int tid, std::string_view name);
  // A named track below parent_uuid (a thread's state track, a task's track).
  void ChildTrack(uint64_t uuid, uint64_t parent_uuid, std::string_view name);
  // A counter track of nanoseconds below parent_uuid.
  void TimeCounterTrack(uint64_t uuid, uint64_t parent_uuid, std::string_view name);
  void Interned(const InternedBatch& batch);
  void Event(const TrackEvent& event);
  void CpuSample(uint64_t timestamp_ns, int pid, int tid, uint64_t callstack_iid);

 private:
  void NamedTrack(uint64_t uuid, uint64_t parent_uuid, std::string_view name, bool time_counter);

  std::string* out_;
};

}  // namespace cpprof::trace

#endif  // CPPROF_TRACE_PERFETTO_WRITER_H_
