// Tested by tests/driver/render_test.sh (dot) and the -disasm tests.
#include "util/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace cpprof {

Result<std::string> RunSubprocess(const std::vector<std::string>& args, std::string_view input, int* spawn_errno) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0) return Status::Error(fmt::format("pipe: {}", std::strerror(errno)));
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]);
    close(in[1]);
    return Status::Error(fmt::format("pipe: {}", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  *spawn_errno = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  if (*spawn_errno != 0) {
    close(in[1]);
    close(out[0]);
    return Status::Error(fmt::format("{}: {}", args[0], std::strerror(*spawn_errno)));
  }
  // A dot that exits early must not kill cpprof with SIGPIPE.
  struct sigaction ignore {
  }, saved{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &saved);
  std::string output;
  size_t written = 0;
  auto close_input = [&in] {
    close(in[1]);
    in[1] = -1;
  };
  if (input.empty()) close_input();
  char buf[1 << 16];
  while (true) {
    pollfd fds[2] = {{out[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
    if (poll(fds, in[1] >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (in[1] >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = write(in[1], input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 || written == input.size()) close_input();
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      output.append(buf, static_cast<size_t>(n));
    }
  }
  if (in[1] >= 0) close(in[1]);
  close(out[0]);
  sigaction(SIGPIPE, &saved, nullptr);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Error(fmt::format("{} failed ({} {})", args[0], WIFEXITED(status) ? "exit status" : "signal",
                                     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status)));
  }
  return output;
}

}  // namespace cpprof
