// HandleDebugRequest: net/http/pprof's routes, parameters, status codes,
// headers and messages (Go 1.19 net/http/pprof/pprof.go), served from a plain
// (method, path, query, body) request so any server can mount it.
// Tested by tests/runtime/http_test.sh (read by cpprof and by go tool pprof,
// and garbage sent over a raw socket) and trace_test.sh (the trace).
#include <malloc.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "cpprof/http.h"
#include "runtime/contention_format.h"
#include "runtime/count_format.h"
#include "runtime/cpu_profiler.h"
#include "runtime/heap_format.h"
#include "runtime/heap_sampler.h"
#include "runtime/metrics.h"
#include "runtime/modules.h"
#include "runtime/named_profiles.h"
#include "runtime/profile_builder.h"
#include "runtime/query.h"
#include "runtime/trace_recorder.h"
#include "runtime/wall_profiler.h"
#include "symbolize/elf_symbolizer.h"

namespace cpprof {
namespace {

using runtime::QueryValue;

constexpr const char kPrefix[] = "/debug/pprof/";

void SetHeader(HttpResponse& r, const std::string& key, const std::string& value) {
  for (auto& [k, v] : r.headers) {
    if (k == key) {
      v = value;
      return;
    }
  }
  r.headers.emplace_back(key, value);
}

void DelHeader(HttpResponse& r, const std::string& key) {
  std::erase_if(r.headers, [&](const auto& h) { return h.first == key; });
}

// Go's serveError.
void ServeError(HttpResponse& r, int status, const std::string& text) {
  SetHeader(r, "Content-Type", "text/plain; charset=utf-8");
  SetHeader(r, "X-Go-Pprof", "1");
  DelHeader(r, "Content-Disposition");
  r.status = status;
  r.body = text + "\n";
}

void Binary(HttpResponse& r, const std::string& filename) {
  SetHeader(r, "Content-Type", "application/octet-stream");
  SetHeader(r, "Content-Disposition", "attachment; filename=\"" + filename + "\"");
}

// strconv.Atoi: the whole string must be a decimal integer.
bool ParseInt(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || *end != 0 || std::isspace(static_cast<unsigned char>(s[0]))) return false;
  *out = v;
  return true;
}

int64_t IntOr(const std::string& s, int64_t fallback) {
  int64_t v = 0;
  return ParseInt(s, &v) ? v : fallback;
}

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\'': out += "&#39;"; break;
      case '"': out += "&#34;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Description(const std::string& name) {
  if (name == "goroutine") return "Stack traces of all current threads (named after Go's goroutine profile)";
  if (name == "threads") return "Stack traces of all current threads";
  if (name == "threadcreate") return "Stack traces that led to the creation of new OS threads";
  if (name == "cmdline") return "The command line invocation of the current program";
  if (name == "allocs") return "A sampling of all past memory allocations";
  if (name == "block") return "Stack traces that led to blocking on synchronization primitives";
  if (name == "mutex") return "Stack traces of holders of contended mutexes";
  if (name == "heap") {
    return "A sampling of memory allocations of live objects. You can specify the gc GET parameter to run GC "
           "before taking the heap sample.";
  }
  if (name == "profile") {
    return "CPU profile. You can specify the duration in the seconds GET parameter. After you get the profile "
           "file, use the go tool pprof command to investigate the profile.";
  }
  if (name == "wall") {
    return "Wall-clock profile: every thread's stack, on CPU or off, with a state label. You can specify the "
           "duration in the seconds GET parameter.";
  }
  if (name == "trace") {
    return "A trace of execution of the current program. You can specify the duration in the seconds GET "
           "parameter. After you get the trace file, use the go tool trace command to investigate the trace.";
  }
  return "";
}

