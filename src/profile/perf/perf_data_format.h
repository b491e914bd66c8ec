// The parts of perf.data's layout that cpprof reads (tools/perf/Documentation/
// perf.data-file-format.txt and include/uapi/linux/perf_event.h; checked on
// files of perf 6.1, see /work/shared/reference/interop.md §1). All fields are
// native-endian; only little-endian files are read.
#ifndef CPPROF_PROFILE_PERF_PERF_DATA_FORMAT_H_
#define CPPROF_PROFILE_PERF_PERF_DATA_FORMAT_H_

#include <cstdint>
#include <string_view>

namespace cpprof::perf {

inline constexpr std::string_view kMagic = "PERFILE2";
inline constexpr uint64_t kFileHeaderSize = 104;  // {magic, size, attr_size, attrs, data, event_types, features[4]}
inline constexpr uint64_t kPipeHeaderSize = 16;   // {magic, size} and the rest in the stream
inline constexpr uint64_t kAttrSizeVer0 = 64;     // the oldest perf_event_attr

// perf_event_attr.sample_type bits.
enum SampleType : uint64_t {
  kSampleIp = 1 << 0,
  kSampleTid = 1 << 1,
  kSampleTime = 1 << 2,
  kSampleAddr = 1 << 3,
  kSampleRead = 1 << 4,
  kSampleCallchain = 1 << 5,
  kSampleId = 1 << 6,
  kSampleCpu = 1 << 7,
  kSamplePeriod = 1 << 8,
  kSampleStreamId = 1 << 9,
  kSampleRaw = 1 << 10,
  kSampleBranchStack = 1 << 11,
  kSampleRegsUser = 1 << 12,
  kSampleStackUser = 1 << 13,
  kSampleWeight = 1 << 14,
  kSampleDataSrc = 1 << 15,
  kSampleIdentifier = 1 << 16,
  kSampleTransaction = 1 << 17,
  kSampleRegsIntr = 1 << 18,
  kSamplePhysAddr = 1 << 19,
  kSampleAux = 1 << 20,
  kSampleCgroup = 1 << 21,
  kSampleDataPageSize = 1 << 22,
  kSampleCodePageSize = 1 << 23,
  kSampleWeightStruct = 1 << 24,
};

// perf_event_attr.read_format bits.
enum ReadFormat : uint64_t {
  kReadTotalTimeEnabled = 1 << 0,
  kReadTotalTimeRunning = 1 << 1,
  kReadId = 1 << 2,
  kReadGroup = 1 << 3,
  kReadLost = 1 << 4,
};

// perf_event_attr flag bits (the u64 at offset 40).
inline constexpr uint64_t kAttrFreq = 1 << 10;
inline constexpr uint64_t kAttrSampleIdAll = 1 << 18;
inline constexpr uint64_t kBranchHwIndex = 1 << 17;  // branch_sample_type

// Record types: the kernel's, then perf's own from 64.
enum RecordType : uint32_t {
  kRecordMmap = 1,
  kRecordComm = 3,
  kRecordFork = 7,
  kRecordSample = 9,
  kRecordMmap2 = 10,
  kRecordHeaderAttr = 64,
  kRecordHeaderBuildId = 67,
  kRecordFinishedRound = 68,
  kRecordEventUpdate = 78,
  kRecordHeaderFeature = 80,
  kRecordCompressed = 81,
};

inline constexpr uint16_t kMiscCommExec = 1 << 13;     // COMM: the thread exec'd
inline constexpr uint16_t kMiscMmapBuildId = 1 << 14;  // MMAP2 carries a build id
inline constexpr uint16_t kMiscBuildIdSize = 1 << 15;  // build_id_event's size byte is valid

// Feature bits (adds_features) whose sections are read.
inline constexpr int kFeatureBuildId = 2;
inline constexpr int kFeatureEventDesc = 12;

inline constexpr uint32_t kEventUpdateName = 2;  // EVENT_UPDATE's type for an event name

// Callchain entries at or above this (as u64) are context markers
// (PERF_CONTEXT_KERNEL, _USER, _GUEST...), not addresses.
inline constexpr uint64_t kContextMax = static_cast<uint64_t>(-4095);

}  // namespace cpprof::perf

#endif  // CPPROF_PROFILE_PERF_PERF_DATA_FORMAT_H_
