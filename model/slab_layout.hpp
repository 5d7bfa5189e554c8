#pragma once
// Where SLAB's descriptors keep the fields the model charges: byte offsets
// from each structure's simulated address, one struct per kernel structure,
// as ZoneLayout does for struct zone. One x86_64 layout serves both flavours;
// the memory system charges lines, and where a kernel's own offset (x86_64,
// no debug options) differs, the comment gives it.
#include <cstdint>

namespace allocsim::model {

// struct kmem_cache (include/linux/slab_def.h).
struct SlabCacheLayout {
  // 6.5: cpu_cache, the per-CPU array_cache pointer, is the first field.
  // 2.6.32 starts with array[NR_CPUS], so array[cpu] is at 8 * cpu; the model
  // reads offset 0 on every CPU.
  static constexpr std::uint32_t cpu_cache = 0;
};

// struct kmem_list3 (2.6.32 mm/slab.c) / struct kmem_cache_node (6.5
// mm/slab.h), kmalloc'ed on its node.
struct SlabNodeLayout {
  static constexpr std::uint32_t slabs_partial = 0;  // 6.5: 8, after list_lock
  static constexpr std::uint32_t slabs_full = 16;    // 6.5: 24
  static constexpr std::uint32_t slabs_free = 32;    // 6.5: 40
  // 2.6.32: 60, in the first line with the list heads; 6.5: 84.
  static constexpr std::uint32_t colour_next = 64;
  // cache_reap's next_reap. 2.6.32: 88; 6.5: 104; the second line in both.
  static constexpr std::uint32_t next_reap = 88;
  // The spinlock word. 2.6.32: 64 (after colour_next); 6.5: 0.
  static constexpr std::uint32_t list_lock = 0;
  static constexpr std::uint32_t size = 128;  // sizeof 104 (2.6.32) / 120 (6.5): kmalloc-128
};

// struct array_cache (mm/slab.c): the per-CPU, shared and alien arrays.
struct ArrayCacheLayout {
  static constexpr std::uint32_t avail = 0;  // avail, limit, batchcount, touched: 16 bytes
  // The alien array's lock word. 2.6.32: array_cache.lock at 16; 6.5: struct
  // alien_cache's lock, in front of its array_cache.
  static constexpr std::uint32_t lock = 0;
  // entry[]: 2.6.32 24, 6.5 16; the model keeps the header at 32 bytes. An
  // entry is charged as 8 bytes on both architectures.
  static constexpr std::uint32_t entry = 32;
  static constexpr std::uint32_t entry_bytes = 8;
};

// The slab's management area: 2.6.32's struct slab (mm/slab.c), on the slab
// or kmalloc'ed, followed by its kmem_bufctl_t array. In 6.5 the model puts it
// at the slab's struct page (struct slab overlays it; slab_list is at 8) and
// charges the freelist_idx_t array at the same place, not at slab->freelist.
struct SlabMgmtLayout {
  static constexpr std::uint32_t list = 0;  // slabp->list
  // slabp->inuse and slabp->free, read and written as the first 16 bytes
  // (2.6.32: inuse at 32, free at 36).
  static constexpr std::uint32_t counters = 0;
  // slab_bufctl(slabp)[i] at bufctl + i * bufctl_size (2.6.32: right after
  // struct slab, 48; i386 28).
  static constexpr std::uint32_t bufctl = 32;
};

}  // namespace allocsim::model
