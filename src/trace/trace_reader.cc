#include "trace/trace_reader.h"

#include <fmt/format.h>

#include <protozero/exception.hpp>
#include <protozero/pbf_reader.hpp>

#include <algorithm>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "profile/gzip.h"
#include "trace/trace_format.h"

namespace cpprof::trace {
namespace {

using protozero::pbf_reader;
using protozero::pbf_wire_type;

struct ReadError {
  std::string message;
};

// protozero's typed getters assume the wire type; a field of another type
// (another writer's schema, or garbage) is skipped instead.
bool IsVarint(const pbf_reader& r) { return r.wire_type() == pbf_wire_type::varint; }
bool IsBytes(const pbf_reader& r) { return r.wire_type() == pbf_wire_type::length_delimited; }
std::string_view GetString(pbf_reader& r) {
  protozero::data_view v = r.get_view();
  return {v.data(), v.size()};
}

// Reads the current field into out when it has the wire type out's field
// has in the schema; false when it does not (the caller skips it).
bool Take(pbf_reader& r, uint64_t& out) {
  if (!IsVarint(r)) return false;
  out = r.get_uint64();
  return true;
}
bool Take(pbf_reader& r, protozero::data_view& out) {
  if (!IsBytes(r)) return false;
  out = r.get_view();
  return true;
}
bool Take(pbf_reader& r, std::string_view& out) {
  if (!IsBytes(r)) return false;
  out = GetString(r);
  return true;
}

struct AnnotationValue {
  std::string_view name;
  std::string_view str;
  uint64_t num = 0;
};

// One TrackEvent, its strings pointing into the input.
struct RawEvent {
  uint32_t type = 0;
  uint64_t track_uuid = 0;
  std::string_view name;
  std::string_view category;
  uint64_t callstack_iid = 0;
  int64_t counter_value = 0;
  std::vector<AnnotationValue> annotations;

  const AnnotationValue* Find(std::string_view key) const {
    for (const AnnotationValue& a : annotations) {
      if (a.name == key) return &a;
    }
    return nullptr;
  }
  uint64_t Num(std::string_view key) const {
    const AnnotationValue* a = Find(key);
    return a == nullptr ? 0 : a->num;
  }
  std::string_view Str(std::string_view key) const {
    const AnnotationValue* a = Find(key);
    return a == nullptr ? std::string_view() : a->str;
  }
};

enum class TrackKind : uint8_t { kProcess, kThread, kState, kCpuTime, kRunDelay, kTask, kOther };

// A slice begun and not yet ended on a track.
struct OpenSlice {
  int64_t start_ns = 0;
  bool is_region = false;
  uint32_t index = 0;  // into the model's intervals, regions or tasks
};

struct Track {
  TrackKind kind = TrackKind::kOther;
  uint32_t thread = kNone;  // the thread of a thread, state or counter track
  std::vector<OpenSlice> open;
  int64_t first_value = 0, last_value = 0;
  bool has_value = false;
};

// Interned entries are scoped by their packet sequence.
struct IidKey {
  uint32_t sequence;
  uint64_t iid;
  bool operator==(const IidKey&) const = default;
};
struct IidHash {
  size_t operator()(const IidKey& k) const { return std::hash<uint64_t>()(k.iid * 0x9E3779B97F4A7C15ull + k.sequence); }
};
template <typename T>
using IidMap = std::unordered_map<IidKey, T, IidHash>;

class Reader {
 public:
  void Run(std::string_view data) {
    pbf_reader trace(data.data(), data.size());
    while (trace.next()) {
      if (trace.tag() != pf::kTracePacket || !IsBytes(trace)) {
        throw ReadError{fmt::format("not a Perfetto trace: field {} of wire type {} at the top level", trace.tag(),
                                    static_cast<int>(trace.wire_type()))};
      }
      Packet(trace.get_view());
    }
    if (!saw_start_) throw ReadError{"not a cpprof trace: no \"trace start\" event"};
    if (!m_.has_end_event) m_.end_ns = std::max(m_.end_ns, last_ns_);
    if (has_realtime_) m_.start_unix_ns = m_.start_ns + realtime_offset_;
    Finish();
  }

  TraceModel& model() { return m_; }

