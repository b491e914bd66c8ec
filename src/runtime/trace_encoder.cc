// Tested by tests/runtime/trace_test.cc (decoded with protoc against
// Perfetto's schema).
#include "runtime/trace_encoder.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "runtime/labels.h"
#include "runtime/wait_state.h"
#include "symbolize/demangle.h"
#include "symbolize/elf_symbolizer.h"
#include "trace/trace_format.h"

namespace cpprof::runtime {
namespace {

using trace::Annotation;
using trace::TrackEvent;
namespace pf = trace::pf;

uint64_t ClockNanos(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

std::string ReadFile(const char* path) {
  std::string s;
  if (FILE* f = std::fopen(path, "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) s.append(buf, n);
    std::fclose(f);
  }
  return s;
}

std::string Demangled(std::string_view name) {
  std::string d = Demangle(std::string(name), DemangleMode::kDefault);
  return d.empty() ? std::string(name) : d;
}

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// The bytes a record carries after `skip` words: a length, then the bytes.
std::string_view Bytes(const uint64_t* w, size_t skip) {
  return {reinterpret_cast<const char*>(w + skip + 1), static_cast<size_t>(w[skip])};
}

}  // namespace

void TraceBatch::Add(uint64_t thread_uuid, pid_t tid, uint8_t type, const uint64_t* w, size_t n) {
  records.push_back({thread_uuid, tid, type, static_cast<uint32_t>(words.size()), static_cast<uint32_t>(n)});
  words.insert(words.end(), w, w + n);
}

void TraceBatch::Clear() {
  threads.clear();
  counters.clear();
  records.clear();
  words.clear();
  preemptions.clear();
}

TraceEncoder::TraceEncoder(std::string* out) : writer_(out), symbolizer_(new ElfSymbolizer) {}

TraceEncoder::~TraceEncoder() = default;

void TraceEncoder::Begin(std::string_view sched_source) {
  uint64_t now = ClockNanos(CLOCK_MONOTONIC);
  writer_.BeginTrace(now, ClockNanos(CLOCK_BOOTTIME), ClockNanos(CLOCK_REALTIME));
  std::string cmdline = ReadFile("/proc/self/cmdline");
  std::vector<std::string> args;
  for (size_t at = 0; at < cmdline.size();) {
    size_t nul = cmdline.find('\0', at);
    if (nul == std::string::npos) nul = cmdline.size();
    args.push_back(cmdline.substr(at, nul - at));
    at = nul + 1;
  }
  std::string comm = ReadFile("/proc/self/comm");
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  writer_.ProcessTrack(getpid(), comm, args);
  const Annotation annotations[] = {Annotation::String(trace::kAnnotSchedSource, sched_source),
                                    Annotation::Uint(trace::kAnnotWaitThreshold, kWaitThresholdNs)};
  writer_.Event({.timestamp_ns = now,
                 .track_uuid = trace::kProcessTrackUuid,
                 .type = pf::kTypeInstant,
                 .name = trace::kEventTraceStart,
                 .category = trace::kCategoryCpprof,
                 .annotations = annotations});
}

void TraceEncoder::End(int64_t ts, uint64_t dropped_events) {
  const Annotation dropped[] = {Annotation::Uint(trace::kAnnotDroppedEvents, dropped_events)};
  writer_.Event({.timestamp_ns = static_cast<uint64_t>(ts),
                 .track_uuid = trace::kProcessTrackUuid,
                 .type = pf::kTypeInstant,
                 .name = trace::kEventTraceEnd,
                 .category = trace::kCategoryCpprof,
                 .annotations = dropped});
}

void TraceEncoder::DescribeThread(uint64_t uuid, pid_t tid, const std::string& name, bool rename) {
  auto it = thread_names_.find(uuid);
  if (it != thread_names_.end() && (!rename || it->second == name)) return;
  writer_.ThreadTrack(uuid, getpid(), tid, name);
  thread_names_[uuid] = name;
}

void TraceEncoder::DescribeState(uint64_t thread_uuid) {
  if (child_tracks_.emplace(thread_uuid, true).second) {
    writer_.ChildTrack(trace::StateTrackUuid(thread_uuid), thread_uuid, trace::kStateTrackName);
  }
}

void TraceEncoder::DescribeTask(uint64_t task, const std::string& type) {
  if (task_tracks_.emplace(task, true).second) {
    writer_.ChildTrack(trace::TaskTrackUuid(task), trace::kProcessTrackUuid, type);
  }
}

void TraceEncoder::Counters(const TraceBatch::Counters& c) {
  uint64_t cpu = trace::CpuTimeTrackUuid(c.thread_uuid), delay = trace::RunDelayTrackUuid(c.thread_uuid);
  if (child_tracks_.emplace(cpu, true).second) {
    writer_.TimeCounterTrack(cpu, c.thread_uuid, trace::kCpuTimeTrackName);
    writer_.TimeCounterTrack(delay, c.thread_uuid, trace::kRunDelayTrackName);
  }
  uint64_t ts = static_cast<uint64_t>(c.ts);
  writer_.Event({.timestamp_ns = ts, .track_uuid = cpu, .type = pf::kTypeCounter, .counter_value = c.cpu_ns});
  writer_.Event({.timestamp_ns = ts, .track_uuid = delay, .type = pf::kTypeCounter, .counter_value = c.run_delay_ns});
}

void TraceEncoder::Encode(const TraceBatch& batch, TypeNameFn type_name) {
  modules_reloaded_ = false;
  for (const TraceBatch::Thread& t : batch.threads) DescribeThread(t.uuid, t.tid, t.name, t.rename);
  for (const TraceBatch::Counters& c : batch.counters) Counters(c);
  for (const TraceBatch::Record& r : batch.records) Record(r, batch.words.data() + r.offset, type_name);
  for (const TraceBatch::Slice& s : batch.preemptions) Preemption(s);
}

void TraceEncoder::Preemption(const TraceBatch::Slice& s) {
  DescribeState(s.thread_uuid);
  uint64_t track = trace::StateTrackUuid(s.thread_uuid);
  const Annotation call[] = {Annotation::String(trace::kAnnotCall, "preempted")};
  writer_.Event({.timestamp_ns = static_cast<uint64_t>(s.begin),
                 .track_uuid = track,
                 .type = pf::kTypeSliceBegin,
                 .name = trace::kStateSched,
                 .category = trace::kCategoryState,
                 .annotations = call});
  writer_.Event({.timestamp_ns = static_cast<uint64_t>(s.end), .track_uuid = track, .type = pf::kTypeSliceEnd});
}

// Each record's words: w[0] is its time (ns), then per type as trace_recorder.cc writes them.
void TraceEncoder::Record(const TraceBatch::Record& r, const uint64_t* w, TypeNameFn type_name) {
  uint64_t ts = w[0];
  uint64_t thread = r.thread_uuid;
  switch (r.type) {
    case kRecRegionBegin: RegionBegin(thread, w, type_name); return;
    case kRecRegionEnd: writer_.Event({.timestamp_ns = ts, .track_uuid = thread, .type = pf::kTypeSliceEnd}); return;
    case kRecLog: Log(thread, w, type_name); return;
    case kRecTaskBegin: TaskBegin(w, r.size, type_name); return;
    case kRecTaskEnd:
      DescribeTask(w[1], type_name(static_cast<uint32_t>(w[2])));
      writer_.Event({.timestamp_ns = ts, .track_uuid = trace::TaskTrackUuid(w[1]), .type = pf::kTypeSliceEnd});
      return;
    case kRecWait: Wait(thread, w, r.size); return;
    case kRecCpuSample: {
      uint64_t callstack = Callstack(w + 1, r.size - 1);
      FlushInterned();
      writer_.CpuSample(ts, getpid(), r.tid, callstack);
      return;
    }
    case kRecThreadStart: ThreadStart(thread, w, r.size); return;
    case kRecThreadExit:
      writer_.Event({.timestamp_ns = ts,
                     .track_uuid = thread,
                     .type = pf::kTypeInstant,
                     .name = trace::kEventThreadExit,
                     .category = trace::kCategoryThread});
      Counters({thread, static_cast<int64_t>(ts), static_cast<int64_t>(w[1]), static_cast<int64_t>(w[2])});
      return;
    case kRecThreadName: DescribeThread(thread, r.tid, std::string(Bytes(w, 1)), true); return;
  }
}

// {ts, type id, task, labels}
void TraceEncoder::RegionBegin(uint64_t thread, const uint64_t* w, TypeNameFn type_name) {
  std::string type = type_name(static_cast<uint32_t>(w[1]));
  uint64_t task = w[2];
  std::vector<Annotation> annotations;
  std::string labels;
  if (task != 0) annotations.push_back(Annotation::Uint(trace::kAnnotTask, task));
  if (w[3] != 0) {
    labels = FormatLabels(reinterpret_cast<const LabelSetData*>(w[3]));
    annotations.push_back(Annotation::String(trace::kAnnotLabels, labels));
  }
  writer_.Event({.timestamp_ns = w[0],
                 .track_uuid = thread,
                 .type = pf::kTypeSliceBegin,
                 .name = type,
                 .category = trace::kCategoryRegion,
                 .annotations = annotations,
                 .flow_ids = task != 0 ? std::span<const uint64_t>(&w[2], 1) : std::span<const uint64_t>()});
}

// {ts, category id, task, message bytes...}
void TraceEncoder::Log(uint64_t thread, const uint64_t* w, TypeNameFn type_name) {
  std::string category = type_name(static_cast<uint32_t>(w[1]));
  std::vector<Annotation> annotations = {Annotation::String(trace::kAnnotMessage, Bytes(w, 3))};
  if (w[2] != 0) annotations.push_back(Annotation::Uint(trace::kAnnotTask, w[2]));
  writer_.Event({.timestamp_ns = w[0],
                 .track_uuid = thread,
                 .type = pf::kTypeInstant,
                 .name = category,
                 .category = trace::kCategoryLog,
                 .annotations = annotations});
}

// {ts, task, parent task, type id, pcs...}
void TraceEncoder::TaskBegin(const uint64_t* w, size_t size, TypeNameFn type_name) {
  std::string type = type_name(static_cast<uint32_t>(w[3]));
  uint64_t callstack = Callstack(w + 4, size - 4);
  FlushInterned();
  DescribeTask(w[1], type);
  std::vector<Annotation> annotations = {Annotation::Uint(trace::kAnnotTask, w[1])};
  if (w[2] != 0) annotations.push_back(Annotation::Uint(trace::kAnnotParentTask, w[2]));
  writer_.Event({.timestamp_ns = w[0],
                 .track_uuid = trace::TaskTrackUuid(w[1]),
                 .type = pf::kTypeSliceBegin,
                 .name = type,
                 .category = trace::kCategoryTask,
                 .annotations = annotations,
                 .callstack_iid = callstack,
                 .flow_ids = std::span<const uint64_t>(&w[1], 1)});
}

// {start, end, kind, call, object, pcs...}
void TraceEncoder::Wait(uint64_t thread, const uint64_t* w, size_t size) {
  uint64_t callstack = Callstack(w + 5, size - 5);
  FlushInterned();
  DescribeState(thread);
  std::vector<Annotation> annotations = {Annotation::String(trace::kAnnotCall, reinterpret_cast<const char*>(w[3]))};
  if (w[4] != 0) annotations.push_back(Annotation::Uint(trace::kAnnotObject, w[4]));
  uint64_t track = trace::StateTrackUuid(thread);
  writer_.Event({.timestamp_ns = w[0],
                 .track_uuid = track,
                 .type = pf::kTypeSliceBegin,
                 .name = WaitKindName(static_cast<WaitKind>(w[2])),
                 .category = trace::kCategoryState,
                 .annotations = annotations,
                 .callstack_iid = callstack});
  writer_.Event({.timestamp_ns = w[1], .track_uuid = track, .type = pf::kTypeSliceEnd});
}

// {ts, start routine, cpu ns, run delay ns, pcs...}
void TraceEncoder::ThreadStart(uint64_t thread, const uint64_t* w, size_t size) {
  std::string routine = Symbol(static_cast<uintptr_t>(w[1]));
  uint64_t callstack = Callstack(w + 4, size - 4);
  FlushInterned();
  const Annotation annotations[] = {Annotation::String(trace::kAnnotStartRoutine, routine)};
  writer_.Event({.timestamp_ns = w[0],
                 .track_uuid = thread,
                 .type = pf::kTypeInstant,
                 .name = trace::kEventThreadStart,
                 .category = trace::kCategoryThread,
                 .annotations = annotations,
                 .callstack_iid = callstack});
  Counters({thread, static_cast<int64_t>(w[0]), static_cast<int64_t>(w[2]), static_cast<int64_t>(w[3])});
}

std::string TraceEncoder::Symbol(uintptr_t addr) {
  SymbolizedAddress sym;
  Lookup(addr, &sym);
  // At a function's entry the outermost frame is the function itself.
  return sym.frames.empty() ? UnsymbolizedName(addr) : Demangled(sym.frames.back().function);
}

int TraceEncoder::ModuleOf(uint64_t addr) const {
  for (size_t i = 0; i < modules_.size(); ++i) {
    for (const ModuleSegment& s : modules_[i].exec_segments) {
      if (s.start <= addr && addr < s.limit) return static_cast<int>(i);
    }
  }
  return -1;
}

// An address without a symbol (a local function of a stripped library, such
// as libstdc++'s std::thread routine) as its module and offset,
// "libstdc++.so.6+0xd4490": the same in every run, unlike the address.
std::string TraceEncoder::UnsymbolizedName(uint64_t addr) const {
  int module = ModuleOf(addr);
  if (module < 0) return Hex(addr);
  const Module& m = modules_[module];
  std::string_view base = m.name;
  base = base.substr(base.rfind('/') + 1);
  return std::string(base) + "+" + Hex(addr - m.bias);
}

void TraceEncoder::Lookup(uint64_t addr, SymbolizedAddress* sym) {
  int module = ModuleOf(addr);
  if (module < 0 && !modules_reloaded_) {  // a library loaded since: once per flush
    modules_reloaded_ = true;
    modules_ = LoadedModules();
    symbolizer_ = std::make_unique<ElfSymbolizer>();
    module_added_.assign(modules_.size(), false);
    module = ModuleOf(addr);
  }
  sym->frames.clear();
  if (module < 0) return;
  // Modules are opened when an address is in them, as the profile builder does.
  if (!module_added_[module] && !modules_[module].path.empty()) {
    symbolizer_->AddModule(modules_[module].path, modules_[module].bias);
  }
  module_added_[module] = true;
  symbolizer_->Lookup(addr, sym);
}

uint64_t TraceEncoder::Callstack(const uint64_t* pcs, size_t n) {
  std::vector<uint64_t> frame_ids;
  // pcs are leaf first; a callstack is outermost first.
  for (size_t i = n; i-- > 0;) {
    std::vector<uint64_t> f = Frames(static_cast<uintptr_t>(pcs[i]));
    frame_ids.insert(frame_ids.end(), f.begin(), f.end());
  }
  if (frame_ids.empty()) return 0;
  auto [it, added] = callstacks_.emplace(frame_ids, next_iid_);
  if (added) {
    ++next_iid_;
    pending_.callstacks.emplace_back(it->second, frame_ids);
  }
  return it->second;
}

// The frames of return address pc, outermost inlined function first.
std::vector<uint64_t> TraceEncoder::Frames(uintptr_t pc) {
  auto cached = frames_by_pc_.find(pc);
  if (cached != frames_by_pc_.end()) return cached->second;
  uint64_t addr = pc - 1;  // inside the call instruction
  SymbolizedAddress sym;
  Lookup(addr, &sym);
  std::vector<uint64_t> ids;
  auto frame = [&](const std::string& function, const std::string& file, uint32_t line) {
    uint64_t name = InternString(function_names_, pending_.function_names, function);
    uint64_t path = file.empty() ? 0 : InternString(source_paths_, pending_.source_paths, file);
    auto [it, added] = frames_.emplace(std::make_tuple(name, path, line), next_iid_);
    if (added) {
      ++next_iid_;
      pending_.frames.push_back({it->second, name, path, line});
    }
    ids.push_back(it->second);
  };
  if (sym.frames.empty()) {
    frame(UnsymbolizedName(addr), "", 0);
  } else {
    for (size_t i = sym.frames.size(); i-- > 0;) {
      const SymbolFrame& f = sym.frames[i];
      frame(Demangled(f.function), std::string(f.file), static_cast<uint32_t>(f.line));
    }
  }
  frames_by_pc_.emplace(pc, ids);
  return ids;
}

uint64_t TraceEncoder::InternString(std::map<std::string, uint64_t>& table,
                                    std::vector<std::pair<uint64_t, std::string>>& out, const std::string& s) {
  auto [it, added] = table.emplace(s, next_iid_);
  if (added) {
    ++next_iid_;
    out.emplace_back(it->second, s);
  }
  return it->second;
}

void TraceEncoder::FlushInterned() {
  if (pending_.empty()) return;
  writer_.Interned(pending_);
  pending_ = {};
}

}  // namespace cpprof::runtime
