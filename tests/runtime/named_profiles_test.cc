// Tests src/runtime/named_profiles.cc, thread_dump.cc, count_format.cc,
// labels.cc and interpose.cc through the public API.
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <thread>

#include "cpprof/cpprof.h"
#include "profile/codec.h"

namespace cpprof {
namespace {

std::string Write(const ProfileRef& p, int debug) {
  std::ostringstream out;
  EXPECT_TRUE(p.WriteTo(out, debug).ok());
  return out.str();
}

std::atomic<int> g_opened{0};

__attribute__((noinline)) void OpenFileForCustomProfile(const ProfileRef& p, uint64_t key) {
  p.Add(key);
  ++g_opened;  // not a tail call: this frame stays on the stack
}

TEST(CustomProfileTest, AddRemoveCountAndDuplicateName) {
  Error error;
  std::optional<ProfileRef> p = NewProfile("test.open_files", &error);
  ASSERT_TRUE(p) << error.message;
  EXPECT_FALSE(NewProfile("test.open_files", &error));
  EXPECT_NE(error.message.find("already in use"), std::string::npos);
  EXPECT_FALSE(NewProfile("goroutine"));
  OpenFileForCustomProfile(*p, 3);
  OpenFileForCustomProfile(*p, 4);
  p->Remove(4);
  p->Remove(99);  // ignored
  EXPECT_EQ(p->Count(), 1);
  std::string text = Write(*p, 1);
  EXPECT_TRUE(text.starts_with("test.open_files profile: total 1\n")) << text;
  EXPECT_NE(text.find("OpenFileForCustomProfile"), std::string::npos) << text;
  Result<Profile> proto = ParseProfile(Write(*p, 0));
  ASSERT_TRUE(proto.ok()) << proto.status().message();
  EXPECT_EQ(proto->str(proto->sample_types[0].type), "test.open_files");
  EXPECT_EQ(proto->samples.size(), 1u);
  bool listed = false;
  for (const ProfileRef& r : Profiles()) listed |= r.Name() == "test.open_files";
  EXPECT_TRUE(listed);
  EXPECT_TRUE(Lookup("test.open_files"));
  EXPECT_FALSE(Lookup("no.such.profile"));
}

TEST(LabelsTest, ScopedDoAndInheritance) {
  EXPECT_TRUE(CurrentLabels().empty());
  LabelSet inherited;
  {
    ScopedLabels a({{"request", "r1"}});
    Do({{"phase", "parse"}, {"request", "r2"}}, [&] {
      EXPECT_EQ(CurrentLabels(), (LabelSet{{"phase", "parse"}, {"request", "r2"}}));
      std::thread([&] { inherited = CurrentLabels(); }).join();
    });
    EXPECT_EQ(CurrentLabels(), (LabelSet{{"request", "r1"}}));
  }
  EXPECT_TRUE(CurrentLabels().empty());
  EXPECT_EQ(inherited, (LabelSet{{"phase", "parse"}, {"request", "r2"}}));
}

// Whether the kernel shows thread tid asleep (state S in its stat line).
bool Sleeping(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t paren = stat.rfind(')');  // the name may hold spaces and parentheses
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'S';
}

TEST(ThreadsProfileTest, DumpsEveryThreadWithNameAndLabels) {
  // The threads block on a condition variable, so /proc shows them sleeping.
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  std::atomic<pid_t> labelled_tid{0}, deaf_tid{0};
  auto wait = [&] {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return stop; });
  };
  std::thread labelled([&] {
    pthread_setname_np(pthread_self(), "labelled");
    ScopedLabels l({{"role", "waiter"}});
    labelled_tid = gettid();
    wait();
  });
  // A thread that blocks SIGPROF cannot answer: reported, not waited on.
  std::thread deaf([&] {
    pthread_setname_np(pthread_self(), "deaf");
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPROF);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    deaf_tid = gettid();
    wait();
  });
  // Both inside wait(), whatever the machine's load.
  while (labelled_tid == 0 || deaf_tid == 0 || !Sleeping(labelled_tid) || !Sleeping(deaf_tid)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::optional<ProfileRef> g = Lookup("goroutine");
  ASSERT_TRUE(g);
  EXPECT_GE(g->Count(), 3);
  std::string dump = Write(*g, 2);
  EXPECT_NE(dump.find("\"labelled\" [sleeping, labels: {\"role\":\"waiter\"}]:"), std::string::npos) << dump;
  EXPECT_NE(dump.find("\"deaf\" [sleeping, no answer within 100 ms]"), std::string::npos) << dump;
  EXPECT_NE(dump.find("ThreadsProfileTest"), std::string::npos) << dump;
  std::string grouped = Write(*Lookup("threads"), 1);
  EXPECT_TRUE(grouped.starts_with("threads profile: total ")) << grouped;
  EXPECT_NE(grouped.find("# labels: {\"role\":\"waiter\"}"), std::string::npos) << grouped;
  Result<Profile> proto = ParseProfile(Write(*g, 0));
  ASSERT_TRUE(proto.ok()) << proto.status().message();
  {
    std::lock_guard lock(mu);
    stop = true;
  }
  cv.notify_all();
  labelled.join();
  deaf.join();
}

__attribute__((noinline)) void StartThreadFromHere() {
  std::thread([] {}).join();
}

TEST(ThreadCreateProfileTest, RecordsCreatingStacks) {
  std::optional<ProfileRef> tc = Lookup("threadcreate");
  ASSERT_TRUE(tc);
  int64_t before = tc->Count();
  StartThreadFromHere();
  EXPECT_EQ(tc->Count(), before + 1);
  std::string text = Write(*tc, 1);
  EXPECT_NE(text.find("StartThreadFromHere"), std::string::npos) << text;
}

}  // namespace
}  // namespace cpprof
