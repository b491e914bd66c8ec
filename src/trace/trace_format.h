// What a cpprof execution trace holds: the contract between the runtime that
// records it (src/runtime/trace_*) and the tool that reads it
// (src/trace/trace_reader.cc, `cpprof trace`).
//
// A trace is Perfetto's protobuf trace (`perfetto.protos.Trace`, schema in
// ../shared/reference/perfetto/perfetto_trace.proto): a concatenation of
// `packet = 1` TracePackets, uncompressed, that ui.perfetto.dev opens as it
// is. cpprof writes one sequence (trusted_packet_sequence_id 1) whose
// timestamps are CLOCK_MONOTONIC nanoseconds; the first packet holds a
// ClockSnapshot (MONOTONIC, BOOTTIME, REALTIME) so that Perfetto can line it
// up with a system trace. The reader reads this subset and nothing else.
//
// Tracks (TrackDescriptor), each described before its first event:
//   process   uuid kProcessTrackUuid, ProcessDescriptor{pid, process_name, cmdline}
//   thread    uuid ThreadTrackUuid(tid, incarnation), parent the process,
//             ThreadDescriptor{pid, tid, thread_name}; described again with
//             the new name when the thread renames itself
//   state     uuid StateTrackUuid(thread uuid), parent the thread, name
//             "state": the thread's waits, as slices
//   counters  uuid CpuTimeTrackUuid / RunDelayTrackUuid(thread uuid), parent
//             the thread, CounterDescriptor{unit TIME_NS}: absolute values of
//             the thread's CPU clock and of schedstat's run delay
//   task      uuid TaskTrackUuid(task id), parent the process: one per task
//
// Events (TrackEvent; names and categories as strings, not interned):
//   on the process track
//     INSTANT "trace start", category "cpprof": annotations
//             kAnnotSchedSource (kSchedSource*), kAnnotWaitThreshold (ns)
//     INSTANT "trace end", category "cpprof": kAnnotDroppedEvents
//   on a thread track
//     INSTANT "thread start", category "thread", at its creation:
//             kAnnotStartRoutine (symbol of the start routine),
//             callstack = the creating thread's stack
//     INSTANT "thread exit", category "thread"
//     SLICE_BEGIN/END, category "region", name = the region's type,
//             kAnnotTask when the thread had a task; flow_ids = {task id}
//     INSTANT, category "log", name = the log's category, kAnnotMessage,
//             kAnnotTask
//   on a state track: one SLICE_BEGIN/END pair per wait, category "state",
//     name = one of kState*, kAnnotCall (the function: "pthread_mutex_lock",
//     "recv", "nanosleep", ...; "preempted" for kStateSched),
//     kAnnotObject (lock address, fd) when there is one,
//     callstack = the stack that entered the wait (none for kStateSched)
//   on a counter track: COUNTER events at the trace's (or the thread's)
//     start and end; the reader uses end - start
//   on a task track: SLICE_BEGIN at the task's creation (name = its type,
//     category "task", kAnnotTask, kAnnotParentTask, flow_ids = {task id},
//     callstack), SLICE_END at its end
// CPU samples: PerfSample{pid, tid, callstack_iid, cpu_mode USER} packets.
// Callstacks: InternedData{function_names, source_paths, frames, callstacks},
//   emitted before first use (sequence_flags NEEDS_INCREMENTAL_STATE); a
//   frame per inlined function, callstacks outermost frame first.
#ifndef CPPROF_TRACE_TRACE_FORMAT_H_
#define CPPROF_TRACE_TRACE_FORMAT_H_

#include <cstdint>

