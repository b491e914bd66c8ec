#include "profile/legacy/legacy.h"

#include <array>
#include <string>
#include <string_view>

#include "profile/legacy/parsers.h"

namespace cpprof {
namespace {

// Frames that pprof drops by default per kind of legacy profile
// (addLegacyFrameInfo in legacy_profile.go): allocator internals for heap
// profiles, lock internals for contention, the CPU profiler's signal handler
// for the rest.
constexpr std::string_view kAllocFrames =
    R"(calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|pvalloc|valloc|realloc|)"
    R"(tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|tc_free|tc_memalign|tc_posix_memalign|tc_pvalloc|tc_valloc|)"
    R"(tc_realloc|tc_new|tc_delete|tc_newarray|tc_deletearray|tc_new_nothrow|tc_newarray_nothrow|)"
    R"(malloc_zone_malloc|malloc_zone_calloc|malloc_zone_valloc|malloc_zone_realloc|malloc_zone_memalign|)"
    R"(malloc_zone_free|runtime\..*|BaseArena::.*|(::)?do_malloc_no_errno|(::)?do_malloc_pages|(::)?do_malloc|)"
    R"(DoSampledAllocation|MallocedMemBlock::MallocedMemBlock|_M_allocate|__builtin_(vec_)?delete|)"
    R"(__builtin_(vec_)?new|__gnu_cxx::new_allocator::allocate|__libc_malloc|__malloc_alloc_template::allocate|)"
    R"(allocate|cpp_alloc|operator new(\[\])?|simple_alloc::allocate)";
// Go runtime frames worth keeping in the middle of heap stacks.
constexpr std::string_view kAllocKeepFrames = R"(runtime\.panic|runtime\.reflectcall|runtime\.call[0-9]*)";
constexpr std::string_view kLockFrames =
    R"(RecordLockProfileData|(base::)?RecordLockProfileData.*|(base::)?SubmitMutexProfileData.*|)"
    R"((base::)?SubmitSpinLockProfileData.*|(base::Mutex::)?AwaitCommon.*|(base::Mutex::)?Unlock.*|)"
    R"((base::Mutex::)?UnlockSlow.*|(base::Mutex::)?ReaderUnlock.*|(base::MutexLock::)?~MutexLock.*|)"
    R"((Mutex::)?AwaitCommon.*|(Mutex::)?Unlock.*|(Mutex::)?UnlockSlow.*|(Mutex::)?ReaderUnlock.*|)"
    R"((MutexLock::)?~MutexLock.*|(SpinLock::)?Unlock.*|(SpinLock::)?SlowUnlock.*|(SpinLockHolder::)?~SpinLockHolder.*)";
constexpr std::string_view kCpuProfilerFrames =
    R"(ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|__pthread_sighandler|__restore)";

bool HasTypes(const Profile& p, std::initializer_list<std::string_view> types) {
  if (p.sample_types.size() != types.size()) return false;
  size_t i = 0;
  for (std::string_view t : types) {
    if (p.str(p.sample_types[i++].type) != t) return false;
  }
  return true;
}

void SetDropFrames(Profile& p) {
  bool heap = HasTypes(p, {"allocations", "size"}) || HasTypes(p, {"objects", "space"}) ||
              HasTypes(p, {"inuse_objects", "inuse_space"}) || HasTypes(p, {"alloc_objects", "alloc_space"}) ||
              HasTypes(p, {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"});
  if (heap) {
    p.drop_frames = p.strings.Intern(kAllocFrames);
    p.keep_frames = p.strings.Intern(kAllocKeepFrames);
  } else if (HasTypes(p, {"contentions", "delay"})) {
    p.drop_frames = p.strings.Intern(kLockFrames);
    p.keep_frames = 0;
  } else {
    p.drop_frames = p.strings.Intern(kCpuProfilerFrames);
    p.keep_frames = 0;
  }
}

}  // namespace

Result<Profile> ParseLegacyProfile(std::string_view data) {
  using Parser = Result<Profile> (*)(std::string_view);
  constexpr std::array<Parser, 6> kParsers = {legacy::ParseCpuProfile,        legacy::ParseHeapProfile,
                                              legacy::ParseGoCountProfile,    legacy::ParseThreadProfile,
                                              legacy::ParseContentionProfile, legacy::ParseJavaProfile};
  for (Parser parse : kParsers) {
    Result<Profile> p = parse(data);
    if (p.ok()) {
      SetDropFrames(*p);
      return p;
    }
    if (!p.status().IsUnrecognized()) return p.status();
  }
  return legacy::Unrecognized();
}

}  // namespace cpprof