 private:
  void Packet(protozero::data_view bytes) {
    uint64_t timestamp = 0, sequence = 0, flags = 0;
    protozero::data_view event, descriptor, interned, perf_sample, clocks;
    pbf_reader r(bytes);
    while (r.next()) {
      bool taken = false;
      switch (r.tag()) {
        case pf::kTimestamp: taken = Take(r, timestamp); break;
        case pf::kTrustedPacketSequenceId: taken = Take(r, sequence); break;
        case pf::kSequenceFlags: taken = Take(r, flags); break;
        case pf::kTrackEvent: taken = Take(r, event); break;
        case pf::kTrackDescriptor: taken = Take(r, descriptor); break;
        case pf::kInternedData: taken = Take(r, interned); break;
        case pf::kPerfSample: taken = Take(r, perf_sample); break;
        case pf::kClockSnapshot: taken = Take(r, clocks); break;
      }
      if (!taken) r.skip();
    }
    int64_t ts = static_cast<int64_t>(timestamp);
    if (timestamp != 0) last_ns_ = std::max(last_ns_, ts);
    // Fields are read in their meaning's order, not the packet's: a packet
    // that clears the incremental state may also define new entries.
    const uint32_t seq = static_cast<uint32_t>(sequence);
    if (clocks.data() != nullptr) ClockSnapshot(clocks);
    if (flags & pf::kSeqIncrementalStateCleared) ClearInterned(seq);
    if (interned.data() != nullptr) Interned(seq, interned);
    if (descriptor.data() != nullptr) Descriptor(descriptor);
    if (event.data() != nullptr) Event(seq, ts, event);
    if (perf_sample.data() != nullptr) Sample(seq, ts, perf_sample);
  }

  // The realtime clock's offset from the monotonic one, which timestamps are in.
  void ClockSnapshot(protozero::data_view bytes) {
    uint64_t monotonic = 0, realtime = 0;
    pbf_reader r(bytes);
    while (r.next()) {
      if (r.tag() != pf::kClockSnapshotClocks || !IsBytes(r)) {
        r.skip();
        continue;
      }
      uint32_t id = 0;
      uint64_t ts = 0;
      pbf_reader clock(r.get_view());
      while (clock.next()) {
        if (clock.tag() == pf::kClockId && IsVarint(clock)) {
          id = clock.get_uint32();
        } else if (clock.tag() == pf::kClockTimestamp && IsVarint(clock)) {
          ts = clock.get_uint64();
        } else {
          clock.skip();
        }
      }
      if (id == pf::kClockMonotonic) monotonic = ts;
      if (id == pf::kClockRealtime) realtime = ts;
    }
    if (monotonic != 0 && realtime != 0) {
      realtime_offset_ = static_cast<int64_t>(realtime - monotonic);
      has_realtime_ = true;
    }
  }

  // ---- interning ----

  void ClearInterned(uint32_t sequence) {
    auto drop = [sequence](auto& map) {
      std::erase_if(map, [&](const auto& e) { return e.first.sequence == sequence; });
    };
    drop(function_names_);
    drop(source_paths_);
    drop(frames_);
    drop(callstacks_);
  }

  void Interned(uint32_t sequence, protozero::data_view bytes) {
    pbf_reader r(bytes);
    while (r.next()) {
      if (!IsBytes(r)) {
        r.skip();
        continue;
      }
      switch (r.tag()) {
        case pf::kInternedFunctionNames: InternedString(sequence, r.get_view(), function_names_); break;
        case pf::kInternedSourcePaths: InternedString(sequence, r.get_view(), source_paths_); break;
        case pf::kInternedFrames: InternedFrameEntry(sequence, r.get_view()); break;
        case pf::kInternedCallstacks: InternedCallstack(sequence, r.get_view()); break;
        default: r.skip();
      }
    }
  }

  void InternedString(uint32_t sequence, protozero::data_view bytes, IidMap<StrId>& into) {
    uint64_t iid = 0;
    std::string_view str;
    pbf_reader r(bytes);
    while (r.next()) {
      if (r.tag() == pf::kInternedIid && IsVarint(r)) {
        iid = r.get_uint64();
      } else if (r.tag() == pf::kInternedStr && IsBytes(r)) {
        str = GetString(r);
      } else {
        r.skip();
      }
    }
    into[{sequence, iid}] = m_.strings.Intern(str);
  }

