#pragma once
// The `kernel:` section as the page allocator uses it, plus the optional exact
// zone layout (`machine.zones`, e.g. written by `allocsim machine import`).
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "model/flavour.hpp"
#include "model/zone_type.hpp"
#include "sim/types.hpp"

namespace allocsim::model {

struct ZoneSpec {
  sim::NodeId node = 0;
  ZoneType type = ZoneType::normal;
  std::uint64_t start_pfn = 0;
  std::uint64_t spanned = 0;
  std::uint64_t present = 0;  // pages in the span that exist (the rest are holes)
  std::optional<std::uint64_t>
      managed;  // pages given to the buddy allocator; default: present - boot reservations
};

// linux-6.18 SLUB per-CPU sheaves: none (6.8's per-CPU slabs only), opt-in
// (6.18: caches created with kmem_cache_args.sheaf_capacity) or all (the 7.0
// series "slab: replace cpu (partial) slabs with sheaves").
enum class SlubSheaves : std::uint8_t { none, opt_in, all };
inline constexpr std::string_view to_string(SlubSheaves s) {
  return s == SlubSheaves::none ? "none" : s == SlubSheaves::opt_in ? "opt-in" : "all";
}

// The object allocator and its boot options (kernel.slab*, kernel.slub*,
// kernel.magazine_rounds).
struct SlabConfig {
  // The design's registered name (model/slab_design.hpp): static storage, as
  // the registry's names and string literals are.
  std::string_view design = "slub";
  SlubSheaves sheaves = SlubSheaves::opt_in;  // linux-6.18 SLUB only
  bool colouring = true;    // SLAB: slab colouring (off: every slab starts at offset 0)
  bool merge = true;        // SLUB: cache merging (false = slab_nomerge)
  int slab_max_order = -1;  // SLAB linux-6 `slab_max_order=`; -1: the kernel's default
  unsigned slub_min_order = 0, slub_max_order = kPageAllocCostlyOrder, slub_min_objects = 0;
  // Tunables given to every cache (docs/config.md); empty/0: the kernel's rule.
  std::optional<unsigned> slub_cpu_partial;       // SLUB 6.x: cpu_partial of every cache
  std::optional<std::uint64_t> slub_min_partial;  // SLUB: min_partial of every cache
  std::optional<std::uint32_t> slab_limit;        // SLAB: limit of every cache; 0: no arrays
  std::uint32_t slab_colour_step = 0;             // SLAB colour_off step; 0: the cache line
  std::uint32_t slab_colour_max = 0;              // SLAB: at most this many colours; 0: no cap
  bool stop_on_error = false;    // a workload's bad free stops the run instead of being recorded
  unsigned magazine_rounds = 0;  // magazine design: rounds per magazine; 0: by object size
};

struct KernelConfig {
  Flavour flavour = Flavour::linux_6;
  unsigned hz = 250;  // CONFIG_HZ (model/jiffies.hpp): jiffies of the periodic work
  // kernel.rcu_grace_period in cycles (model/rcu.hpp); 0: kDefaultRcuGraceJiffies at hz.
  sim::Cycles rcu_grace_period = 0;
  // vm.stat_interval in seconds (sysctl_stat_interval = HZ); 0: no vmstat
  // work at all (kernel.stat_interval: none, a what-if).
  unsigned stat_interval = 1;
  std::optional<std::uint64_t> min_free_kbytes;  // empty: the flavour's formula ("auto")
  unsigned watermark_scale_factor = 10;          // 6.x vm.watermark_scale_factor
  unsigned watermark_boost_factor = 15000;       // 6.x vm.watermark_boost_factor
  bool transparent_hugepage = false;             // 6.x: raises min_free_kbytes (khugepaged)
  bool pcp = true;                               // per-CPU page lists on/off
  unsigned percpu_pagelist_high_fraction = 0;    // 6.x sysctl; 0 = auto-tuned high
  // kernel.pcp_batch / kernel.pcp_high: explicit pageset sizes per zone type
  // (indexed by ZoneType); 0 = the flavour's rule (model/pcp_sizing.hpp).
  std::array<std::uint32_t, kNrZoneTypes> pcp_batch{}, pcp_high{};
  std::optional<std::array<unsigned, kMaxNrZones>>
      lowmem_reserve_ratio;      // empty: the flavour's default
  unsigned pageblock_order = 9;  // HUGETLB_PAGE_ORDER on x86 (2 MiB)
  bool mobility_grouping = true;
  // The page-cache stand-in that kswapd and direct reclaim take pages from.
  std::uint64_t reclaim_batch = 32;              // SWAP_CLUSTER_MAX pages per reclaim pass
  std::uint64_t reclaim_cycles_per_page = 2000;  // CPU cost of reclaiming one clean page
  std::uint64_t kswapd_wakeup_delay = 10000;     // cycles from wake-up to kswapd running
  unsigned max_reclaim_retries = 16;             // MAX_RECLAIM_RETRIES (6.x)
  bool zone_device = true;      // linux-6.18 x86_64: CONFIG_ZONE_DEVICE (a fifth, empty zone index)
  std::vector<ZoneSpec> zones;  // exact layout; empty: derived from node memory
  SlabConfig slab;
};

}  // namespace allocsim::model
