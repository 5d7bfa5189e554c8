#pragma once
// struct zone and struct per_cpu_pages: the state the page allocator keeps per
// zone, with the simulated addresses of the fields the kernel touches.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "model/free_area.hpp"
#include "model/zone_type.hpp"
#include "sim/spinlock.hpp"
#include "sim/stat_decl.hpp"

namespace allocsim::model {

// The free-page watermarks of a zone (2.6: watermark[]; 6.x: _watermark[] + boost).
struct ZoneWatermarks {
  std::uint64_t min = 0, low = 0, high = 0, promo = 0;
};

// 6.x: up to 3 migrate types x orders 0..3, plus one THP list (NR_PCP_LISTS).
inline constexpr unsigned kMaxPcpLists = 13;

struct PerCpuPages {
  std::int64_t count = 0;  // pages on all lists
  std::int64_t high = 0;
  std::int64_t batch = 1;
  std::int64_t high_min = 0, high_max = 0;  // 6.x auto-tuning bounds
  std::int64_t free_count = 0;              // 6.x: recent frees, scales the drain
  unsigned alloc_factor = 0;                // 6.x: scales refills
  bool prev_free_high_order = false;        // 6.x PCPF_PREV_FREE_HIGH_ORDER
  bool free_high_batch = false;             // 6.7+ PCPF_FREE_HIGH_BATCH
  // vmstat_update's remote-list countdown (->expire, CONFIG_NUMA): set to 3
  // when this CPU's stat diff for the zone is folded (model/vmstat_work.cpp).
  std::uint8_t expire = 0;
  // This CPU's per-CPU vm_stat_diff for the zone is nonzero: set when it
  // changes the zone's NR_FREE_PAGES (and, 2.6.32, its NUMA_* items).
  bool stat_diff = false;
  std::array<FreeList, kMaxPcpLists> lists{};
  sim::PhysAddr addr{};  // simulated per_cpu_pages
};

struct ZoneCounters {
  std::uint64_t numa_hit = 0, numa_miss = 0, numa_foreign = 0, numa_interleave = 0;
  std::uint64_t numa_local = 0, numa_other = 0;
  std::uint64_t pcp_refills = 0, pcp_drains = 0, pcp_drained_pages = 0;
  std::uint64_t alloc_success = 0, alloc_fail = 0;

  // Every field, in the order the results' counters table lists them.
  static constexpr std::array<sim::FieldDecl<ZoneCounters>, 11> kFields{{
      {{"numa_hit", "allocations", "allocations served on their preferred node",
        "NUMA_HIT: zone_statistics() (mm/vmstat.c in 2.6.32, mm/page_alloc.c in 6.x)"},
       &ZoneCounters::numa_hit},
      {{"numa_miss", "allocations", "allocations served off their preferred node",
        "NUMA_MISS: zone_statistics()"},
       &ZoneCounters::numa_miss},
      {{"numa_foreign", "allocations",
        "allocations that preferred the zone's node and were served on another one",
        "NUMA_FOREIGN: zone_statistics()"},
       &ZoneCounters::numa_foreign},
      {{"numa_interleave", "allocations",
        "interleave-policy allocations that got their node (no memory policies: always 0)",
        "NUMA_INTERLEAVE_HIT: alloc_page_interleave() in mm/mempolicy.c"},
       &ZoneCounters::numa_interleave},
      {{"numa_local", "allocations", "allocations served on the allocating CPU's node",
        "NUMA_LOCAL: zone_statistics()"},
       &ZoneCounters::numa_local},
      {{"numa_other", "allocations", "allocations served on another node than the allocating CPU's",
        "NUMA_OTHER: zone_statistics()"},
       &ZoneCounters::numa_other},
      {{"pcp_refills", "1", "per-CPU page lists refilled from the buddy lists",
        "rmqueue_bulk() calls (model/pcp.cpp; not a Linux counter)"},
       &ZoneCounters::pcp_refills},
      {{"pcp_drains", "1", "pcp drains back to the buddy lists",
        "free_pcppages_bulk() calls (model/pcp.cpp; not a Linux counter)"},
       &ZoneCounters::pcp_drains},
      {{"pcp_drained_pages", "pages", "pages those drains returned to the buddy lists",
        "free_pcppages_bulk() (model/pcp.cpp)"},
       &ZoneCounters::pcp_drained_pages},
      {{"alloc_success", "allocations", "allocations the zone served",
        "PageAllocator::alloc_pages (model/page_alloc.cpp; not a Linux counter)"},
       &ZoneCounters::alloc_success},
      {{"alloc_fail", "allocations",
        "allocations that failed, counted on every zone of the allocating CPU's node",
        "PageAllocator::record_failure (model/page_alloc.cpp; not a Linux counter)"},
       &ZoneCounters::alloc_fail},
  }};

  // Sums over zones (/proc/vmstat's machine-wide numa_*, the results summary).
  ZoneCounters& operator+=(const ZoneCounters& o) { return sim::add_fields(*this, o, kFields); }
};
static_assert(sim::declares_every_field(ZoneCounters::kFields),
              "every ZoneCounters field needs its declaration in ZoneCounters::kFields");

struct Zone {
  ZoneType type = ZoneType::normal;
  unsigned idx = 0;  // zone index within its node (compacted per arch)
  sim::NodeId node = 0;
  Pfn zone_start_pfn{};
  std::uint64_t spanned_pages = 0;
  std::uint64_t present_pages = 0;
  std::uint64_t managed_pages = 0;
  bool populated() const { return managed_pages > 0; }

  FreeAreas free_area{};
  std::uint64_t nr_free_pages = 0;  // NR_FREE_PAGES (buddy only; pcp pages count as allocated)
  std::uint64_t nr_reserved_highatomic = 0;
  ZoneWatermarks wmark;
  std::uint64_t watermark_boost = 0;  // 6.x: raised by fallback steals, cleared by kswapd
  bool boosted = false;               // 6.x ZONE_BOOSTED_WATERMARK: kswapd has work
  std::array<std::uint64_t, kMaxNrZones> lowmem_reserve{};
  bool below_high = false;      // 6.x ZONE_BELOW_HIGH
  bool reclaim_active = false;  // 6.x ZONE_RECLAIM_ACTIVE: kswapd's balance_pgdat is running

  std::vector<std::uint8_t> pageblock_mt;  // migrate type per pageblock
  std::unique_ptr<sim::SpinLock> lock;
  sim::PhysAddr addr{};          // simulated struct zone
  std::vector<PerCpuPages> pcp;  // one per CPU
  ZoneCounters counters;
};

// Offsets in the simulated struct zone (one 64-byte line per group of fields
// the kernel reads together).
struct ZoneLayout {
  static constexpr std::uint32_t watermark = 0;    // _watermark[], lowmem_reserve[], flags
  static constexpr std::uint32_t lock = 128;       // zone->lock, on its own line
  static constexpr std::uint32_t free_area = 192;  // free_area[order]: lists, nr_free
  static constexpr std::uint32_t free_area_stride = kMaxMigrateTypes * 16 + 8;
  static constexpr std::uint32_t vm_stat = free_area + kNrOrders * free_area_stride;
  static constexpr std::uint32_t size = (vm_stat + 128 + 63) / 64 * 64;
};

}  // namespace allocsim::model