  void InternedFrameEntry(uint32_t sequence, protozero::data_view bytes) {
    uint64_t iid = 0, function = 0, path = 0;
    uint32_t line = 0;
    pbf_reader r(bytes);
    while (r.next()) {
      if (!IsVarint(r)) {
        r.skip();
        continue;
      }
      switch (r.tag()) {
        case pf::kFrameIid: iid = r.get_uint64(); break;
        case pf::kFrameFunctionNameId: function = r.get_uint64(); break;
        case pf::kFrameSourcePathIid: path = r.get_uint64(); break;
        case pf::kFrameLineNumber: line = r.get_uint32(); break;
        default: r.skip();
      }
    }
    TraceFrame f;
    f.function = Lookup(function_names_, sequence, function);
    f.file = Lookup(source_paths_, sequence, path);
    f.line = line;
    frames_[{sequence, iid}] = static_cast<uint32_t>(m_.frames.size());
    m_.frames.push_back(f);
  }

  void InternedCallstack(uint32_t sequence, protozero::data_view bytes) {
    uint64_t iid = 0;
    Callstack c;
    c.begin = static_cast<uint32_t>(m_.stack_frames.size());
    auto add_frame = [&](uint64_t frame_iid) {
      auto it = frames_.find({sequence, frame_iid});
      if (it != frames_.end()) m_.stack_frames.push_back(it->second);
    };
    pbf_reader r(bytes);
    while (r.next()) {
      if (r.tag() == pf::kCallstackIid && IsVarint(r)) {
        iid = r.get_uint64();
      } else if (r.tag() == pf::kCallstackFrameIds && IsVarint(r)) {
        add_frame(r.get_uint64());
      } else if (r.tag() == pf::kCallstackFrameIds && IsBytes(r)) {
        for (uint64_t f : r.get_packed_uint64()) add_frame(f);
      } else {
        r.skip();
      }
    }
    c.size = static_cast<uint32_t>(m_.stack_frames.size()) - c.begin;
    callstacks_[{sequence, iid}] = static_cast<uint32_t>(m_.callstacks.size());
    m_.callstacks.push_back(c);
  }

  template <typename T>
  static T Lookup(const IidMap<T>& map, uint32_t sequence, uint64_t iid) {
    auto it = map.find({sequence, iid});
    return it == map.end() ? T{} : it->second;
  }

  // ---- tracks ----

  void Descriptor(protozero::data_view bytes) {
    uint64_t uuid = 0, parent = 0;
    std::string_view name;
    protozero::data_view process, thread, counter;
    pbf_reader r(bytes);
    while (r.next()) {
      bool taken = false;
      switch (r.tag()) {
        case pf::kTrackUuid: taken = Take(r, uuid); break;
        case pf::kTrackParentUuid: taken = Take(r, parent); break;
        case pf::kTrackName: taken = Take(r, name); break;
        case pf::kTrackProcess: taken = Take(r, process); break;
        case pf::kTrackThread: taken = Take(r, thread); break;
        case pf::kTrackCounter: taken = Take(r, counter); break;
      }
      if (!taken) r.skip();
    }
    const bool is_counter = counter.data() != nullptr;
    Track& track = tracks_[uuid];
    if (process.data() != nullptr) {
      track.kind = TrackKind::kProcess;
      ProcessDescriptor(process);
    } else if (thread.data() != nullptr) {
      ThreadDescriptor(uuid, track, thread);
    } else {
      auto p = tracks_.find(parent);
      TrackKind parent_kind = p == tracks_.end() ? TrackKind::kOther : p->second.kind;
      if (parent_kind == TrackKind::kThread) {
        track.thread = p->second.thread;
        if (is_counter && name == kCpuTimeTrackName) {
          track.kind = TrackKind::kCpuTime;
        } else if (is_counter && name == kRunDelayTrackName) {
          track.kind = TrackKind::kRunDelay;
        } else if (!is_counter && name == kStateTrackName) {
          track.kind = TrackKind::kState;
        }
      } else if (parent_kind == TrackKind::kProcess && !is_counter) {
        track.kind = TrackKind::kTask;
      }
    }
  }

