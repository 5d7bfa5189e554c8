#pragma once
// SLAB (mm/slab.c) cache layout, exactly as each flavour computes it in
// kmem_cache_create / __kmem_cache_create: object size and alignment,
// cache_estimate, calculate_slab_order, on- or off-slab management, colour
// count and offset, and the per-CPU array sizes of enable_cpucache.
// linux-2.6 follows 2.6.32, linux-6 follows 6.5 (SLAB was removed in 6.8).
// mm/slab.c: kmem_cache_create, cache_estimate, calculate_slab_order, enable_cpucache.
#include <cstdint>
#include <functional>
#include <optional>

#include "model/flavour.hpp"
#include "model/slab_flags.hpp"
#include "model/slab_tunables.hpp"
#include "sim/machine_config.hpp"

namespace allocsim::model {

struct SlabParams {
  Flavour flavour = Flavour::linux_6;
  sim::Arch arch = sim::Arch::x86_64;
  std::uint32_t cache_line = 64;     // cache_line_size()
  std::uint64_t totalram_pages = 0;  // > 32 MiB raises slab_break_gfp_order / slab_max_order to 1
  unsigned possible_cpus = 1;        // num_possible_cpus(): the shared array needs > 1
  int slab_max_order = -1;           // 6.x `slab_max_order=` boot option; -1: not given
  // Study knobs (docs/config.md): 0 / empty / `on` keep the kernel's rule.
  std::uint32_t colour_step = 0;                // colour_off before the alignment; 0: cache line
  std::uint32_t colour_max = 0;                 // at most this many colours; 0: no cap
  SlabColouring colouring = SlabColouring::on;  // `forced`: room for colours (slab_geometry)
  std::optional<std::uint32_t> cpucache_limit;  // every cache's limit; 0: no per-CPU arrays
};

enum class SlabMgmt : std::uint8_t {
  on_slab,       // descriptor/freelist inside the slab
  off_slab,      // descriptor/freelist kmalloc'ed from a general cache
  obj_freelist,  // 6.5: the freelist lives in a free object (OBJFREELIST_SLAB)
};

struct SlabGeometry {
  std::uint32_t object_size = 0;  // as requested (after BYTES_PER_WORD rounding in 2.6.32)
  std::uint32_t size = 0;         // buffer_size (2.6.32) / cachep->size (6.5): the object stride
  std::uint32_t align = 0;
  unsigned order = 0;           // gfporder
  std::uint32_t num = 0;        // objects per slab
  std::uint32_t left_over = 0;  // bytes left for colouring
  SlabMgmt mgmt = SlabMgmt::on_slab;
  // 2.6.32: slab_size = struct slab + num bufctls (aligned when on-slab).
  // 6.5: freelist_size = num * sizeof(freelist_idx_t).
  std::uint32_t mgmt_size = 0;
  std::uint32_t bufctl_size = 0;  // 2.6.32: 4 (kmem_bufctl_t); 6.5: 1 or 2 (freelist_idx_t)
  std::uint32_t colour_off = 0;   // max(cache line, align)
  std::uint32_t colour = 0;       // left_over / colour_off: distinct offsets
  // enable_cpucache
  std::uint32_t limit = 0, batchcount = 0, shared = 0;
};

// What exists at the time the cache is created.
struct SlabBootState {
  // 2.6.32 slab_early_init: while set, no cache goes off-slab.
  bool early_init = false;
  // The general (kmalloc) cache that would hold `bytes` of freelist or slab
  // descriptor, or null if it does not exist yet. 6.5 OFF_SLAB needs it (and
  // requires it to be on-slab itself, with size <= cachep->size / 2).
  std::function<const SlabGeometry*(std::uint32_t bytes)> general_cache;
};

// sizeof(struct slab): 48 on x86_64, 28 on i386 (2.6.32).
std::uint32_t slab_descriptor_size(sim::Arch arch);

// The whole layout of a cache of `size`-byte objects.
SlabGeometry slab_geometry(const SlabParams& p, std::uint32_t size, std::uint32_t align,
                           SlabFlags flags, bool has_ctor, const SlabBootState& boot);

// cache_estimate(gfporder, ...): objects per slab and bytes left over.
struct SlabEstimate {
  std::uint32_t num = 0, left_over = 0;
};
SlabEstimate slab_cache_estimate(const SlabParams& p, unsigned order, std::uint32_t size,
                                 std::uint32_t align, SlabMgmt mgmt);

// enable_cpucache's table (same in 2.6.32 and 6.5), for an object stride.
struct ArrayCacheSize {
  std::uint32_t limit, batchcount, shared;
};
ArrayCacheSize slab_enable_cpucache(std::uint32_t size, unsigned possible_cpus);

// cache_grow's colour sequence: the colour index (0..colour-1) used by the
// next slab, advancing colour_next the way the flavour does (2.6.32: use then
// increment, 0,1,2,..; 6.5: increment then use, 1,2,..,colour-1,0,..).
unsigned slab_next_colour(Flavour f, std::uint32_t& colour_next, std::uint32_t colour);

}  // namespace allocsim::model
