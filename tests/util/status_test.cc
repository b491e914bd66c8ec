// Tests src/util/status.h: the code, not the message, is what callers decide by.
#include "util/status.h"

#include <gtest/gtest.h>

namespace cpprof {
namespace {

TEST(StatusTest, ContextKeepsTheCode) {
  Status s = Status::Unrecognized("not a heap profile").WithContext("parsing profile");
  EXPECT_TRUE(s.IsUnrecognized());
  EXPECT_EQ(s.message(), "parsing profile: not a heap profile");
  EXPECT_TRUE(Status::Malformed("sample has nil location").WithContext("x").IsMalformed());
  EXPECT_EQ(Status::NoData("empty input file").WithContext("x").code(), Status::Code::kNoData);
  EXPECT_TRUE(Status().WithContext("x").ok());
}

// Before codes, "try the next parser" meant message() == "unrecognized profile
// format" and "stop" meant a "malformed profile: " prefix: rewording a message
// changed which parser ran. Now the words play no part.
TEST(StatusTest, RewordedMessagesDoNotChangeTheDecision) {
  EXPECT_TRUE(Status::Unrecognized("some other words").IsUnrecognized());
  EXPECT_FALSE(Status::Error("unrecognized profile format").IsUnrecognized());
  EXPECT_TRUE(Status::Malformed("reworded").IsMalformed());
  EXPECT_FALSE(Status::Error("malformed profile: sample has nil location").IsMalformed());
  EXPECT_EQ(Status::Error("concatenated profiles detected").code(), Status::Code::kError);
}

}  // namespace
}  // namespace cpprof
