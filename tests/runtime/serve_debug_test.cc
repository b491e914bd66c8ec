// Tests src/runtime/http_server.cc and http_listener.cc from the API:
// port 0 and DebugAddress, one server at a time, and a stop that follows
// the start at once (httplib's stop() used to be lost before its accept
// loop ran, and the join hung).
#include <gtest/gtest.h>

#include <string>

#include "cpprof/http.h"

namespace cpprof {
namespace {

int PortOf(const std::string& address) { return std::stoi(address.substr(address.rfind(':') + 1)); }

TEST(ServeDebugTest, PortZeroTakesAFreePortAndSaysWhich) {
  ASSERT_TRUE(ServeDebug("127.0.0.1:0").ok());
  std::string address = DebugAddress();
  EXPECT_TRUE(address.starts_with("127.0.0.1:")) << address;
  EXPECT_GT(PortOf(address), 0) << address;
  Error again = ServeDebug("127.0.0.1:0");
  EXPECT_EQ(again.message, "ServeDebug: already serving");
  StopServeDebug();
  EXPECT_EQ(DebugAddress(), "");
}

TEST(ServeDebugTest, StopRightAfterStartReturns) {
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(ServeDebug("127.0.0.1:0").ok());
    StopServeDebug();
  }
  EXPECT_EQ(DebugAddress(), "");
}

}  // namespace
}  // namespace cpprof