  void ProcessDescriptor(protozero::data_view bytes) {
    pbf_reader r(bytes);
    while (r.next()) {
      if (r.tag() == pf::kProcessPid && IsVarint(r)) {
        m_.pid = r.get_int64();
      } else if (r.tag() == pf::kProcessName && IsBytes(r)) {
        m_.process_name = m_.strings.Intern(GetString(r));
      } else if (r.tag() == pf::kProcessCmdline && IsBytes(r)) {
        m_.cmdline.push_back(m_.strings.Intern(GetString(r)));
      } else {
        r.skip();
      }
    }
  }

  // A thread track, or its description again after a rename.
  void ThreadDescriptor(uint64_t uuid, Track& track, protozero::data_view bytes) {
    int64_t tid = 0;
    std::string_view name;
    pbf_reader r(bytes);
    while (r.next()) {
      if (r.tag() == pf::kThreadTid && IsVarint(r)) {
        tid = r.get_int64();
      } else if (r.tag() == pf::kThreadName && IsBytes(r)) {
        name = GetString(r);
      } else {
        r.skip();
      }
    }
    StrId name_id = m_.strings.Intern(name);
    if (track.kind != TrackKind::kThread) {
      track.kind = TrackKind::kThread;
      track.thread = static_cast<uint32_t>(m_.threads.size());
      TraceThread t;
      t.uuid = uuid;
      t.tid = tid;
      // ThreadTrackUuid(tid, incarnation) keeps the incarnation above the tid.
      t.incarnation = static_cast<uint32_t>(uuid >> 34);
      m_.threads.push_back(t);
      thread_by_tid_[tid] = track.thread;
    } else if (m_.threads[track.thread].name == name_id) {
      return;
    }
    m_.threads[track.thread].name = name_id;
    m_.thread_names.push_back({track.thread, last_ns_, name_id});
  }

  // ---- events ----

  void ParseEvent(protozero::data_view bytes) {
    uint64_t type = 0, counter_value = 0;
    e_.track_uuid = 0;
    e_.name = e_.category = {};
    e_.callstack_iid = 0;
    e_.annotations.clear();
    pbf_reader r(bytes);
    while (r.next()) {
      bool taken = false;
      protozero::data_view annotation;
      switch (r.tag()) {
        case pf::kEventType: taken = Take(r, type); break;
        case pf::kEventTrackUuid: taken = Take(r, e_.track_uuid); break;
        case pf::kEventName: taken = Take(r, e_.name); break;
        // The first category; a second one would be another writer's.
        case pf::kEventCategories: taken = e_.category.empty() ? Take(r, e_.category) : false; break;
        case pf::kEventCallstackIid: taken = Take(r, e_.callstack_iid); break;
        case pf::kEventCounterValue: taken = Take(r, counter_value); break;
        case pf::kEventDebugAnnotations:
          taken = Take(r, annotation);
          if (taken) e_.annotations.push_back(ParseAnnotation(annotation));
          break;
      }
      if (!taken) r.skip();
    }
    e_.type = static_cast<uint32_t>(type);
    e_.counter_value = static_cast<int64_t>(counter_value);  // int64 on the wire: two's complement
  }

  static AnnotationValue ParseAnnotation(protozero::data_view bytes) {
    AnnotationValue a;
    pbf_reader r(bytes);
    while (r.next()) {
      if (r.tag() == pf::kAnnotName && IsBytes(r)) {
        a.name = GetString(r);
      } else if (r.tag() == pf::kAnnotString && IsBytes(r)) {
        a.str = GetString(r);
      } else if ((r.tag() == pf::kAnnotUint || r.tag() == pf::kAnnotPointer || r.tag() == pf::kAnnotInt) &&
                 IsVarint(r)) {
        a.num = r.get_uint64();
      } else {
        r.skip();
      }
    }
    return a;
  }

  uint32_t Stack(uint32_t sequence, uint64_t iid) const { return iid == 0 ? 0 : Lookup(callstacks_, sequence, iid); }

