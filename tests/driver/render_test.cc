// Tests src/driver/render.cc without graphviz: strings past graphviz's
// 16384-byte limit are cut in the middle without splitting an escape or a
// UTF-8 character, and pprof's SVG massaging (tests/driver/render_test.sh
// runs the real renderer).
#include <gtest/gtest.h>

#include "driver/render.h"

namespace cpprof {
namespace {

TEST(RenderTest, LongDotStringsAreShortened) {
  std::string name(10000, 'a');
  name += "\\\"\xc3\xa9";  // an escaped quote and a two-byte character mid-string
  name += std::string(10000, 'b');
  std::string dot = "N1 [label=\"" + name + "\\n1s\" tooltip=\"short\"]\n";
  std::string out = ShortenLongDotStrings(dot);
  size_t open = out.find('"'), close = out.find("\" tooltip");
  ASSERT_NE(close, std::string::npos);
  std::string label = out.substr(open + 1, close - open - 1);
  EXPECT_LT(label.size(), 16384u);
  EXPECT_EQ(label.substr(0, 3), "aaa");
  EXPECT_EQ(label.substr(label.size() - 5), "b\\n1s");  // the values at the end stay
  EXPECT_NE(label.find("\xe2\x80\xa6"), std::string::npos);
  EXPECT_TRUE(out.ends_with("\" tooltip=\"short\"]\n"));
  EXPECT_EQ(ShortenLongDotStrings("N1 [label=\"x\"]\n"), "N1 [label=\"x\"]\n");
}

TEST(RenderTest, EscapesAreNotSplit) {
  // A backslash right at the cut point moves the cut before it.
  std::string name = std::string(1023, 'a') + "\\\\" + std::string(20000, 'c');
  std::string out = ShortenLongDotStrings("\"" + name + "\"");
  EXPECT_EQ(out.substr(1, 1024), std::string(1023, 'a') + "\xe2");
}

TEST(RenderTest, MassageSvgAddsPanAndZoom) {
  std::string svg =
      "<?xml version=\"1.0\"?>\n<svg width=\"100pt\" height=\"50pt\"\n viewBox=\"0.00 0.00 100.00 50.00\" "
      "xmlns=\"http://www.w3.org/2000/svg\">\n<g id=\"graph0\" class=\"graph\">\n<text>a&;b</text>\n</g>\n</svg>\n";
  std::string out = MassageSvg(svg);
  EXPECT_NE(out.find("<svg width=\"100%\" height=\"100%\" xmlns="), std::string::npos);
  EXPECT_NE(out.find("SVGPan"), std::string::npos);
  EXPECT_NE(out.find("]]></script><g id=\"viewport\" transform=\"scale(0.5,0.5) translate(0,0)\"><g id=\"graph0\""),
            std::string::npos);
  EXPECT_NE(out.find("a&amp;;b"), std::string::npos);
  EXPECT_NE(out.find("</g>\n</g></svg>"), std::string::npos);
}

}  // namespace
}  // namespace cpprof