namespace cpprof::trace {

// Wait states, the names of state slices. The summary's columns and the
// derived profiles read them: net = kStateNetwork, sync = kStateSync,
// syscall = kStateSyscall, sched = kStateSched (go tool trace's four).
inline constexpr char kStateSync[] = "sync";        // mutex, rwlock, condvar, join, semaphore
inline constexpr char kStateNetwork[] = "network";  // socket calls, poll/epoll/select
inline constexpr char kStateSyscall[] = "syscall";  // file, pipe and other blocking calls
inline constexpr char kStateSleep[] = "sleep";      // nanosleep and friends
inline constexpr char kStateSched[] = "sched";      // runnable, not running (preempted)

inline constexpr char kCategoryCpprof[] = "cpprof";
inline constexpr char kCategoryThread[] = "thread";
inline constexpr char kCategoryRegion[] = "region";
inline constexpr char kCategoryLog[] = "log";
inline constexpr char kCategoryState[] = "state";
inline constexpr char kCategoryTask[] = "task";

inline constexpr char kEventTraceStart[] = "trace start";
inline constexpr char kEventTraceEnd[] = "trace end";
inline constexpr char kEventThreadStart[] = "thread start";
inline constexpr char kEventThreadExit[] = "thread exit";

inline constexpr char kAnnotSchedSource[] = "sched_source";
inline constexpr char kAnnotWaitThreshold[] = "wait_threshold_ns";
inline constexpr char kAnnotDroppedEvents[] = "dropped_events";
inline constexpr char kAnnotStartRoutine[] = "start_routine";
inline constexpr char kAnnotTask[] = "task";
inline constexpr char kAnnotParentTask[] = "parent_task";
inline constexpr char kAnnotMessage[] = "message";
inline constexpr char kAnnotCall[] = "call";
inline constexpr char kAnnotObject[] = "object";
// Added by the recorder: a region begin's thread labels (ScopedLabels), as
// {"key":"value", ...}, when the thread has any.
inline constexpr char kAnnotLabels[] = "labels";

// Where scheduler waits came from: per-thread perf context-switch records
// (slices of kStateSched), or only /proc's run-delay counters.
inline constexpr char kSchedSourcePerfSwitch[] = "perf_switch";
inline constexpr char kSchedSourceSchedstat[] = "schedstat";
inline constexpr char kSchedSourceNone[] = "none";

inline constexpr char kStateTrackName[] = "state";
inline constexpr char kCpuTimeTrackName[] = "cpu time";
inline constexpr char kRunDelayTrackName[] = "run delay";

inline constexpr uint64_t kProcessTrackUuid = 1;
// A thread's track: tids are reused, so each registration gets an
// incarnation number of its own.
inline constexpr uint64_t ThreadTrackUuid(uint32_t tid, uint32_t incarnation) {
  return (uint64_t{incarnation} << 32 | tid) << 2 | 0x0;
}
inline constexpr uint64_t StateTrackUuid(uint64_t thread_uuid) { return thread_uuid | 0x1; }
inline constexpr uint64_t CpuTimeTrackUuid(uint64_t thread_uuid) { return thread_uuid | 0x2; }
inline constexpr uint64_t RunDelayTrackUuid(uint64_t thread_uuid) { return thread_uuid | 0x3; }
inline constexpr uint64_t TaskTrackUuid(uint64_t task_id) { return (uint64_t{1} << 63) | task_id; }

// Perfetto's field numbers (perfetto_trace.proto).
namespace pf {
// Trace
inline constexpr uint32_t kTracePacket = 1;
// TracePacket
inline constexpr uint32_t kTimestamp = 8;
inline constexpr uint32_t kClockSnapshot = 6;
inline constexpr uint32_t kTrustedPacketSequenceId = 10;
inline constexpr uint32_t kTrackEvent = 11;
inline constexpr uint32_t kInternedData = 12;
inline constexpr uint32_t kSequenceFlags = 13;
inline constexpr uint32_t kTimestampClockId = 58;
inline constexpr uint32_t kTracePacketDefaults = 59;
inline constexpr uint32_t kTrackDescriptor = 60;
inline constexpr uint32_t kPerfSample = 66;
inline constexpr uint32_t kSeqIncrementalStateCleared = 1;
inline constexpr uint32_t kSeqNeedsIncrementalState = 2;
// TracePacketDefaults
inline constexpr uint32_t kDefaultsTimestampClockId = 58;
// ClockSnapshot / Clock
inline constexpr uint32_t kClockSnapshotClocks = 1;
inline constexpr uint32_t kClockId = 1;
inline constexpr uint32_t kClockTimestamp = 2;
inline constexpr uint32_t kClockRealtime = 1;
inline constexpr uint32_t kClockMonotonic = 3;
inline constexpr uint32_t kClockBoottime = 6;
// TrackDescriptor
inline constexpr uint32_t kTrackUuid = 1;
inline constexpr uint32_t kTrackName = 2;
inline constexpr uint32_t kTrackProcess = 3;
inline constexpr uint32_t kTrackThread = 4;
inline constexpr uint32_t kTrackParentUuid = 5;
inline constexpr uint32_t kTrackCounter = 8;
// ProcessDescriptor
inline constexpr uint32_t kProcessPid = 1;
inline constexpr uint32_t kProcessCmdline = 2;
inline constexpr uint32_t kProcessName = 6;
// ThreadDescriptor
inline constexpr uint32_t kThreadPid = 1;
inline constexpr uint32_t kThreadTid = 2;
inline constexpr uint32_t kThreadName = 5;
// CounterDescriptor
inline constexpr uint32_t kCounterUnit = 3;
inline constexpr uint32_t kCounterUnitTimeNs = 1;
// TrackEvent
inline constexpr uint32_t kEventDebugAnnotations = 4;
inline constexpr uint32_t kEventType = 9;
inline constexpr uint32_t kEventTrackUuid = 11;
inline constexpr uint32_t kEventCategories = 22;
inline constexpr uint32_t kEventName = 23;
inline constexpr uint32_t kEventCounterValue = 30;
inline constexpr uint32_t kEventFlowIds = 47;  // fixed64
inline constexpr uint32_t kEventCallstackIid = 56;
inline constexpr uint32_t kTypeSliceBegin = 1;
inline constexpr uint32_t kTypeSliceEnd = 2;
inline constexpr uint32_t kTypeInstant = 3;
inline constexpr uint32_t kTypeCounter = 4;
// DebugAnnotation
inline constexpr uint32_t kAnnotUint = 3;
inline constexpr uint32_t kAnnotInt = 4;
inline constexpr uint32_t kAnnotString = 6;
inline constexpr uint32_t kAnnotPointer = 7;
inline constexpr uint32_t kAnnotName = 10;
// InternedData
inline constexpr uint32_t kInternedFunctionNames = 5;
inline constexpr uint32_t kInternedFrames = 6;
inline constexpr uint32_t kInternedCallstacks = 7;
inline constexpr uint32_t kInternedSourcePaths = 18;
// InternedString
inline constexpr uint32_t kInternedIid = 1;
inline constexpr uint32_t kInternedStr = 2;
// Frame
inline constexpr uint32_t kFrameIid = 1;
inline constexpr uint32_t kFrameFunctionNameId = 2;
inline constexpr uint32_t kFrameSourcePathIid = 5;
inline constexpr uint32_t kFrameLineNumber = 6;
// Callstack
inline constexpr uint32_t kCallstackIid = 1;
inline constexpr uint32_t kCallstackFrameIds = 2;
// PerfSample
inline constexpr uint32_t kPerfSamplePid = 2;
inline constexpr uint32_t kPerfSampleTid = 3;
inline constexpr uint32_t kPerfSampleCallstackIid = 4;
inline constexpr uint32_t kPerfSampleCpuMode = 5;
inline constexpr uint32_t kCpuModeUser = 2;
}  // namespace pf

}  // namespace cpprof::trace

#endif  // CPPROF_TRACE_TRACE_FORMAT_H_
