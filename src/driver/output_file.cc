#include "driver/output_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace cpprof {

OutputFile::OutputFile(const std::string& path) : path_(path), tmp_(path + ".tmp" + std::to_string(getpid())) {}

OutputFile::~OutputFile() {
  if (!committed_) std::remove(tmp_.c_str());
}

Status OutputFile::Open() {
  out_.open(tmp_, std::ios::binary | std::ios::trunc);
  if (!out_) return Status::Error(fmt::format("open {}: {}", path_, std::strerror(errno)));
  return Status();
}

Status OutputFile::Flush() {
  out_.close();
  if (!out_) return Status::Error(fmt::format("write {}: {}", path_, std::strerror(errno)));
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    return Status::Error(fmt::format("rename {}: {}", path_, std::strerror(errno)));
  }
  committed_ = true;
  return Status();
}

Status WriteFile(const std::string& path, std::string_view data) {
  OutputFile file(path);
  if (Status s = file.Open(); !s.ok()) return s;
  if (Status s = file.Append(data); !s.ok()) return s;
  return file.Flush();
}

Result<std::string> NewTempFile(const std::string& dir, std::string_view prefix, std::string_view suffix) {
  for (int i = 1; i < 10000; ++i) {
    std::string path = fmt::format("{}{}{:03d}{}", dir.empty() ? "" : dir + "/", prefix, i, suffix);
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      close(fd);
      return path;
    }
    if (errno != EEXIST) return Status::Error(fmt::format("open {}: {}", path, std::strerror(errno)));
  }
  return Status::Error(fmt::format("could not create file of the form {}001{}", prefix, suffix));
}

}  // namespace cpprof
