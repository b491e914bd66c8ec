#include "profile/legacy/heap_scaling.h"

#include <bit>
#include <cmath>
#include <limits>

namespace cpprof::legacy {
namespace {

// Constants of exp_amd64.s (from SLEEF): ln 2 split in two for an exact
// argument reduction, and the Taylor coefficients 1/2!, 1/3! ... 1/8! of the
// series evaluated on x/16.
constexpr double kLog2e = 1.4426950408889634073599246810018920;
constexpr double kLn2Hi = 0.69314718055966295651160180568695068359375;
constexpr double kLn2Lo = 0.28235290563031577122588448175013436025525412068e-12;
constexpr double kOverflow = 7.09782712893384e+02;
constexpr double kTaylor[] = {2.4801587301587301587e-5,
                              1.9841269841269841270e-4,
                              1.3888888888888888889e-3,
                              8.3333333333333333333e-3,
                              4.1666666666666666667e-2,
                              1.6666666666666666667e-1,
                              0.5,
                              1.0};

bool HasFma() {
  static const bool fma = __builtin_cpu_supports("avx") && __builtin_cpu_supports("fma");
  return fma;
}

// CVTSD2SL: round to nearest even; NaN and out-of-range give INT32_MIN.
int32_t RoundToInt32(double x) {
  double r = std::nearbyint(x);
  if (!(r >= -2147483648.0 && r <= 2147483647.0)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(r);
}

double FromBits(uint64_t bits) { return std::bit_cast<double>(bits); }

}  // namespace

double GoExp(double x) {
  const uint64_t bits = std::bit_cast<uint64_t>(x);
  if ((bits & ~(uint64_t{1} << 63)) >= 0x7FF0000000000000) {  // NaN or infinite
    return bits == 0xFFF0000000000000 ? 0 : x;
  }
  if (x > kOverflow) return std::numeric_limits<double>::infinity();
  int32_t e = RoundToInt32(kLog2e * x);
  const double k = e;
  double r, p;
  if (HasFma()) {
    r = std::fma(-k, kLn2Hi, x);
    r = std::fma(-k, kLn2Lo, r);
    r *= 0.0625;
    p = kTaylor[0];
    for (int i = 1; i < 8; ++i) p = std::fma(p, r, kTaylor[i]);
    r *= p;
    for (int i = 0; i < 3; ++i) r *= r + 2.0;
    r = std::fma(r, r + 2.0, 1.0);
  } else {
    r = x - kLn2Hi * k;
    r = r - kLn2Lo * k;
    r *= 0.0625;
    p = kTaylor[0];
    for (int i = 1; i < 8; ++i) p = p * r + kTaylor[i];
    r *= p;
    for (int i = 0; i < 4; ++i) r *= r + 2.0;
    r += 1.0;
  }
  // r * 2^e, with Go's handling of subnormal results.
  int64_t biased = int64_t{e} + 0x3FF;
  if (biased <= 0) {
    if (biased < -52) return 0;
    r *= FromBits(static_cast<uint64_t>(biased + 0x3FE) << 52);
    biased = 1;
  } else if (biased >= 0x7FF) {
    return std::numeric_limits<double>::infinity();
  }
  return r * FromBits(static_cast<uint64_t>(biased) << 52);
}

int64_t GoFloatToInt64(double f) {
  if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(f);
}

std::pair<int64_t, int64_t> ScaleHeapSample(int64_t count, int64_t size, int64_t rate) {
  if (count == 0 || size == 0) return {0, 0};
  if (rate <= 1) return {count, size};
  double avg = static_cast<double>(size) / static_cast<double>(count);
  double scale = 1 / (1 - GoExp(-avg / static_cast<double>(rate)));
  return {GoFloatToInt64(static_cast<double>(count) * scale), GoFloatToInt64(static_cast<double>(size) * scale)};
}

}  // namespace cpprof::legacy