void Index(HttpResponse& r) {
  SetHeader(r, "X-Content-Type-Options", "nosniff");
  SetHeader(r, "Content-Type", "text/html; charset=utf-8");
  struct Entry {
    std::string name;
    int64_t count;
  };
  std::vector<Entry> entries;
  for (const std::string& n : runtime::ProfileNames()) entries.push_back({n, runtime::ProfileCount(n)});
  entries.push_back({"cmdline", 0});
  entries.push_back({"profile", 0});
  entries.push_back({"trace", 0});
  entries.push_back({"wall", 0});
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  std::string& b = r.body;
  b = "<html>\n<head>\n<title>/debug/pprof/</title>\n<style>\n.profile-name{\n\tdisplay:inline-block;\n"
      "\twidth:6rem;\n}\n</style>\n</head>\n<body>\n/debug/pprof/<br>\n<br>\nTypes of profiles available:\n"
      "<table>\n<thead><td>Count</td><td>Profile</td></thead>\n";
  for (const Entry& e : entries) {
    b += "<tr><td>" + std::to_string(e.count) + "</td><td><a href='" + runtime::PathEscape(e.name) + "?debug=1'>" +
         HtmlEscape(e.name) + "</a></td></tr>\n";
  }
  b += "</table>\n<a href=\"goroutine?debug=2\">full goroutine stack dump</a>\n<br>\n<p>\n"
       "Profile Descriptions:\n<ul>\n";
  for (const Entry& e : entries) {
    b +=
        "<li><div class=profile-name>" + HtmlEscape(e.name) + ": </div> " + HtmlEscape(Description(e.name)) + "</li>\n";
  }
  b += "</ul>\n</p>\n</body>\n</html>";
}

void Cmdline(HttpResponse& r) {
  SetHeader(r, "X-Content-Type-Options", "nosniff");
  SetHeader(r, "Content-Type", "text/plain; charset=utf-8");
  std::string args;
  if (FILE* f = std::fopen("/proc/self/cmdline", "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) args.append(buf, n);
    std::fclose(f);
  }
  if (!args.empty() && args.back() == '\0') args.pop_back();  // joined by NUL, as strings.Join(os.Args, "\x00")
  r.body = args;
}

// Go's Profile handler, for the CPU and the wall-clock profile: `seconds`
// (default 30), the profile recorded that long between start(sink) and
// stop(); enabling and writing name the profile in their 500s.
template <typename Start, typename Stop>
void TimedProfile(const HttpRequest& req, HttpResponse& r, const char* name, const std::string& enabling,
                  const std::string& writing, Start start, Stop stop) {
  SetHeader(r, "X-Content-Type-Options", "nosniff");
  int64_t sec = IntOr(QueryValue(req.query, "seconds"), 0);
  if (sec <= 0) sec = 30;
  Binary(r, name);
  std::string bytes;
  Status s = start([&bytes](const std::string& b) {
    bytes = b;
    return Status();
  });
  if (!s.ok()) return ServeError(r, 500, "Could not enable " + enabling + ": " + s.message());
  std::this_thread::sleep_for(std::chrono::seconds(sec));
  if (!stop().ok()) return ServeError(r, 500, "Could not write " + writing);
  r.body = std::move(bytes);
}

void CpuProfile(const HttpRequest& req, HttpResponse& r) {
  TimedProfile(
      req, r, "profile", "CPU profiling", "CPU profile",
      [](runtime::ProfileSink sink) { return runtime::CpuProfiler::Get().Start(std::move(sink)); },
      [] { return runtime::CpuProfiler::Get().Stop(); });
}

// `hz` sets this profile's rate (0: the default; Start clamps the rest).
void WallProfile(const HttpRequest& req, HttpResponse& r) {
  int hz = static_cast<int>(std::clamp<int64_t>(IntOr(QueryValue(req.query, "hz"), 0), 0, 1000));
  TimedProfile(
      req, r, "wall", "wall-clock profiling", "wall-clock profile",
      [hz](runtime::ProfileSink sink) { return runtime::WallProfiler::Get().Start(std::move(sink), hz); },
      [] { return runtime::WallProfiler::Get().Stop(); });
}

// The trace's bytes between the flusher, which pushes them, and the request's
// thread, which sends them to the client.
class TracePipe {
 public:
  // The sink's side; false once the client is gone.
  bool Push(std::string_view bytes) {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    pending_.append(bytes);
    ready_.notify_one();
    return true;
  }
  // What arrived, waiting for some until `deadline`.
  std::string Take(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu_);
    ready_.wait_until(lock, deadline, [&] { return !pending_.empty(); });
    return std::exchange(pending_, {});
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  // Ends the trace, once; the pipe's last owner does if the response was
  // never streamed (a HEAD request, a server that dropped the response), so
  // that the tracer is not left running for good.
  void StopTrace() {
    if (!std::exchange(stopped_, true)) (void)runtime::StopTracing();
  }
  ~TracePipe() { StopTrace(); }

 private:
  bool stopped_ = false;  // by the request's thread only
  std::mutex mu_;
  std::condition_variable ready_;
  std::string pending_;
  bool closed_ = false;
};

// Go's Trace handler: seconds as ParseFloat (<= 0 or unparsable: 1), the
// trace streamed while it records.
void Trace(const HttpRequest& req, HttpResponse& r) {
  SetHeader(r, "X-Content-Type-Options", "nosniff");
  std::string arg = QueryValue(req.query, "seconds");
  char* end = nullptr;
  double sec = arg.empty() ? 0 : std::strtod(arg.c_str(), &end);
  if (arg.empty() || *end != 0 || !(sec > 0) || std::isnan(sec)) sec = 1;
  sec = std::min(sec, 1e9);  // +Inf and the like: a deadline that still fits steady_clock
  Binary(r, "trace");
  auto pipe = std::make_shared<TracePipe>();
  // The recorder's sink holds the pipe weakly: the response owns it.
  Status s = runtime::StartTracing([weak = std::weak_ptr<TracePipe>(pipe)](std::string_view bytes) {
    std::shared_ptr<TracePipe> p = weak.lock();
    return p != nullptr && p->Push(bytes);
  });
  if (!s.ok()) return ServeError(r, 500, "Could not enable tracing: " + s.message());
  r.stream = [pipe, sec](const std::function<bool(std::string_view)>& send) {
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(sec));
    while (std::chrono::steady_clock::now() < deadline) {
      std::string bytes = pipe->Take(deadline);
      if (!bytes.empty() && !send(bytes)) {
        pipe->Close();
        break;
      }
    }
    pipe->StopTrace();  // a write error means the client left: nothing to tell it
    std::string rest = pipe->Take(std::chrono::steady_clock::now());
    if (!rest.empty()) send(rest);
  };
}

