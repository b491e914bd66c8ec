#include "web/trace_server.h"

#include <httplib.h>

#include <cstdlib>
#include <memory>
#include <utility>
#include <vector>

#include "driver/config.h"
#include "trace/derived_profiles.h"
#include "trace/thread_summary.h"
#include "web/assets.h"
#include "web/listen.h"
#include "web/server.h"
#include "web/trace_json.h"

namespace cpprof {
namespace {

// Sends body as it is. cpp-httplib compresses a JSON body with brotli at its
// highest quality when the browser accepts it: a 53 MB timeline (1.28M
// waits) took about 2 minutes, where loopback carries it in 0.3 s. A
// content provider of known length is not compressed.
void SetUncompressed(httplib::Response& res, const std::string& body, const char* type) {
  res.set_content_provider(body.size(), type, [&body](size_t offset, size_t length, httplib::DataSink& sink) {
    return sink.write(body.data() + offset, length);
  });
}

}  // namespace

Status ServeTraceUI(const trace::TraceModel& m, std::string_view trace_bytes, const std::string& address,
                    bool open_browser, Ui& ui) {
  httplib::Server server;
  // The page's views, one page: its script draws the view its path names.
  auto page = [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(kAsset_trace_html), "text/html; charset=utf-8");
  };
  for (const char* view : {"/", "/timeline", "/threads", "/tasks", "/regions"}) server.Get(view, page);
  server.Get("/trace.js", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(kAsset_trace_js), "text/javascript; charset=utf-8");
  });
  server.Get("/trace.css", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(kAsset_trace_css), "text/css; charset=utf-8");
  });
  // The data are computed once: the trace does not change while served.
  const std::string summary = TraceSummaryJson(m, trace::SummarizeThreads(m));
  const std::string timeline = TraceTimelineJson(m);
  server.Get("/data/summary", [&summary](const httplib::Request&, httplib::Response& res) {
    res.set_content(summary, "application/json");
  });
  server.Get("/data/timeline", [&timeline](const httplib::Request&, httplib::Response& res) {
    SetUncompressed(res, timeline, "application/json");
  });
  server.Get("/data/stack", [&m](const httplib::Request& req, httplib::Response& res) {
    res.set_content(TraceStackJson(m, std::strtoull(req.get_param_value("id").c_str(), nullptr, 10)),
                    "application/json");
  });
  server.Get("/trace.pftrace", [trace_bytes](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Disposition", "attachment;filename=trace.pftrace");
    res.set_content(std::string(trace_bytes), "application/octet-stream");
  });
  // The derived profiles in the pprof views.
  std::vector<std::unique_ptr<ProfileViews>> profiles;
  for (trace::DerivedKind kind : {trace::DerivedKind::kNet, trace::DerivedKind::kSync, trace::DerivedKind::kSyscall,
                                  trace::DerivedKind::kSched, trace::DerivedKind::kWall}) {
    profiles.push_back(std::make_unique<ProfileViews>(server, "/pprof/" + std::string(trace::DerivedKindName(kind)),
                                                      trace::BuildDerivedProfile(m, kind), Config(), ui));
  }
  // go tool trace's paths of the four profiles lead to them.
  for (auto [go_path, kind] : {std::pair("/io", "net"), std::pair("/block", "sync"), std::pair("/syscall", "syscall"),
                               std::pair("/sched", "sched")}) {
    server.Get(go_path, [kind](const httplib::Request&, httplib::Response& res) {
      res.set_redirect(std::string("/pprof/") + kind + "/ui/flamegraph", 307);
    });
  }
  return ListenAndServe(server, address, open_browser, "", ui);
}

}  // namespace cpprof
