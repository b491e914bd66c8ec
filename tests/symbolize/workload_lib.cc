// The shared-library half of symbolize_workload: a function in a PIC
// library loaded at a random base, so its mapping needs a load bias.
#include <cstdint>

namespace worklib {

// Kept out of line so that it is its own frame in the library.
__attribute__((noinline)) uint64_t Scramble(uint64_t x, int rounds) {
  for (int i = 0; i < rounds; ++i) x = (x ^ (x >> 31)) * 0x7fb5d329728ea185ULL + static_cast<uint64_t>(i);
  return x;
}

}  // namespace worklib
