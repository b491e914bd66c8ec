// cpprof runtime: what Go's runtime/pprof gives Go programs, for C++ programs.
// Link libcpprof (or LD_PRELOAD build/lib/libcpprof.so) and:
//
//   cpprof::StartCPUProfile("cpu.pb.gz");   ...   cpprof::StopCPUProfile();
//   cpprof::Lookup("goroutine")->WriteTo(std::cout, 1);
//   cpprof::Do({{"request", "checkout"}}, [&] { Handle(); });
//
// Contract: the runtime is a guest in the host process. No function here
// throws or aborts; failures come back as an Error and, for background work,
// as one line on stderr, after which that part of the runtime switches itself
// off. Every function is safe to call from any thread, except from a signal
// handler. Profiles are gzipped profile.proto, symbolized in-process when
// written, readable by `go tool pprof` and `cpprof` with no binary at hand.
#ifndef CPPROF_CPPROF_H_
#define CPPROF_CPPROF_H_

#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Symbols of the public API; everything else in libcpprof.so is hidden.
#define CPPROF_EXPORT __attribute__((visibility("default")))

namespace cpprof {

// Empty message = success.
struct [[nodiscard]] Error {
  std::string message;
  bool ok() const { return message.empty(); }
};

// --- CPU profile ----------------------------------------------------------
// Samples every thread's CPU time (per-thread CPU-time timers, SIGPROF) until
// StopCPUProfile, then writes the profile to the destination. Only one CPU
// profile runs at a time: a second Start fails with
// "cpu profiling already in use". The stream must outlive StopCPUProfile; the
// fd is not closed.
CPPROF_EXPORT Error StartCPUProfile(const std::string& path) noexcept;
CPPROF_EXPORT Error StartCPUProfile(int fd) noexcept;
CPPROF_EXPORT Error StartCPUProfile(std::ostream& out) noexcept;
// Stops sampling and writes the profile; returns the write error, if any.
CPPROF_EXPORT Error StopCPUProfile() noexcept;
// Samples per second of CPU time per thread, applied at the next start;
// default 100, clamped to [1, 1000] (CPU-clock timers fire on the scheduler
// tick, so higher rates are not delivered faithfully).
CPPROF_EXPORT void SetCPUProfileRate(int hz) noexcept;

// --- Wall-clock profile ----------------------------------------------------
// Samples every thread's stack, on CPU or off, SetWallProfileRate times a
// second until StopWallProfile, each sample labelled with the thread's
// `state`: sync, network, syscall or sleep inside a blocking call cpprof
// interposes (locks, condition variables, semaphores, joins, socket and file
// calls, sleeps: no signal is sent to such a thread), running when on CPU,
// other when off CPU in a call cpprof does not see. Sample types
// samples/count and wall/nanoseconds. One wall profile at a time: a second
// Start fails with "wall profiling already in use"; it runs beside a CPU
// profile. The fd is not closed. Off, it costs nothing.
CPPROF_EXPORT Error StartWallProfile(const std::string& path) noexcept;
CPPROF_EXPORT Error StartWallProfile(int fd) noexcept;
// Stops sampling and writes the profile; returns the write error, if any.
CPPROF_EXPORT Error StopWallProfile() noexcept;
// Rounds per second, applied at the next start; default 100, clamped to
// [1, 250] (each round signals every thread that is not in a blocking call).
CPPROF_EXPORT void SetWallProfileRate(int hz) noexcept;

// --- Heap and allocs --------------------------------------------------------
// Allocations through the malloc family (operator new included) are sampled
// as a Poisson process over bytes: on average one sample per `bytes`
// allocated (Go's MemProfileRate; default 512 KiB, 1 = every allocation,
// 0 = off). Set it once, early (or with CPPROF_MEMPROFILE_RATE): profiles
// are unsampled with the current rate. The "heap" and "allocs" profiles
// (Lookup) hold the samples.
CPPROF_EXPORT void SetMemProfileRate(int64_t bytes) noexcept;
CPPROF_EXPORT int64_t MemProfileRate() noexcept;

// --- Mutex and block -------------------------------------------------------
// Go's semantics over pthread mutexes, rwlocks and condition variables
// (std::mutex, std::shared_mutex, std::condition_variable). Both are off by
// default.
// mutex: the stack of the unlock that ended a critical section, charged with
// the time other threads waited for it; on average 1 event in `rate` is
// kept (and scaled by rate). 0 turns it off; a negative rate only reads.
// Returns the previous rate.
CPPROF_EXPORT int64_t SetMutexProfileFraction(int64_t rate) noexcept;
// block: the stack of the waiting thread, charged with the time it was
// blocked; events of at least `ns` nanoseconds are all kept, shorter ones
// with probability duration/ns (1 = every event, 0 = off).
CPPROF_EXPORT void SetBlockProfileRate(int64_t ns) noexcept;

// --- Named profiles (goroutine/threads, heap, allocs, mutex, block,
// threadcreate, custom)
class CPPROF_EXPORT ProfileRef {
 public:
  const std::string& Name() const { return name_; }
  // Number of entries: threads alive, threads created, heap records (every
  // (stack, size) sampled so far), or custom keys.
  int64_t Count() const noexcept;
  // debug=0: gzipped profile.proto; debug=1: Go's counted text format;
  // debug=2 (goroutine/threads only): one stack per thread, like a Go dump.
  // heap and allocs: Go's heap proto, and its "heap profile:" text.
  // mutex and block: contentions and delay; debug=1 is Go's "--- mutex:" or
  // "--- contention:" text.
  Error WriteTo(std::ostream& out, int debug) const noexcept;
  // Custom profiles only: records the caller's stack for key, skipping `skip`
  // frames above Add's caller. Adding an existing key or removing a missing
  // one is ignored (Go panics; a guest must not).
  void Add(uint64_t key, int skip = 0) const noexcept;
  void Remove(uint64_t key) const noexcept;