  void Event(uint32_t sequence, int64_t ts, protozero::data_view bytes) {
    ParseEvent(bytes);
    auto it = tracks_.find(e_.track_uuid);
    if (it == tracks_.end()) return;  // an event on a track never described
    Track& track = it->second;
    switch (track.kind) {
      case TrackKind::kProcess: ProcessEvent(ts); break;
      case TrackKind::kThread: ThreadEvent(sequence, ts, track); break;
      case TrackKind::kState: StateEvent(sequence, ts, track); break;
      case TrackKind::kTask: TaskEvent(sequence, ts, track); break;
      case TrackKind::kCpuTime:
      case TrackKind::kRunDelay:
        if (e_.type != pf::kTypeCounter) break;
        if (!track.has_value) track.first_value = e_.counter_value;
        track.last_value = e_.counter_value;
        track.has_value = true;
        break;
      case TrackKind::kOther: break;
    }
  }

  void ProcessEvent(int64_t ts) {
    if (e_.type != pf::kTypeInstant || e_.category != kCategoryCpprof) return;
    if (e_.name == kEventTraceStart) {
      saw_start_ = true;
      m_.start_ns = ts;
      m_.sched_source = m_.strings.Intern(e_.Str(kAnnotSchedSource));
      m_.wait_threshold_ns = static_cast<int64_t>(e_.Num(kAnnotWaitThreshold));
    } else if (e_.name == kEventTraceEnd) {
      m_.has_end_event = true;
      m_.end_ns = ts;
      m_.dropped_events = e_.Num(kAnnotDroppedEvents);
    }
  }

  void ThreadEvent(uint32_t sequence, int64_t ts, Track& track) {
    TraceThread& t = m_.threads[track.thread];
    if (e_.type == pf::kTypeInstant) {
      if (e_.category == kCategoryThread && e_.name == kEventThreadStart) {
        t.start_ns = ts;
        t.start_routine = m_.strings.Intern(e_.Str(kAnnotStartRoutine));
        t.create_stack = Stack(sequence, e_.callstack_iid);
      } else if (e_.category == kCategoryThread && e_.name == kEventThreadExit) {
        t.exit_ns = ts;
      } else if (e_.category == kCategoryLog) {
        m_.logs.push_back({track.thread, ts, m_.strings.Intern(e_.name), m_.strings.Intern(e_.Str(kAnnotMessage)),
                           e_.Num(kAnnotTask)});
      }
    } else if (e_.type == pf::kTypeSliceBegin) {
      OpenSlice open{ts, e_.category == kCategoryRegion, 0};
      if (open.is_region) {
        uint32_t depth = 0;
        for (const OpenSlice& o : track.open) depth += o.is_region;
        open.index = static_cast<uint32_t>(m_.regions.size());
        m_.regions.push_back({track.thread, m_.strings.Intern(e_.name), e_.Num(kAnnotTask), ts, -1, depth});
      }
      track.open.push_back(open);
    } else if (e_.type == pf::kTypeSliceEnd && !track.open.empty()) {
      if (track.open.back().is_region) m_.regions[track.open.back().index].end_ns = ts;
      track.open.pop_back();
    }
  }

  void StateEvent(uint32_t sequence, int64_t ts, Track& track) {
    if (e_.type == pf::kTypeSliceBegin) {
      StateInterval s;
      s.thread = track.thread;
      s.state_name = m_.strings.Intern(e_.name);
      s.state = ParseWaitState(e_.name);
      s.call = m_.strings.Intern(e_.Str(kAnnotCall));
      s.object = e_.Num(kAnnotObject);
      s.start_ns = ts;
      s.end_ns = -1;
      s.stack = Stack(sequence, e_.callstack_iid);
      track.open.push_back({ts, false, static_cast<uint32_t>(m_.intervals.size())});
      m_.intervals.push_back(s);
    } else if (e_.type == pf::kTypeSliceEnd && !track.open.empty()) {
      m_.intervals[track.open.back().index].end_ns = ts;
      track.open.pop_back();
    }
  }

  void TaskEvent(uint32_t sequence, int64_t ts, Track& track) {
    if (e_.type == pf::kTypeSliceBegin) {
      track.open.push_back({ts, false, static_cast<uint32_t>(m_.tasks.size())});
      m_.tasks.push_back({e_.Num(kAnnotTask), e_.Num(kAnnotParentTask), m_.strings.Intern(e_.name), ts, -1,
                          Stack(sequence, e_.callstack_iid)});
    } else if (e_.type == pf::kTypeSliceEnd && !track.open.empty()) {
      m_.tasks[track.open.back().index].end_ns = ts;
      track.open.pop_back();
    }
  }