// strconv.ParseUint(word, 0, 64): 0x, 0o, 0b prefixes, a leading 0 for octal.
uint64_t ParseAddress(std::string word) {
  std::erase(word, '_');
  if (word.empty() || !std::isdigit(static_cast<unsigned char>(word[0]))) return 0;
  int base = 10;
  size_t at = 0;
  if (word.size() > 1 && word[0] == '0') {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(word[1])));
    base = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 8;
    at = (c == 'x' || c == 'o' || c == 'b') ? 2 : 1;
  }
  if (at >= word.size()) return 0;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(word.c_str() + at, &end, base);
  return (errno != 0 || *end != 0 || word[at] == '-' || word[at] == '+') ? 0 : v;
}

void Symbol(const HttpRequest& req, HttpResponse& r) {
  SetHeader(r, "X-Content-Type-Options", "nosniff");
  SetHeader(r, "Content-Type", "text/plain; charset=utf-8");
  r.body = "num_symbols: 1\n";
  const std::string& in = req.method == "POST" ? req.body : req.query;
  ElfSymbolizer symbolizer;
  for (const runtime::Module& m : runtime::LoadedModules()) {
    if (!m.path.empty()) symbolizer.AddModule(m.path, m.bias);
  }
  SymbolizedAddress s;
  size_t pos = 0;
  while (pos <= in.size()) {
    size_t plus = in.find('+', pos);
    std::string word = in.substr(pos, plus == std::string::npos ? std::string::npos : plus - pos);
    if (uint64_t pc = ParseAddress(word)) {
      symbolizer.Lookup(pc, &s);
      if (!s.frames.empty()) {
        char hex[24];
        std::snprintf(hex, sizeof(hex), "%#llx", static_cast<unsigned long long>(pc));
        r.body += std::string(hex) + " " + std::string(s.frames.back().function) + "\n";
      }
    }
    if (plus == std::string::npos) break;
    pos = plus + 1;
  }
}

