#pragma once
// The linux-6.18 SLUB sheaf statistics of one cache: the CONFIG_SLUB_STATS
// counters (declared once here, by their sysfs names) and what its sheaves
// hold now. Every design reports them through ObjectAllocator (zero where a
// cache has no sheaves); the results' slab_sheaves table and summary show them.
#include <array>
#include <cstdint>

#include "sim/stat_decl.hpp"

namespace allocsim::model {

// The CONFIG_SLUB_STATS sheaf counters of 6.18, by their sysfs names.
struct SheafStats {
  std::uint64_t alloc_cpu_sheaf = 0, free_cpu_sheaf = 0;
  std::uint64_t free_rcu_sheaf = 0, free_rcu_sheaf_fail = 0;
  std::uint64_t sheaf_refill = 0, sheaf_flush = 0, sheaf_alloc = 0, sheaf_free = 0;
  std::uint64_t barn_get = 0, barn_get_fail = 0, barn_put = 0, barn_put_fail = 0;

  static constexpr std::array<sim::FieldDecl<SheafStats>, 12> kFields{{
      {{"alloc_cpu_sheaf", "1", "allocations served by the CPU's main or spare sheaf",
        "ALLOC_PCS in alloc_from_pcs() (mm/slub.c, 6.18)"},
       &SheafStats::alloc_cpu_sheaf},
      {{"free_cpu_sheaf", "1", "frees absorbed by the CPU's main sheaf",
        "FREE_PCS in free_to_pcs() (mm/slub.c, 6.18)"},
       &SheafStats::free_cpu_sheaf},
      {{"free_rcu_sheaf", "1", "kfree_rcu objects put in the CPU's rcu_free sheaf",
        "FREE_RCU_SHEAF in __kfree_rcu_sheaf() (mm/slub.c, 6.18)"},
       &SheafStats::free_rcu_sheaf},
      {{"free_rcu_sheaf_fail", "1",
        "kfree_rcu objects the rcu_free sheaf could not take (no empty sheaf to be had)",
        "FREE_RCU_SHEAF_FAIL in __kfree_rcu_sheaf() (mm/slub.c, 6.18)"},
       &SheafStats::free_rcu_sheaf_fail},
      {{"sheaf_refill", "1", "objects bulk-allocated from slabs into a sheaf",
        "SHEAF_REFILL in refill_sheaf() (mm/slub.c, 6.18)"},
       &SheafStats::sheaf_refill},
      {{"sheaf_flush", "1", "objects freed from a sheaf back to their slabs",
        "SHEAF_FLUSH in sheaf_flush_unused() / sheaf_flush_main() (mm/slub.c, 6.18)"},
       &SheafStats::sheaf_flush},
      {{"sheaf_alloc", "1", "sheaves allocated (kmalloc)",
        "SHEAF_ALLOC in alloc_empty_sheaf() (mm/slub.c, 6.18)"},
       &SheafStats::sheaf_alloc},
      {{"sheaf_free", "1", "sheaves freed (kfree)",
        "SHEAF_FREE in free_empty_sheaf() (mm/slub.c, 6.18)"},
       &SheafStats::sheaf_free},
      {{"barn_get", "1", "full sheaves taken from the barn for an empty main",
        "BARN_GET in __pcs_replace_empty_main() (mm/slub.c, 6.18)"},
       &SheafStats::barn_get},
      {{"barn_get_fail", "1", "empty mains the barn had no full sheaf for",
        "BARN_GET_FAIL in __pcs_replace_empty_main() (mm/slub.c, 6.18)"},
       &SheafStats::barn_get_fail},
      {{"barn_put", "1", "full sheaves put into the barn",
        "BARN_PUT in __pcs_replace_full_main() and rcu_free_sheaf() (mm/slub.c, 6.18)"},
       &SheafStats::barn_put},
      {{"barn_put_fail", "1",
        "full sheaves the barn could not take (10 full sheaves, or no empty to swap)",
        "BARN_PUT_FAIL in __pcs_replace_full_main() and rcu_free_sheaf() (mm/slub.c, 6.18)"},
       &SheafStats::barn_put_fail},
  }};
  SheafStats& operator+=(const SheafStats& o) { return sim::add_fields(*this, o, kFields); }
};
static_assert(sim::declares_every_field(SheafStats::kFields),
              "every SheafStats field needs its declaration in SheafStats::kFields");

// Now: what a cache's sheaves hold (Slub::sheaf_objects, sheaf_bytes; the
// barn's nr_full and nr_empty summed over nodes).
struct SheafUsage {
  std::uint64_t objects = 0, bytes = 0, barn_full = 0, barn_empty = 0;
};
inline constexpr sim::StatDecl kSheafObjects{
    "sheaf_objects", "objects",
    "now: free objects parked in the cache's main, spare and barn sheaves",
    "sum of sheaf->size (pcs->main, pcs->spare, barn lists; not rcu_free)"};
inline constexpr sim::StatDecl kSheafBytes{
    "sheaf_bytes", "bytes", "now: memory of the cache's sheaves and barns (their kmalloc slots)",
    "ksize of every slab_sheaf and node_barn (alloc_empty_sheaf, init_kmem_cache_nodes)"};
inline constexpr sim::StatDecl kBarnFull{"barn_full", "sheaves",
                                         "now: full sheaves in the cache's barns",
                                         "node_barn->nr_full, summed over nodes"};
inline constexpr sim::StatDecl kBarnEmpty{"barn_empty", "sheaves",
                                          "now: empty sheaves in the cache's barns",
                                          "node_barn->nr_empty, summed over nodes"};

}  // namespace allocsim::model
