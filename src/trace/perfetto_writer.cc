#include "trace/perfetto_writer.h"

#include <protozero/pbf_writer.hpp>

#include "trace/trace_format.h"

namespace cpprof::trace {
namespace {

// Every packet but the first says it uses the interned state of sequence 1.
void SequenceFields(protozero::pbf_writer& packet, uint32_t flags) {
  packet.add_uint32(pf::kTrustedPacketSequenceId, 1);
  packet.add_uint32(pf::kSequenceFlags, flags);
}

void InternedStrings(protozero::pbf_writer& data, uint32_t field,
                     const std::vector<std::pair<uint64_t, std::string>>& strings) {
  for (const auto& [iid, str] : strings) {
    protozero::pbf_writer s(data, field);
    s.add_uint64(pf::kInternedIid, iid);
    s.add_bytes(pf::kInternedStr, str);
  }
}

}  // namespace

void PerfettoWriter::BeginTrace(uint64_t monotonic_ns, uint64_t boottime_ns, uint64_t realtime_ns) {
  protozero::pbf_writer trace(*out_);
  protozero::pbf_writer packet(trace, pf::kTracePacket);
  packet.add_uint64(pf::kTimestamp, monotonic_ns);
  packet.add_uint32(pf::kTimestampClockId, pf::kClockMonotonic);
  {
    protozero::pbf_writer snapshot(packet, pf::kClockSnapshot);
    const std::pair<uint32_t, uint64_t> clocks[] = {
        {pf::kClockMonotonic, monotonic_ns}, {pf::kClockBoottime, boottime_ns}, {pf::kClockRealtime, realtime_ns}};
    for (const auto& [id, ts] : clocks) {
      protozero::pbf_writer clock(snapshot, pf::kClockSnapshotClocks);
      clock.add_uint32(pf::kClockId, id);
      clock.add_uint64(pf::kClockTimestamp, ts);
    }
  }
  {
    protozero::pbf_writer defaults(packet, pf::kTracePacketDefaults);
    defaults.add_uint32(pf::kDefaultsTimestampClockId, pf::kClockMonotonic);
  }
  SequenceFields(packet, pf::kSeqIncrementalStateCleared | pf::kSeqNeedsIncrementalState);
}

void PerfettoWriter::ProcessTrack(int pid, std::string_view name, std::span<const std::string> cmdline) {
  protozero::pbf_writer trace(*out_);
  protozero::pbf_writer packet(trace, pf::kTracePacket);
  {
    protozero::pbf_writer track(packet, pf::kTrackDescriptor);
    track.add_uint64(pf::kTrackUuid, kProcessTrackUuid);
    protozero::pbf_writer process(track, pf::kTrackProcess);
    process.add_int32(pf::kProcessPid, pid);
    for (const std::string& arg : cmdline) process.add_string(pf::kProcessCmdline, arg.data(), arg.size());
    process.add_string(pf::kProcessName, name.data(), name.size());
  }
  SequenceFields(packet, pf::kSeqNeedsIncrementalState);
}

void PerfettoWriter::ThreadTrack(uint64_t uuid, int pid, int tid, std::string_view name) {
  protozero::pbf_writer trace(*out_);
  protozero::pbf_writer packet(trace, pf::kTracePacket);
  {
    protozero::pbf_writer track(packet, pf::kTrackDescriptor);
    track.add_uint64(pf::kTrackUuid, uuid);
    track.add_uint64(pf::kTrackParentUuid, kProcessTrackUuid);
    protozero::pbf_writer thread(track, pf::kTrackThread);
    thread.add_int32(pf::kThreadPid, pid);
    thread.add_int64(pf::kThreadTid, tid);
    thread.add_string(pf::kThreadName, name.data(), name.size());
  }
  SequenceFields(packet, pf::kSeqNeedsIncrementalState);
}

void PerfettoWriter::ChildTrack(uint64_t uuid, uint64_t parent_uuid, std::string_view name) {
  NamedTrack(uuid, parent_uuid, name, false);
}

void PerfettoWriter::TimeCounterTrack(uint64_t uuid, uint64_t parent_uuid, std::string_view name) {
  NamedTrack(uuid, parent_uuid, name, true);
}

void PerfettoWriter::NamedTrack(uint64_t uuid, uint64_t parent_uuid, std::string_view name, bool time_counter) {
  protozero::pbf_writer trace(*out_);
  protozero::pbf_writer packet(trace, pf::kTracePacket);
  {
    protozero::pbf_writer track(packet, pf::kTrackDescriptor);
    track.add_uint64(pf::kTrackUuid, uuid);
    track.add_string(pf::kTrackName, name.data(), name.size());
    track.add_uint64(pf::kTrackParentUuid, parent_uuid);
    if (time_counter) {
      protozero::pbf_writer counter(track, pf::kTrackCounter);
      counter.add_uint32(pf::kCounterUnit, pf::kCounterUnitTimeNs);
    }
  }
  SequenceFields(packet, pf::kSeqNeedsIncrementalState);
}

void PerfettoWriter::Interned(const InternedBatch& batch) {
  if (batch.empty()) return;
  protozero::pbf_writer trace(*out_);
  protozero::pbf_writer packet(trace, pf::kTracePacket);
  {
    protozero::pbf_writer data(packet, pf::kInternedData);
    InternedStrings(data, pf::kInternedFunctionNames, batch.function_names);
    InternedStrings(data, pf::kInternedSourcePaths, batch.source_paths);
    for (const InternedFrame& f : batch.frames) {
      protozero::pbf_writer frame(data, pf::kInternedFrames);
      frame.add_uint64(pf::kFrameIid, f.iid);
      frame.add_uint64(pf::kFrameFunctionNameId, f.function_name_iid);
      if (f.source_path_iid != 0) frame.add_uint64(pf::kFrameSourcePathIid, f.source_path_iid);
      if (f.line != 0) frame.add_uint32(pf::kFrameLineNumber, f.line);
    }
    for (const auto& [iid, frames] : batch.callstacks) {
      protozero::pbf_writer stack(data, pf::kInternedCallstacks);
      stack.add_uint64(pf::kCallstackIid, iid);
      for (uint64_t frame : frames) stack.add_uint64(pf::kCallstackFrameIds, frame);
    }
  }
  SequenceFields(packet, pf::kSeqNeedsIncrementalState);
}

void PerfettoWriter::Event(const TrackEvent& e) {
  protozero::pbf_writer trace(*out_);
  protozero::pbf_writer packet(trace, pf::kTracePacket);
  packet.add_uint64(pf::kTimestamp, e.timestamp_ns);
  {
    protozero::pbf_writer event(packet, pf::kTrackEvent);
    for (const Annotation& a : e.annotations) {
      protozero::pbf_writer annotation(event, pf::kEventDebugAnnotations);
      annotation.add_string(pf::kAnnotName, a.name.data(), a.name.size());
      switch (a.kind) {
        case Annotation::Kind::kString: annotation.add_string(pf::kAnnotString, a.str.data(), a.str.size()); break;
        case Annotation::Kind::kUint: annotation.add_uint64(pf::kAnnotUint, a.num); break;
        case Annotation::Kind::kPointer: annotation.add_uint64(pf::kAnnotPointer, a.num); break;
      }
    }
    event.add_uint32(pf::kEventType, e.type);
    event.add_uint64(pf::kEventTrackUuid, e.track_uuid);
    if (!e.category.empty()) event.add_string(pf::kEventCategories, e.category.data(), e.category.size());
    if (!e.name.empty()) event.add_string(pf::kEventName, e.name.data(), e.name.size());
    if (e.type == pf::kTypeCounter) event.add_int64(pf::kEventCounterValue, e.counter_value);
    for (uint64_t flow : e.flow_ids) event.add_fixed64(pf::kEventFlowIds, flow);
    if (e.callstack_iid != 0) event.add_uint64(pf::kEventCallstackIid, e.callstack_iid);
  }
  SequenceFields(packet, pf::kSeqNeedsIncrementalState);
}

void PerfettoWriter::CpuSample(uint64_t timestamp_ns, int pid, int tid, uint64_t callstack_iid) {
  protozero::pbf_writer trace(*out_);
  protozero::pbf_writer packet(trace, pf::kTracePacket);
  packet.add_uint64(pf::kTimestamp, timestamp_ns);
  {
    protozero::pbf_writer sample(packet, pf::kPerfSample);
    sample.add_uint32(pf::kPerfSamplePid, static_cast<uint32_t>(pid));
    sample.add_uint32(pf::kPerfSampleTid, static_cast<uint32_t>(tid));
    sample.add_uint64(pf::kPerfSampleCallstackIid, callstack_iid);
    sample.add_uint32(pf::kPerfSampleCpuMode, pf::kCpuModeUser);
  }
  SequenceFields(packet, pf::kSeqNeedsIncrementalState);
}

}  // namespace cpprof::trace
