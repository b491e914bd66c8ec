#include "driver/trace_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "driver/fetch.h"
#include "driver/flags.h"
#include "driver/output_file.h"
#include "profile/codec.h"
#include "trace/chrome_json.h"
#include "trace/derived_profiles.h"
#include "trace/summary_table.h"
#include "trace/thread_summary.h"
#include "trace/trace_reader.h"

namespace cpprof {
namespace {

constexpr const char* kTraceUsage = R"(usage: cpprof trace [flags] <trace file | URL>

Reads an execution trace recorded by libcpprof (a Perfetto trace: a file, or
a URL: host:port is fetched from /debug/pprof/trace) and, as go tool trace:

  -summary             Print where each thread's time went, by group of threads
                       with the same name and start routine (the default).
  -pprof=KIND          Write a profile derived from the trace, gzipped:
                         net      network waits        sync   lock and condition waits
                         syscall  other blocking calls sched  scheduler waits
                         wall     every thread's whole time, labelled by state
  -json                Write the trace in Chrome's JSON format (chrome://tracing,
                       ui.perfetto.dev, speedscope).
  -http=[host]:[port]  Serve the trace's web UI (localhost and a free port when
                       left out). -no_browser: do not open a browser.
  -output=FILE         Write to FILE instead of stdout.
  -seconds=N           For a URL: record N seconds (the server's default: 1).
  -timeout=N           For a URL: give up after N seconds (default 1.5 x -seconds).

The trace itself opens in https://ui.perfetto.dev as it is.
)";

struct TraceFlags {
  bool summary = false, json = false, no_browser = false;
  std::string pprof, output, http;
  HttpOptions fetch;
};

Status Write(const TraceFlags& f, std::string_view data) {
  if (!f.output.empty()) return WriteFile(f.output, data);
  if (std::fwrite(data.data(), 1, data.size(), stdout) != data.size() || std::fflush(stdout) != 0) {
    return Status::Error("writing to stdout failed");
  }
  return Status();
}

}  // namespace

Status RunTraceCommand(const std::vector<std::string>& args, const TraceWebUI& web, Ui& ui) {
  TraceFlags f;
  FlagSet flags;
  flags.Bool("summary", &f.summary);
  flags.String("pprof", &f.pprof);
  flags.Bool("json", &f.json);
  flags.String("output", &f.output);
  flags.String("http", &f.http);
  flags.Bool("no_browser", &f.no_browser);
  flags.Int("seconds", &f.fetch.seconds);
  flags.Int("timeout", &f.fetch.timeout);
  bool help = false;
  Result<std::vector<std::string>> sources = flags.Parse(args, &help);
  if (help) {
    std::fputs(kTraceUsage, stderr);
    return Status();
  }
  const std::string see_usage = " (cpprof trace -h for usage)";
  if (!sources.ok()) return Status::Error(sources.status().message() + see_usage);
  if (sources->size() != 1) return Status::Error("cpprof trace takes one trace file or URL" + see_usage);
  std::optional<trace::DerivedKind> kind;
  if (!f.pprof.empty()) {
    kind = trace::ParseDerivedKind(f.pprof);
    if (!kind) return Status::Error(fmt::format("-pprof={}: want net, sync, syscall, sched or wall", f.pprof));
  }
  const bool modes[] = {f.summary, kind.has_value(), f.json, !f.http.empty()};
  if (std::count(std::begin(modes), std::end(modes), true) > 1) {
    return Status::Error("choose one of -summary, -pprof, -json and -http");
  }
  if (!f.http.empty() && !f.output.empty()) return Status::Error("-output does not go with -http");
  if (f.no_browser && f.http.empty()) return Status::Error("-no_browser only makes sense with -http");
  if (!f.http.empty() && !web) return Status::Error("-http is not available in this build");

  std::string fetched_url;
  auto progress = [&ui](const std::string& message) { ui.Err(message); };
  Result<Bytes> bytes = ReadSource(sources->front(), f.fetch, kTracePath, progress, &fetched_url);
  if (!bytes.ok()) return bytes.status();
  Result<trace::TraceModel> m = trace::ReadTrace(View(*bytes));
  if (!m.ok()) return m.status().WithContext(sources->front());
  if (!m->has_end_event) ui.Err("warning: the trace has no end event (cut short?); it ends at its last event");

  if (kind) return Write(f, WriteProfile(trace::BuildDerivedProfile(*m, *kind)));
  if (f.json) return Write(f, trace::ChromeJson(*m));
  if (!f.http.empty()) return web(*m, View(*bytes), f.http, !f.no_browser, ui);
  return Write(f, trace::FormatSummaryTable(*m, trace::SummarizeThreads(*m)));
}

}  // namespace cpprof
