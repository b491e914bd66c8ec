// Field numbers of profile.proto (package perftools.profiles), shared by the
// decoder and the encoder so the two cannot drift apart.
#ifndef CPPROF_PROFILE_PROTO_FORMAT_H_
#define CPPROF_PROFILE_PROTO_FORMAT_H_

#include <cstdint>

namespace cpprof::proto {

enum ProfileField : uint32_t {
  kSampleType = 1,
  kSample = 2,
  kMapping = 3,
  kLocation = 4,
  kFunction = 5,
  kStringTable = 6,
  kDropFrames = 7,
  kKeepFrames = 8,
  kTimeNanos = 9,
  kDurationNanos = 10,
  kPeriodType = 11,
  kPeriod = 12,
  kComment = 13,
  kDefaultSampleType = 14,
  kDocUrl = 15,
};
enum ValueTypeField : uint32_t { kVtType = 1, kVtUnit = 2 };
enum SampleField : uint32_t { kSampleLocationId = 1, kSampleValue = 2, kSampleLabel = 3 };
enum LabelField : uint32_t { kLabelKey = 1, kLabelStr = 2, kLabelNum = 3, kLabelNumUnit = 4 };
enum MappingField : uint32_t {
  kMappingId = 1,
  kMappingStart = 2,
  kMappingLimit = 3,
  kMappingOffset = 4,
  kMappingFilename = 5,
  kMappingBuildId = 6,
  kMappingHasFunctions = 7,
  kMappingHasFilenames = 8,
  kMappingHasLineNumbers = 9,
  kMappingHasInlineFrames = 10,
};
enum LocationField : uint32_t {
  kLocationId = 1,
  kLocationMappingId = 2,
  kLocationAddress = 3,
  kLocationLine = 4,
  kLocationIsFolded = 5,
};
enum LineField : uint32_t { kLineFunctionId = 1, kLineLine = 2, kLineColumn = 3 };
enum FunctionField : uint32_t {
  kFunctionId = 1,
  kFunctionName = 2,
  kFunctionSystemName = 3,
  kFunctionFilename = 4,
  kFunctionStartLine = 5,
};

}  // namespace cpprof::proto

#endif  // CPPROF_PROFILE_PROTO_FORMAT_H_
