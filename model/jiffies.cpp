#include "model/jiffies.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace allocsim::model {

Jiffies::Jiffies(double ghz, unsigned hz, Flavour flavour)
    : hz_(hz), cpj_(static_cast<sim::Cycles>(ghz * 1e9) / (hz ? hz : 1)), flavour_(flavour) {
  if (std::find(kHzChoices.begin(), kHzChoices.end(), hz) == kHzChoices.end())
    throw std::invalid_argument("HZ " + std::to_string(hz) + " is not 100, 250, 300 or 1000");
  if (cpj_ == 0) throw std::invalid_argument("a jiffy is shorter than a cycle");
}

std::uint64_t Jiffies::round_relative(std::uint64_t j, sim::Cycles now, sim::CpuId cpu) const {
  // round_jiffies_common(j + jiffies, cpu, force_up = false) - jiffies.
  const std::uint64_t j0 = at(now);
  const std::uint64_t original = j + j0;
  const std::uint64_t skew = std::uint64_t{cpu} * 3;
  std::uint64_t abs = original + skew;
  const std::uint64_t rem = abs % hz_;
  abs = rem < hz_ / 4 ? abs - rem : abs - rem + hz_;
  abs -= skew;
  // Never in the past: then the unrounded value.
  return (abs > j0 ? abs : original) - j0;
}

sim::Cycles Jiffies::due(sim::Cycles now, std::uint64_t delay) const {
  if (delay == 0) return now;  // __queue_delayed_work: no timer, queued at once
  const std::uint64_t clk = at(now);
  std::uint64_t expires = clk + delay;
  if (flavour_ != Flavour::linux_2_6) {
    // calc_wheel_index: level n holds deltas below LVL_START(n + 1) =
    // 63 << 3n (LVL_SIZE 64, LVL_CLK_SHIFT 3); calc_index rounds the expiry up
    // past its level's granularity, (expires >> 3n) + 1 << 3n.
    unsigned lvl = 0;
    while (lvl < 8 && delay >= (std::uint64_t{63} << (3 * lvl))) ++lvl;
    const unsigned shift = 3 * lvl;
    expires = ((expires >> shift) + 1) << shift;
  }
  return std::max(now, tick_of(expires));
}

}  // namespace allocsim::model
