// Drives the interactive shell through a pseudo-terminal, as a user at a
// terminal does: commands, options, tab completion, history and Ctrl-D. The
// reports must equal the same reports run non-interactively.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

const std::string kProfile = std::string(CPPROF_SOURCE_DIR) + "/tests/testdata/cpu.pb.gz";

std::string WithoutCarriageReturns(std::string s) {
  std::erase(s, '\r');
  return s;
}

// The non-interactive output of cpprof with args.
std::string RunBatch(const std::string& args) {
  std::string out;
  FILE* f = popen((std::string(CPPROF_BINARY) + " " + args + " 2>/dev/null").c_str(), "r");
  std::array<char, 4096> buf;
  for (size_t n; (n = fread(buf.data(), 1, buf.size(), f)) > 0;) out.append(buf.data(), n);
  pclose(f);
  return out;
}

class Terminal {
 public:
  explicit Terminal(const std::string& home) {
    pid_ = forkpty(&fd_, nullptr, nullptr, nullptr);
    if (pid_ == 0) {
      setenv("TERM", "xterm", 1);
      setenv("HOME", home.c_str(), 1);
      setenv("TZ", "UTC", 1);
      execl(CPPROF_BINARY, CPPROF_BINARY, kProfile.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }

  ~Terminal() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(fd_);
  }

  // Types keys once the line editor has the terminal (out of canonical
  // mode): keys typed before would be echoed and edited by the kernel.
  void Type(const std::string& keys) {
    for (int i = 0; i < 500; ++i) {
      termios mode;
      if (tcgetattr(fd_, &mode) == 0 && (mode.c_lflag & ICANON) == 0) break;
      usleep(10000);
    }
    ASSERT_EQ(write(fd_, keys.data(), keys.size()), static_cast<ssize_t>(keys.size()));
  }

  // Everything printed until the next prompt (exclusive), or "" on timeout.
  std::string UntilPrompt() {
    const std::string prompt = "(pprof) ";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (size_t at = seen_.find(prompt); at != std::string::npos) {
        std::string before = seen_.substr(0, at);
        seen_.erase(0, at + prompt.size());
        return WithoutCarriageReturns(before);
      }
      if (!ReadSome()) break;
    }
    return "";
  }

  // Waits for the shell to exit; its status, or -1 on timeout.
  int Exit() {
    for (int i = 0; i < 1000; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      if (!ReadSome()) usleep(10000);  // closed: the exit is moments away
    }
    return -1;
  }

 private:
  bool ReadSome() {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) return true;
    char buf[4096];
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n <= 0) return false;
    seen_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  pid_t pid_ = -1;
  bool exited_ = false;
  std::string seen_;
};

class ShellTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() / ("cpprof-shell-" + std::to_string(getpid()));
    std::filesystem::create_directories(home_);
  }
  void TearDown() override { std::filesystem::remove_all(home_); }
  std::filesystem::path home_;
};

TEST_F(ShellTest, ReportsEqualBatchReports) {
  Terminal t(home_);
  std::string greeting = t.UntilPrompt();
  EXPECT_NE(greeting.find("Entering interactive mode"), std::string::npos) << greeting;
  t.Type("top3\n");
  // The typed line echoes first.
  std::string top = t.UntilPrompt();
  EXPECT_EQ(top, "top3\n" + RunBatch("-top -nodecount=3 -compact_labels " + kProfile));
  t.Type("nodecount=2\n");
  t.UntilPrompt();
  t.Type("top -cum\n");
  EXPECT_EQ(t.UntilPrompt(), "top -cum\n" + RunBatch("-top -nodecount=2 -cum -compact_labels " + kProfile));
  t.Type("\x04");  // Ctrl-D
  EXPECT_EQ(t.Exit(), 0);
}

// A report after another reuses its profile and graph when the options
// that prepare them are the same (the shell's ReportCache): after each
// option change the reports must still equal the same reports run alone.
TEST_F(ShellTest, ReportsFollowOptionChanges) {
  Terminal t(home_);
  t.UntilPrompt();
  struct Step {
    std::string input;
    std::string batch;  // the same report's arguments; empty: an option, no output
  };
  const std::vector<Step> steps = {
      {"top", "-top -nodecount=10"},
      {"top", "-top -nodecount=10"},
      {"top -cum", "-top -nodecount=10 -cum"},
      {"tree", "-tree"},
      {"top5", "-top -nodecount=5"},
      {"focus=sort", ""},
      {"top", "-top -nodecount=10 -focus=sort"},
      {"sample_index=samples", ""},
      {"top", "-top -nodecount=10 -focus=sort -sample_index=samples"},
      {":", ""},
      {"top", "-top -nodecount=10 -sample_index=samples"},
      {"granularity=lines", ""},
      {"top -cum", "-top -nodecount=10 -cum -sample_index=samples -lines"},
  };
  for (const Step& s : steps) {
    t.Type(s.input + "\n");
    std::string report = s.batch.empty() ? "" : RunBatch(s.batch + " -compact_labels " + kProfile);
    EXPECT_EQ(t.UntilPrompt(), s.input + "\n" + report);
  }
  t.Type("\x04");
  EXPECT_EQ(t.Exit(), 0);
}

TEST_F(ShellTest, CompletesCommandsAndFunctionNames) {
  Terminal t(home_);
  t.UntilPrompt();
  t.Type("trac\t");
  t.Type(" 1\n");
  std::string traces = t.UntilPrompt();
  EXPECT_NE(traces.find("-----------+-------------------------------------------------------"), std::string::npos);
  // "partit" is in exactly one function name: sort.partition.
  t.Type("top 1 partit\t\n");
  std::string top = t.UntilPrompt();
  EXPECT_NE(top.find("focus=sort.partition"), std::string::npos) << top;
  t.Type("quit\n");
  EXPECT_EQ(t.Exit(), 0);
}

TEST_F(ShellTest, KeepsHistoryAcrossSessions) {
  {
    Terminal t(home_);
    t.UntilPrompt();
    t.Type("top1\n");
    t.UntilPrompt();
    t.Type("\x04");
    ASSERT_EQ(t.Exit(), 0);
  }
  std::ifstream history(home_ / ".cpprof_history");
  std::stringstream saved;
  saved << history.rdbuf();
  EXPECT_NE(saved.str().find("top1"), std::string::npos) << saved.str();
  Terminal t(home_);
  t.UntilPrompt();
  t.Type("\x1b[A\n");  // up arrow: the last command again
  std::string again = t.UntilPrompt();
  EXPECT_NE(again.find(RunBatch("-top -nodecount=1 -compact_labels " + kProfile)), std::string::npos) << again;
  t.Type("\x04");
  EXPECT_EQ(t.Exit(), 0);
}

}  // namespace
