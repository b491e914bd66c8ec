#include "trace/summary_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>

#include "util/go_time.h"

namespace cpprof::trace {
namespace {

constexpr std::array<const char*, 11> kHeader = {"GROUP / THREAD", "TID",        "START ROUTINE", "WALL",
                                                 "ON CPU",         "SCHED WAIT", "SYNC BLOCK",    "NETWORK WAIT",
                                                 "SYSCALL",        "SLEEP",      "UNKNOWN"};
constexpr size_t kFirstNumber = 3;  // columns from here on are right-aligned

using Row = std::array<std::string, kHeader.size()>;

// Display width: µs is two bytes and one column.
size_t Width(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

void FillTimes(Row& row, const ThreadTimes& t) {
  int64_t values[] = {t.wall, t.on_cpu, t.sched, t.sync, t.network, t.syscall, t.sleep, t.unknown};
  for (size_t i = 0; i < std::size(values); ++i) row[kFirstNumber + i] = ShortDuration(values[i]);
}

std::string Layout(const std::vector<Row>& rows) {
  std::array<size_t, kHeader.size()> width{};
  for (const Row& r : rows) {
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], Width(r[c]));
  }
  std::string out;
  for (const Row& r : rows) {
    std::string line;
    for (size_t c = 0; c < r.size(); ++c) {
      std::string pad(width[c] - Width(r[c]), ' ');
      line += c < kFirstNumber ? r[c] + pad : pad + r[c];
      if (c + 1 < r.size()) line += "  ";
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + '\n';
  }
  return out;
}

}  // namespace

std::string ShortDuration(int64_t d) {
  int64_t magnitude = d < 0 ? -d : d, unit = 1;
  // Keep 4 significant digits: round to a power of ten 4 digits below the top one.
  for (int64_t top = magnitude; top >= 10000; top /= 10) unit *= 10;
  int64_t rounded = (magnitude + unit / 2) / unit * unit;
  return GoDurationString(d < 0 ? -rounded : rounded);
}

std::string FormatSummaryTable(const TraceModel& m, const ThreadSummary& s) {
  std::string out = fmt::format("Process: {} (pid {})\n", m.str(m.process_name), m.pid);
  if (m.start_unix_ns != 0) out += fmt::format("Started: {}\n", GoTimeString(m.start_unix_ns));
  out += fmt::format("Trace: {}{}, scheduler waits from {}", ShortDuration(m.end_ns - m.start_ns),
                     m.has_end_event ? "" : " (cut short: no end event)",
                     m.str(m.sched_source).empty() ? "none" : m.str(m.sched_source));
  if (m.wait_threshold_ns > 0)
    out += fmt::format(", waits shorter than {} not recorded", ShortDuration(m.wait_threshold_ns));
  out += '\n';
  if (m.dropped_events != 0) {
    out += fmt::format("Dropped events: {} (the recorder's buffers were full; the times below miss them)\n",
                       m.dropped_events);
  }
  out += fmt::format("Threads: {} in {} groups\n\n", m.threads.size(), s.groups.size());
  std::vector<Row> rows;
  Row header;
  std::copy(kHeader.begin(), kHeader.end(), header.begin());
  rows.push_back(header);
  for (const ThreadGroup& g : s.groups) {
    Row row;
    row[0] = m.str(g.name).empty() ? "(unnamed)" : std::string(m.str(g.name));
    row[1] = fmt::format("{} thread{}", g.threads.size(), g.threads.size() == 1 ? "" : "s");
    row[2] = m.str(g.start_routine).empty() ? "-" : std::string(m.str(g.start_routine));
    FillTimes(row, g.total);
    rows.push_back(row);
    for (uint32_t t : g.threads) {
      Row thread_row;
      thread_row[0] = "  " + row[0];
      thread_row[1] = std::to_string(m.threads[t].tid);
      FillTimes(thread_row, s.threads[t]);
      rows.push_back(thread_row);
    }
  }
  return out + Layout(rows);
}

}  // namespace cpprof::trace