  void Sample(uint32_t sequence, int64_t ts, protozero::data_view bytes) {
    int64_t tid = 0;
    uint64_t callstack = 0;
    pbf_reader r(bytes);
    while (r.next()) {
      if (r.tag() == pf::kPerfSampleTid && IsVarint(r)) {
        tid = r.get_int64();
      } else if (r.tag() == pf::kPerfSampleCallstackIid && IsVarint(r)) {
        callstack = r.get_uint64();
      } else {
        r.skip();
      }
    }
    auto it = thread_by_tid_.find(tid);
    if (it == thread_by_tid_.end()) return;  // a thread the trace never described
    m_.samples.push_back({it->second, ts, Stack(sequence, callstack)});
  }

  // Counters into threads, open slices closed at the end, tables sorted.
  void Finish() {
    for (auto& [uuid, track] : tracks_) {
      if (track.kind == TrackKind::kCpuTime && track.has_value) {
        m_.threads[track.thread].cpu_time_ns = track.last_value - track.first_value;
      } else if (track.kind == TrackKind::kRunDelay && track.has_value) {
        m_.threads[track.thread].run_delay_ns = track.last_value - track.first_value;
      }
    }
    for (StateInterval& s : m_.intervals) {
      if (s.end_ns < 0) s.end_ns = std::max(s.start_ns, m_.end_ns);
    }
    for (Region& r : m_.regions) {
      if (r.end_ns < 0) r.end_ns = std::max(r.start_ns, m_.end_ns);
    }
    auto by_thread_start = [](const auto& a, const auto& b) {
      return std::tie(a.thread, a.start_ns) < std::tie(b.thread, b.start_ns);
    };
    std::stable_sort(m_.intervals.begin(), m_.intervals.end(), by_thread_start);
    std::stable_sort(m_.regions.begin(), m_.regions.end(), by_thread_start);
    std::stable_sort(m_.tasks.begin(), m_.tasks.end(),
                     [](const Task& a, const Task& b) { return a.start_ns < b.start_ns; });
    std::stable_sort(m_.logs.begin(), m_.logs.end(),
                     [](const LogEntry& a, const LogEntry& b) { return a.time_ns < b.time_ns; });
    std::stable_sort(m_.samples.begin(), m_.samples.end(), [](const CpuSample& a, const CpuSample& b) {
      return std::tie(a.thread, a.time_ns) < std::tie(b.thread, b.time_ns);
    });
  }

  TraceModel m_;
  RawEvent e_;  // the event being read, reused so its annotations allocate once
  std::unordered_map<uint64_t, Track> tracks_;
  std::unordered_map<int64_t, uint32_t> thread_by_tid_;  // the latest thread of each tid
  IidMap<StrId> function_names_, source_paths_;
  IidMap<uint32_t> frames_, callstacks_;
  bool saw_start_ = false;
  int64_t last_ns_ = 0;
  int64_t realtime_offset_ = 0;
  bool has_realtime_ = false;
};

}  // namespace

Result<TraceModel> ReadTrace(std::string_view bytes) {
  Bytes inflated;
  if (IsGzip(bytes)) {
    Result<Bytes> g = Gunzip(bytes);
    if (!g.ok()) return g.status().WithContext("decompressing trace");
    inflated = std::move(*g);
    bytes = View(inflated);
  }
  if (bytes.empty()) return Status::Error("empty trace");
  Reader reader;
  // The callstack pool's entry 0 is the empty stack.
  reader.model().callstacks.push_back({});
  try {
    reader.Run(bytes);
  } catch (const ReadError& e) {
    return Status::Error(e.message);
  } catch (const protozero::end_of_buffer_exception&) {
    return Status::Error("truncated trace: a packet runs past the end of the file");
  } catch (const protozero::exception& e) {
    return Status::Error(std::string("not a Perfetto trace: ") + e.what());
  }
  return std::move(reader.model());
}

}  // namespace cpprof::trace
