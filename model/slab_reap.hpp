#pragma once
// SLAB's periodic cache_reap (mm/slab.c): its timeouts in jiffies and what
// the model counts of its runs. The work itself is Slab::cache_reap, queued
// per CPU as the delayed work slab_reap_work (2.6.32: reap_work).
#include <array>
#include <cstdint>

#include "sim/stat_decl.hpp"

namespace allocsim::model {

// REAPTIMEOUT_AC (6.5) / REAPTIMEOUT_CPUC (2.6.32): the per-CPU period, 2*HZ.
constexpr std::uint64_t reaptimeout_ac(unsigned hz) {
  return 2ull * hz;
}
// REAPTIMEOUT_NODE (6.5) / REAPTIMEOUT_LIST3 (2.6.32): a node's pass, 4*HZ.
constexpr std::uint64_t reaptimeout_node(unsigned hz) {
  return 4ull * hz;
}

// include/linux/jiffies.h:time_after(a, b): a is later than b, wrap-safe.
constexpr bool time_after(std::uint64_t a, std::uint64_t b) {
  return static_cast<std::int64_t>(b - a) < 0;
}

// What cache_reap did, all CPUs together (every design has the struct; only
// SLAB and the magazine design count in it).
struct CacheReapEvents {
  std::uint64_t runs = 0;             // cache_reap passes (timer or forced)
  std::uint64_t objects_drained = 0;  // objects its drain_array / reap_alien gave back

  static constexpr std::array<sim::FieldDecl<CacheReapEvents>, 2> kFields{{
      {{"cache_reap_runs", "1",
        "runs of SLAB's cache_reap work, on any CPU (the timer's, and the cache_reap op's)",
        "cache_reap() (mm/slab.c), the delayed work start_cpu_timer() queues on each CPU"},
       &CacheReapEvents::runs},
      {{"cache_reap_objects_drained", "objects",
        "objects cache_reap took from per-CPU, shared and alien arrays back to their slabs "
        "(or a remote node's shared array)",
        "drain_array() and reap_alien() called from cache_reap() (mm/slab.c)"},
       &CacheReapEvents::objects_drained},
  }};
  CacheReapEvents& operator+=(const CacheReapEvents& o) {
    return sim::add_fields(*this, o, kFields);
  }
};
static_assert(sim::declares_every_field(CacheReapEvents::kFields),
              "every CacheReapEvents field needs its declaration in CacheReapEvents::kFields");

}  // namespace allocsim::model