void DeltaProfile(const std::string& name, const HttpRequest& req, const std::string& sec_str, HttpResponse& r) {
  int64_t sec = 0;
  if (!ParseInt(sec_str, &sec) || sec <= 0) {
    return ServeError(r, 400, "invalid value for \"seconds\" - must be a positive integer");
  }
  if (!runtime::SupportsDelta(name)) {
    return ServeError(r, 400, "\"seconds\" parameter is not supported for this profile type");
  }
  if (IntOr(QueryValue(req.query, "debug"), 0) != 0) {
    return ServeError(r, 400, "seconds and debug params are incompatible");
  }
  int64_t t0 = runtime::NowNanos();
  Binary(r, name + "-delta");
  if (runtime::IsHeapProfile(name)) {
    std::vector<runtime::HeapBucket> p0 = runtime::SnapshotHeapBuckets();
    std::this_thread::sleep_for(std::chrono::seconds(sec));
    int64_t t1 = runtime::NowNanos();
    std::vector<runtime::HeapBucket> p1 = runtime::SnapshotHeapBuckets();
    r.body = runtime::HeapProfileProto(name, runtime::SubtractHeap(p1, p0), runtime::MemProfileRate(), t1, t1 - t0);
    return;
  }
  if (runtime::IsContentionProfile(name)) {
    runtime::ContentionKind kind = runtime::ContentionKindOf(name);
    std::vector<runtime::ContentionRecord> p0 = runtime::SnapshotContention(kind);
    std::this_thread::sleep_for(std::chrono::seconds(sec));
    int64_t t1 = runtime::NowNanos();
    r.body = runtime::ContentionProfileProto(runtime::SubtractContention(runtime::SnapshotContention(kind), p0), t1,
                                             t1 - t0);
    return;
  }
  runtime::CountTable p0 = runtime::CollectProfile(name);
  std::this_thread::sleep_for(std::chrono::seconds(sec));
  int64_t t1 = runtime::NowNanos();
  runtime::CountTable p1 = runtime::CollectProfile(name);
  r.body = runtime::CountProfileProto(name, runtime::Subtract(p1, p0), t1, t1 - t0);
}

void NamedProfile(const std::string& name, const HttpRequest& req, HttpResponse& r) {
  SetHeader(r, "X-Content-Type-Options", "nosniff");
  std::optional<ProfileRef> p = Lookup(name);
  if (!p) return ServeError(r, 404, "Unknown profile");
  // Go runs a GC for gc=1; returning freed memory to the system is the
  // nearest thing malloc has.
  if (name == "heap" && IntOr(QueryValue(req.query, "gc"), 0) > 0) malloc_trim(0);
  std::string sec = QueryValue(req.query, "seconds");
  if (!sec.empty()) return DeltaProfile(name, req, sec, r);
  int64_t debug = IntOr(QueryValue(req.query, "debug"), 0);
  if (debug != 0) {
    SetHeader(r, "Content-Type", "text/plain; charset=utf-8");
  } else {
    Binary(r, name);
  }
  std::ostringstream out;
  Error e = p->WriteTo(out, static_cast<int>(std::clamp<int64_t>(debug, -1, 2)));
  if (!e.ok()) return ServeError(r, 500, e.message);
  r.body = out.str();
}

}  // namespace

HttpResponse HandleDebugRequest(const HttpRequest& req) noexcept {
  HttpResponse r;
  runtime::NoSamplingScope no_sampling;  // serving profiles is cpprof's work, not the host's
  try {
    std::string path = runtime::PathUnescape(req.path);
    if (path == "/metrics") {
      SetHeader(r, "Content-Type", runtime::kMetricsContentType);
      r.body = runtime::PrometheusMetrics();
    } else if (path == "/debug/pprof/cmdline") {
      Cmdline(r);
    } else if (path == "/debug/pprof/profile") {
      CpuProfile(req, r);
    } else if (path == "/debug/pprof/wall") {
      WallProfile(req, r);
    } else if (path == "/debug/pprof/trace") {
      Trace(req, r);
    } else if (path == "/debug/pprof/symbol") {
      Symbol(req, r);
    } else if (path.starts_with(kPrefix) && path.size() > sizeof(kPrefix) - 1) {
      NamedProfile(path.substr(sizeof(kPrefix) - 1), req, r);
    } else if (path == kPrefix) {
      Index(r);
    } else {
      r = HttpResponse{};
      r.status = 404;
      SetHeader(r, "Content-Type", "text/plain; charset=utf-8");
      SetHeader(r, "X-Content-Type-Options", "nosniff");
      r.body = "404 page not found\n";
    }
  } catch (...) {
    r = HttpResponse{};
    ServeError(r, 500, "internal error");
  }
  return r;
}

}  // namespace cpprof