 private:
  friend struct ProfileRefAccess;
  explicit ProfileRef(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

// The profile called name ("goroutine", "threads", "heap", "allocs",
// "mutex", "block", "threadcreate" or a custom one), or nullopt.
CPPROF_EXPORT std::optional<ProfileRef> Lookup(std::string_view name) noexcept;
// Every profile, sorted by name.
CPPROF_EXPORT std::vector<ProfileRef> Profiles() noexcept;
// Creates a custom profile. A name already taken (built in or custom) or an
// empty name returns nullopt and sets *error when given.
CPPROF_EXPORT std::optional<ProfileRef> NewProfile(const std::string& name, Error* error = nullptr) noexcept;

// --- Labels ---------------------------------------------------------------
// Labels of the current thread attach to its CPU samples and thread-dump
// entries, and threads created while they are set inherit them.
using LabelSet = std::vector<std::pair<std::string, std::string>>;

// Adds labels to the current thread's set (a key already set is replaced)
// until destruction, which restores the previous set. Label sets are interned
// for the life of the process: keep label values to a bounded set (a route,
// not a request id).
class CPPROF_EXPORT ScopedLabels {
 public:
  explicit ScopedLabels(const LabelSet& labels) noexcept;
  ScopedLabels(std::initializer_list<std::pair<std::string, std::string>> labels) noexcept
      : ScopedLabels(LabelSet(labels)) {}
  ~ScopedLabels();
  ScopedLabels(const ScopedLabels&) = delete;
  ScopedLabels& operator=(const ScopedLabels&) = delete;

 private:
  const void* previous_;
};

// Runs fn with labels added, like Go's pprof.Do.
template <typename Fn>
void Do(const LabelSet& labels, Fn&& fn) {
  ScopedLabels scope(labels);
  fn();
}

// The current thread's labels, sorted by key.
CPPROF_EXPORT LabelSet CurrentLabels() noexcept;

}  // namespace cpprof

#endif  // CPPROF_CPPROF_H_
