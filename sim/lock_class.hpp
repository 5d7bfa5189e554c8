#pragma once
// The spinlock classes of the simulated kernel, declared once: the config
// (machine.lock_classes.<key>), the statistics (lock.<stat name>.*) and
// docs/config.md iterate this table. Each class names what its locks guard and
// the kernel's symbol for them.
#include <array>
#include <cstddef>
#include <string_view>

namespace allocsim::sim {

struct LockClassDecl {
  std::string_view key;                   // machine.lock_classes.<key>
  std::array<std::string_view, 2> stats;  // lock.<class> stat names of its locks ("": none)
  std::string_view guards;
  std::string_view symbol;
};

inline constexpr std::array<LockClassDecl, 10> kLockClasses{{
    {"zone",
     {"zone", ""},
     "a zone's buddy free lists: allocations and frees past the pcp lists, pcp refills and "
     "drains",
     "zone->lock"},
    {"lru_lock",
     {"lru_lock", ""},
     "a node's LRU list (the page-cache stand-in that reclaim shrinks)",
     "zone->lru_lock (2.6.32), lruvec->lru_lock (6.x)"},
    {"list_lock",
     {"kmem_list3.list_lock", "kmem_cache_node.list_lock"},
     "a cache's per-node slab lists (SLAB: full, partial, free and the shared array; SLUB: the "
     "partial list)",
     "kmem_list3->list_lock (SLAB 2.6.32), kmem_cache_node->list_lock"},
    {"alien",
     {"array_cache.lock", ""},
     "SLAB's alien caches of objects freed on another node",
     "array_cache->lock"},
    {"barn",
     {"node_barn.lock", ""},
     "linux-6.18 SLUB's per-node barn of full and empty sheaves",
     "node_barn->lock"},
    {"slob", {"slob_lock", ""}, "SLOB's page lists: every SLOB allocation and free", "slob_lock"},
    {"kmap", {"kmap_lock", ""}, "the highmem pkmap table (kmap, kunmap)", "kmap_lock"},
    {"vmap",
     {"vmap_area_lock", ""},
     "the vmap area tree and list (vmalloc, vfree)",
     "vmap_area_lock"},
    {"mempool", {"mempool.lock", ""}, "a mempool's reserved elements", "mempool_t->lock"},
    {"depot",
     {"kmem_cache.cache_depot_lock", ""},
     "the magazine design's depot of full and empty magazines, one per cache",
     "cache_depot_lock (Bonwick and Adams, USENIX 2001)"},
}};

// The class whose locks count under stat name `stat`, or kLockClasses.size().
constexpr std::size_t lock_class_of_stat(std::string_view stat) {
  for (std::size_t i = 0; i < kLockClasses.size(); ++i)
    for (std::string_view s : kLockClasses[i].stats)
      if (!s.empty() && s == stat) return i;
  return kLockClasses.size();
}

}  // namespace allocsim::sim
