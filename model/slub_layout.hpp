#pragma once
// Where SLUB's descriptors keep the fields the model charges: byte offsets
// from each structure's simulated address, one struct per kernel structure,
// as ZoneLayout does for struct zone. One x86_64 layout serves both flavours;
// the memory system charges lines, and where a kernel's own offset (x86_64,
// CONFIG_SLUB_DEBUG built in but off) differs, the comment gives it.
#include <cstdint>

namespace allocsim::model {

// struct kmem_cache (include/linux/slub_def.h), from the "kmem_cache" cache.
struct SlubCacheLayout {
  // 6.x: cpu_slab, the __percpu kmem_cache_cpu pointer, is the first field.
  // 2.6.32 keeps cpu_slab[NR_CPUS] at the end; the model reads offset 0 in both.
  static constexpr std::uint32_t cpu_slab = 0;
  static constexpr std::uint32_t size = 256;  // 6.8 with NUMA, rounded to its cache
};

// struct kmem_cache_cpu (include/linux/slub_def.h 2.6.32, mm/slub.c 6.8), one
// per CPU in that CPU's own per-CPU chunk.
struct KmemCacheCpuLayout {
  // freelist and (6.x) tid: the pair this_cpu_cmpxchg_double swaps.
  static constexpr std::uint32_t freelist = 0;
  static constexpr std::uint32_t partial =
      16;  // 6.x per-CPU partial list; 6.8: slab 16, partial 24
  static constexpr std::uint32_t size = 32;
};

// struct kmem_cache_node (mm/slub.c 2.6.32, mm/slab.h 6.8).
struct SlubNodeLayout {
  static constexpr std::uint32_t list_lock = 0;   // the spinlock word
  static constexpr std::uint32_t nr_partial = 0;  // kernel: 8
  static constexpr std::uint32_t partial = 8;     // the partial list head; kernel: 16
  // nr_slabs and total_objects (CONFIG_SLUB_DEBUG), updated together; kernel: 32.
  static constexpr std::uint32_t nr_slabs = 16;
  static constexpr std::uint32_t size = 64;
};

// struct slab (6.x mm/slab.h) over the slab's head struct page; 2.6.32 keeps
// the same fields in struct page (include/linux/mm_types.h). All of it is in
// the page's 64-byte descriptor, one line.
struct SlubSlabLayout {
  // The descriptor's start: __page_flags (PG_slab; 2.6.32's slab_lock bit).
  // The model also charges new_slab's set-up of slab_cache, freelist and
  // counters (32 bytes) and the freelist/counters cmpxchg of get_freelist
  // and deactivate_slab here.
  static constexpr std::uint32_t head = 0;
  static constexpr std::uint32_t slab_list = 8;  // 6.8: 16; 2.6.32 page->lru: 40
  static constexpr std::uint32_t next = 8;  // 6.x cpu-partial next and slabs (union with slab_list)
  // freelist and counters, __slab_free's cmpxchg_double pair. 6.8: 32 and 40;
  // 2.6.32: freelist 32, inuse 12.
  static constexpr std::uint32_t freelist = 8;
};

}  // namespace allocsim::model
