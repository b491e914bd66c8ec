// The public API of include/cpprof/cpprof.h: thin noexcept wrappers that turn
// internal Status values into cpprof::Error and never let an exception out.
// Tested by tests/runtime/named_profiles_test.cc, cpu_profile_test.cc and wall_profile_test.cc.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ostream>

#include "cpprof/cpprof.h"
#include "runtime/contention_format.h"
#include "runtime/count_format.h"
#include "runtime/cpu_profiler.h"
#include "runtime/heap_format.h"
#include "runtime/heap_sampler.h"
#include "runtime/named_profiles.h"
#include "runtime/profile_builder.h"
#include "runtime/signal_safe.h"
#include "runtime/thread_dump.h"
#include "runtime/wall_profiler.h"

namespace cpprof {

struct ProfileRefAccess {
  static ProfileRef Make(std::string name) { return ProfileRef(std::move(name)); }
};

namespace {

using runtime::LogLine;

Error ToError(const Status& s) { return s.ok() ? Error{} : Error{s.message()}; }

template <typename Fn>
Error Guard(Fn fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    return Error{std::string("cpprof: ") + e.what()};
  } catch (...) {
    return Error{"cpprof: unexpected failure"};
  }
}

Status WriteAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Error(std::string("writing profile: ") + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return {};
}

// Starts a profile written to path at its end. The file is opened now so
// that a bad path fails at start, as os.Create would in Go; truncated only
// once the profile started, so a refused second start leaves the running
// profile's file alone.
template <typename Start>
Error StartToFile(const std::string& path, Start start) noexcept {
  return Guard([&] {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Error{"open " + path + ": " + std::strerror(errno)};
    Status s = start([fd](const std::string& bytes) {
      Status w = WriteAll(fd, bytes);
      close(fd);
      return w;
    });
    if (!s.ok()) {
      close(fd);
    } else if (ftruncate(fd, 0) != 0) {
      LogLine("cannot truncate the profile file; it may keep old bytes at its end");
    }
    return ToError(s);
  });
}

}  // namespace

Error StartCPUProfile(const std::string& path) noexcept {
  return StartToFile(path,
                     [](runtime::ProfileSink sink) { return runtime::CpuProfiler::Get().Start(std::move(sink)); });
}

Error StartCPUProfile(int fd) noexcept {
  return Guard([&] {
    return ToError(runtime::CpuProfiler::Get().Start([fd](const std::string& bytes) { return WriteAll(fd, bytes); }));
  });
}

Error StartCPUProfile(std::ostream& out) noexcept {
  return Guard([&] {
    return ToError(runtime::CpuProfiler::Get().Start([&out](const std::string& bytes) {
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      return out.good() ? Status() : Status::Error("writing profile: stream failed");
    }));
  });
}

Error StopCPUProfile() noexcept {
  return Guard([] { return ToError(runtime::CpuProfiler::Get().Stop()); });
}

void SetCPUProfileRate(int hz) noexcept { runtime::CpuProfiler::Get().SetRate(hz); }

Error StartWallProfile(const std::string& path) noexcept {
  return StartToFile(path,
                     [](runtime::ProfileSink sink) { return runtime::WallProfiler::Get().Start(std::move(sink)); });
}

Error StartWallProfile(int fd) noexcept {
  return Guard([&] {
    return ToError(runtime::WallProfiler::Get().Start([fd](const std::string& bytes) { return WriteAll(fd, bytes); }));
  });
}

Error StopWallProfile() noexcept {
  return Guard([] { return ToError(runtime::WallProfiler::Get().Stop()); });
}

void SetWallProfileRate(int hz) noexcept { runtime::WallProfiler::Get().SetRate(hz); }

int64_t ProfileRef::Count() const noexcept {
  try {
    return runtime::ProfileCount(name_);
  } catch (...) {
    return 0;
  }
}

Error ProfileRef::WriteTo(std::ostream& out, int debug) const noexcept {
  runtime::NoSamplingScope scope;  // writing profiles is cpprof's work, not the host's
  return Guard([&] {
    std::string bytes;
    bool threads = name_ == "goroutine" || name_ == "threads";
    if (debug >= 2 && threads) {
      bytes = runtime::ThreadDumpText(runtime::DumpAllThreads());
    } else if (runtime::IsHeapProfile(name_)) {
      std::vector<runtime::HeapBucket> buckets = runtime::SnapshotHeapBuckets(/*with_ages=*/debug == 0);
      int64_t rate = runtime::MemProfileRate();
      bytes = debug == 0 ? runtime::HeapProfileProto(name_, buckets, rate, runtime::NowNanos(), 0)
                         : runtime::HeapProfileText(buckets, rate);
    } else if (runtime::IsContentionProfile(name_)) {
      runtime::ContentionKind kind = runtime::ContentionKindOf(name_);
      std::vector<runtime::ContentionRecord> records = runtime::SnapshotContention(kind);
      bytes = debug == 0 ? runtime::ContentionProfileProto(records, runtime::NowNanos(), 0)
                         : runtime::ContentionProfileText(kind, records);
    } else {
      runtime::CountTable table = runtime::CollectProfile(name_);
      int64_t total = 0;
      for (const auto& [_, count] : table) total += count;
      bytes = debug == 0 ? runtime::CountProfileProto(name_, table, runtime::NowNanos(), 0)
                         : runtime::CountProfileText(name_, table, total);
    }
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return out.good() ? Error{} : Error{"writing profile: stream failed"};
  });
}

void SetMemProfileRate(int64_t bytes) noexcept { runtime::SetMemProfileRateInternal(bytes); }

int64_t MemProfileRate() noexcept { return runtime::MemProfileRate(); }

int64_t SetMutexProfileFraction(int64_t rate) noexcept { return runtime::SetMutexProfileFractionInternal(rate); }

void SetBlockProfileRate(int64_t ns) noexcept { runtime::SetBlockProfileRateInternal(ns); }

void ProfileRef::Add(uint64_t key, int skip) const noexcept {
  try {
    runtime::CustomAdd(name_, key, skip);
  } catch (...) {
  }
}

void ProfileRef::Remove(uint64_t key) const noexcept {
  try {
    runtime::CustomRemove(name_, key);
  } catch (...) {
  }
}

std::optional<ProfileRef> Lookup(std::string_view name) noexcept {
  try {
    std::string n(name);
    if (!runtime::ProfileExists(n)) return std::nullopt;
    return ProfileRefAccess::Make(n);
  } catch (...) {
    return std::nullopt;
  }
}

std::vector<ProfileRef> Profiles() noexcept {
  std::vector<ProfileRef> out;
  try {
    for (std::string& n : runtime::ProfileNames()) out.push_back(ProfileRefAccess::Make(std::move(n)));
  } catch (...) {
  }
  return out;
}

std::optional<ProfileRef> NewProfile(const std::string& name, Error* error) noexcept {
  try {
    Status s = runtime::CreateCustomProfile(name);
    if (!s.ok()) {
      if (error != nullptr) *error = Error{s.message()};
      return std::nullopt;
    }
    return ProfileRefAccess::Make(name);
  } catch (...) {
    if (error != nullptr) *error = Error{"NewProfile: out of memory"};
    return std::nullopt;
  }
}

}  // namespace cpprof
