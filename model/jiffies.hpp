#pragma once
// Kernel time. Simulated cycles become jiffies at CONFIG_HZ (kernel.hz), and
// the allocators' periodic work is timed the way each flavour's timers are:
// round_jiffies to whole seconds, then the timer wheel's expiry.
#include <array>
#include <cstdint>

#include "model/flavour.hpp"
#include "sim/types.hpp"

namespace allocsim::model {

// The HZ choices of kernel/Kconfig.hz.
inline constexpr std::array<unsigned, 4> kHzChoices{100, 250, 300, 1000};
// Debian's (and the flavours' usual) CONFIG_HZ_250.
inline constexpr unsigned kDefaultHz = 250;

class Jiffies {
 public:
  // `ghz`: the machine's clock; one jiffy is ghz * 1e9 / hz cycles.
  Jiffies(double ghz, unsigned hz, Flavour flavour);

  unsigned hz() const { return hz_; }
  sim::Cycles cycles_per_jiffy() const { return cpj_; }
  // include/linux/jiffies.h:INITIAL_JIFFIES, (unsigned int)(-300 * HZ): boot
  // starts jiffies five minutes before the 32-bit wrap.
  std::uint64_t initial() const { return std::uint32_t(0) - 300u * hz_; }
  // jiffies at simulated time `now` (cycle 0 is boot).
  std::uint64_t at(sim::Cycles now) const { return initial() + now / cpj_; }
  // The cycle of the tick at which jiffies becomes `j` (j >= initial()).
  sim::Cycles tick_of(std::uint64_t j) const { return (j - initial()) * cpj_; }

  // kernel/time/timer.c:__round_jiffies_relative: `j` jiffies from now,
  // rounded to a whole second (down when less than HZ/4 past one), skewed by
  // 3 jiffies per CPU so that CPUs do not all fire together.
  std::uint64_t round_relative(std::uint64_t j, sim::Cycles now, sim::CpuId cpu) const;
  // The cycle at which a timer queued at `now` to fire `delay` jiffies later
  // runs its work: 2.6.32's cascading wheel fires at the expiry itself;
  // 6.x's wheel (kernel/time/timer.c:calc_index) at the end of the expiry's
  // bucket, whose granularity grows by 8 per level of distance.
  sim::Cycles due(sim::Cycles now, std::uint64_t delay) const;

 private:
  unsigned hz_;
  sim::Cycles cpj_;
  Flavour flavour_;
};

}  // namespace allocsim::model
