// Tests src/symbolize/demangle.cc on the names local symbolization gives PLT
// entries ("<symbol>@plt"): the symbol is demangled and the suffix kept.
#include "symbolize/demangle.h"

#include <gtest/gtest.h>

namespace cpprof {
namespace {

TEST(DemangleTest, PltEntriesKeepTheirSuffix) {
  EXPECT_EQ(Demangle("_ZNSt17bad_function_callD1Ev@plt", DemangleMode::kDefault),
            "std::bad_function_call::~bad_function_call@plt");
  EXPECT_EQ(Demangle("_ZdaPv@plt", DemangleMode::kFull), "operator delete[](void*)@plt");
  EXPECT_EQ(Demangle("_ZdaPv@plt", DemangleMode::kNone), "");
  EXPECT_EQ(Demangle("puts@plt", DemangleMode::kDefault), "");  // not mangled: stays as it is
}

}  // namespace
}  // namespace cpprof
