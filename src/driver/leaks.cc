// Tested by tests/runtime/leaks_test.sh and tests/driver/cli_errors_test.sh.
#include "driver/leaks.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <thread>

#include <fmt/format.h>

#include "report/leaks.h"
#include "util/go_time.h"

namespace cpprof {
namespace {

// What tells one process from another: the main binary's build id and the
// runtime's "process <pid> started <time>" comment (either may be missing).
std::string ProcessOf(const Profile& p) {
  std::string who;
  if (!p.mappings.empty() && p.mappings[0].build_id != 0)
    who = "build id " + std::string(p.str(p.mappings[0].build_id));
  for (StrId c : p.comments) {
    std::string_view comment = p.str(c);
    if (comment.starts_with("process ")) who += (who.empty() ? "" : ", ") + std::string(comment);
  }
  return who;
}

// The sample types, "inuse_space/bytes, ...": a series is of one kind.
std::string KindOf(const Profile& p) {
  std::string kind;
  for (const ValueType& t : p.sample_types) {
    kind += fmt::format("{}{}/{}", kind.empty() ? "" : ", ", p.str(t.type), p.str(t.unit));
  }
  return kind;
}

Result<Profile> FetchOne(const SourceOptions& src, const std::string& source, std::vector<std::string>& warnings) {
  SourceOptions one = src;
  one.sources = {source};
  return FetchProfiles(one, warnings);
}

}  // namespace

Result<int64_t> CheckLeaksFlags(const LeaksFlags& f, const Command* format, int seconds, bool has_base) {
  if (!f.on) {
    if (f.count != 0 || !f.interval.empty()) return Status::Error("-count and -interval only go with -leaks");
    return int64_t{0};
  }
  if (format != nullptr)
    return Status::Error(fmt::format("-leaks is an output format of its own: drop -{}", format->name));
  if (seconds != -1)
    return Status::Error("-leaks takes snapshots, not delta profiles: use -count and -interval, not -seconds");
  if (has_base) return Status::Error("-leaks compares its snapshots with each other: drop -base and -diff_base");
  if (f.count < 0 || f.count == 1)
    return Status::Error(fmt::format("-count={}: -leaks needs two or more snapshots", f.count));
  if (f.count == 0) {
    if (!f.interval.empty()) return Status::Error("-interval needs -count, the number of snapshots");
    return int64_t{0};
  }
  int64_t nanos = 0;
  if (!ParseGoDuration(f.interval, &nanos) || nanos <= 0) {
    return Status::Error(fmt::format("-interval=\"{}\": give the time between snapshots, e.g. 30s or 1m", f.interval));
  }
  return nanos;
}

Result<std::vector<Profile>> FetchSnapshots(const SourceOptions& src, int count, int64_t interval_nanos,
                                            std::vector<std::string>& warnings) {
  std::vector<std::string> names;
  std::vector<Profile> snapshots;
  if (count > 0) {
    struct stat st;
    if (src.sources.size() != 1 || stat(src.sources[0].c_str(), &st) == 0) {
      return Status::Error("-count takes snapshots from one URL; files are snapshots already");
    }
    auto next = std::chrono::steady_clock::now();
    for (int i = 0; i < count; ++i) {
      if (i > 0) {
        next += std::chrono::nanoseconds(interval_nanos);
        std::this_thread::sleep_until(next);  // the interval the user asked for between snapshots
      }
      Result<Profile> p = FetchOne(src, src.sources[0], warnings);
      if (!p.ok()) return p.status();
      names.push_back(fmt::format("{} (snapshot {})", src.sources[0], i + 1));
      snapshots.push_back(std::move(*p));
    }
  } else {
    for (const std::string& source : src.sources) {
      Result<Profile> p = FetchOne(src, source, warnings);
      if (!p.ok()) {
        std::string message = p.status().message();  // a file's errors name it already
        return Status::Error(message.find(source) == std::string::npos ? source + ": " + message : message);
      }
      names.push_back(source);
      snapshots.push_back(std::move(*p));
    }
  }
  if (snapshots.size() < 2) return Status::Error("-leaks needs two or more snapshots of one process");
  std::vector<size_t> order(snapshots.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return snapshots[a].time_nanos < snapshots[b].time_nanos; });
  std::vector<Profile> sorted;
  std::string first_process = ProcessOf(snapshots[order[0]]);
  std::string first_kind = KindOf(snapshots[order[0]]);
  for (size_t i : order) {
    if (std::string kind = KindOf(snapshots[i]); kind != first_kind) {
      return Status::Error(fmt::format("snapshots of different kinds: {} ({}) and {} ({})", names[order[0]], first_kind,
                                       names[i], kind));
    }
    std::string process = ProcessOf(snapshots[i]);
    if (!process.empty() && !first_process.empty() && process != first_process) {
      return Status::Error(fmt::format("snapshots of different processes: {} ({}) and {} ({})", names[order[0]],
                                       first_process, names[i], process));
    }
    sorted.push_back(std::move(snapshots[i]));
  }
  return sorted;
}

Status GenerateLeaks(const std::vector<Profile>& snapshots, const Config& cfg, Ui& ui, bool json, ReportSink& sink) {
  const Command& top = *FindCommand("top");
  std::vector<Profile> copies = snapshots;  // preparing changes a profile
  std::vector<Report> reports;
  reports.reserve(copies.size());
  for (Profile& p : copies) {
    Result<PreparedReport> prepared = PrepareReport(p, top, cfg, ui);
    if (!prepared.ok()) return prepared.status();
    reports.emplace_back(p, std::move(prepared->options), prepared->total);
  }
  std::vector<Report*> series;
  for (Report& r : reports) series.push_back(&r);
  LeaksTable table = ComputeLeaks(series);
  int node_count = std::max(0, cfg.nodecount);
  return sink.Append(json ? LeaksJson(table, reports.back(), node_count)
                          : PrintLeaks(table, reports.back(), node_count));
}

Status RunLeaks(const std::vector<Profile>& snapshots, const Config& cfg, Ui& ui) {
  return WriteReport(*FindCommand("top"), cfg, ui,
                     [&](ReportSink& sink) { return GenerateLeaks(snapshots, cfg, ui, false, sink); });
}

}  // namespace cpprof
