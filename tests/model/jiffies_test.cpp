#include "model/jiffies.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace allocsim::model {
namespace {

// A 1 GHz machine: one jiffy is 4,000,000 cycles at HZ=250.
constexpr double kGhz = 1.0;

TEST(Jiffies, BootStartsAtInitialJiffies) {
  const Jiffies j(kGhz, 250, Flavour::linux_6);
  EXPECT_EQ(j.cycles_per_jiffy(), 4'000'000u);
  // (unsigned int)(-300 * HZ) = 2^32 - 75000.
  EXPECT_EQ(j.initial(), 4'294'892'296u);
  EXPECT_EQ(j.at(0), 4'294'892'296u);
  EXPECT_EQ(j.at(3'999'999), 4'294'892'296u);
  EXPECT_EQ(j.at(4'000'000), 4'294'892'297u);
  EXPECT_EQ(j.tick_of(j.initial() + 7), 28'000'000u);
  EXPECT_EQ(Jiffies(kGhz, 1000, Flavour::linux_2_6).initial(), 4'294'667'296u);
}

TEST(Jiffies, RoundJiffiesRelativeFollowsTheKernelRule) {
  const Jiffies j(kGhz, 250, Flavour::linux_6);
  // At boot jiffies % 250 = 46 (2^32 mod 250). One second from CPU 0:
  // 46 < HZ/4 past a second, rounded down: 250 - 46.
  EXPECT_EQ(j.round_relative(250, 0, 0), 204u);
  // CPU 1 is skewed by 3: rem 49 rounds down, then the skew comes off.
  EXPECT_EQ(j.round_relative(250, 0, 1), 201u);
  // CPU 10 (skew 30): rem 76 >= 62 rounds up to the next second.
  EXPECT_EQ(j.round_relative(250, 0, 10), 424u);
  // 40 jiffies: rem 86 rounds up to the next second, 204 jiffies away.
  EXPECT_EQ(j.round_relative(40, 0, 0), 204u);
  // 10 jiffies: rem 56 would round down into the past: the unrounded value.
  EXPECT_EQ(j.round_relative(10, 0, 0), 10u);
  // 2*HZ from 0.8 s in (jiffies % 250 = 246): 246 + 500 rounds up by 4.
  EXPECT_EQ(j.round_relative(500, 200 * 4'000'000ull, 0), 504u);
}

TEST(Jiffies, TimersFireAtTheirFlavoursWheelExpiry) {
  const Jiffies six(kGhz, 250, Flavour::linux_6);
  const Jiffies old(kGhz, 250, Flavour::linux_2_6);
  // 2.6.32: exactly at the expiry.
  EXPECT_EQ(old.due(0, 500), 500 * 4'000'000ull);
  // 6.x level 0 (delta < 63): the next jiffy after the expiry.
  EXPECT_EQ(six.due(0, 10), 11 * 4'000'000ull);
  // 6.x level 1 (63 <= delta < 504, granularity 8): expiry j0 + 500 with
  // j0 = 2^32 - 75000 rounds up to the next multiple of 8 above it, j0 + 504.
  EXPECT_EQ(six.due(0, 500), 504 * 4'000'000ull);
  // Level 2 (granularity 64) at HZ=1000: 2000 jiffies from boot, where
  // j0 = 2^32 - 300000 is 32 mod 64: ((j0 + 2000) >> 6) + 1 << 6 = j0 + 2016.
  EXPECT_EQ(Jiffies(kGhz, 1000, Flavour::linux_6).due(0, 2000), 2016 * 1'000'000ull);
  // No delay: queued at once, no timer.
  EXPECT_EQ(six.due(123, 0), 123u);
}

TEST(Jiffies, OnlyTheKconfigHzChoicesExist) {
  EXPECT_THROW(Jiffies(kGhz, 200, Flavour::linux_6), std::invalid_argument);
  EXPECT_NO_THROW(Jiffies(kGhz, 300, Flavour::linux_6));
}

}  // namespace
}  // namespace allocsim::model
