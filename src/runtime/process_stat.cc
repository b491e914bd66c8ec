// Tested by tests/runtime/http_test.sh (/metrics, checked by promtool) and
// tests/runtime/leaks_test.sh (snapshots of two processes).
#include "runtime/process_stat.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace cpprof::runtime {

ssize_t ReadTaskFile(pid_t tid, const char* file, char* buf, size_t size) {
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/self/task/%d/%s", static_cast<int>(tid), file);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n < 0) return -1;
  buf[n] = 0;
  return n;
}
namespace {

double BootTimeSeconds() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double t = 0;
      in >> t;
      return t;
    }
  }
  return 0;
}

}  // namespace

std::vector<std::string> ProcStatFields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  std::vector<std::string> fields;
  size_t paren = line.rfind(')');
  if (paren == std::string::npos) return fields;
  std::istringstream rest(line.substr(paren + 1));
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

double ProcessStartSeconds() {
  std::vector<std::string> stat = ProcStatFields();
  double boot = BootTimeSeconds();
  long hz = sysconf(_SC_CLK_TCK);
  if (stat.size() < 20 || boot <= 0 || hz <= 0) return 0;
  return boot + std::stod(stat[22 - 3]) / static_cast<double>(hz);
}

std::string ProcessComment() {
  double start = ProcessStartSeconds();
  if (start <= 0) return "";
  long long centis = std::llround(start * 100);
  time_t secs = static_cast<time_t>(centis / 100);
  tm utc{};
  gmtime_r(&secs, &utc);
  char when[64];
  std::snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%02lldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, centis % 100);
  return "process " + std::to_string(getpid()) + " started " + when;
}

}  // namespace cpprof::runtime
