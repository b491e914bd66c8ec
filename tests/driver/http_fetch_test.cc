// Tests src/driver/http_fetch.cc: which sources are URLs, as go tool pprof's
// adjustURL decides. Fetching itself is tested against a real Go server by
// fetch_test.sh.
#include "driver/http_fetch.h"

#include <gtest/gtest.h>

namespace cpprof {
namespace {

constexpr int64_t kSecond = 1000000000;

TEST(AdjustURLTest, HostPortGetsSchemeAndCpuProfilePath) {
  std::optional<RemoteSource> r = AdjustURL("localhost:6060", {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->url, "http://localhost:6060/debug/pprof/profile");
  EXPECT_EQ(r->duration_nanos, 0);
  EXPECT_EQ(r->timeout_nanos, 60 * kSecond);
  r = AdjustURL("localhost:6060/debug/pprof/heap", {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->url, "http://localhost:6060/debug/pprof/heap");
}

TEST(AdjustURLTest, SecondsComeFromTheFlagOrTheQuery) {
  std::optional<RemoteSource> r = AdjustURL("https://h:1/debug/pprof/profile?seconds=4", {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->duration_nanos, 4 * kSecond);
  EXPECT_EQ(r->timeout_nanos, 6 * kSecond);  // 1.5 x the duration
  HttpOptions flags;
  flags.seconds = 10;
  flags.timeout = 3;
  r = AdjustURL("h:1/x?z=a b&seconds=4&a=%2F", flags);
  ASSERT_TRUE(r);
  // Go's Values.Encode: keys sorted, values escaped.
  EXPECT_EQ(r->url, "http://h:1/x?a=%2F&seconds=10&z=a+b");
  EXPECT_EQ(r->duration_nanos, 10 * kSecond);
  EXPECT_EQ(r->timeout_nanos, 3 * kSecond);
}

TEST(AdjustURLTest, FilesAreNotURLs) {
  for (const char* source : {"profile.pb.gz", "/tmp/cpu.pprof", "dir/heap.pb.gz", "host:port/x"}) {
    EXPECT_FALSE(AdjustURL(source, {})) << source;
  }
}

}  // namespace
}  // namespace cpprof
