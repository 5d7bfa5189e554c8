#pragma once
// SLUB (mm/slub.c) cache layout as each flavour computes it: calculate_sizes
// (stride, free pointer offset, alignment), calculate_order (2.6.32/6.5 loop
// and the 6.8 rewrite), min_partial and cpu_partial.
// mm/slub.c: calculate_sizes, calculate_order, set_min_partial, set_cpu_partial.
#include <cstdint>
#include <optional>
#include <string>

#include "model/flavour.hpp"
#include "model/kmem_cache_args.hpp"
#include "model/slab_flags.hpp"
#include "sim/machine_config.hpp"

namespace allocsim::model {

struct SlubParams {
  Flavour flavour = Flavour::linux_6;
  sim::Arch arch = sim::Arch::x86_64;
  std::uint32_t cache_line = 64;
  unsigned nr_cpus = 1;  // 6.x num_present_cpus() (nr_cpu_ids if <= 1); 2.6.32 nr_cpu_ids
  unsigned slub_min_order = 0;
  unsigned slub_max_order = kPageAllocCostlyOrder;  // 3
  unsigned slub_min_objects = 0;                    // 0: automatic
  // kernel.slub_cpu_partial / slub_min_partial: every cache's sysfs value; empty: the kernel's.
  std::optional<unsigned> cpu_partial;
  std::optional<std::uint64_t> min_partial;
};

struct SlubGeometry {
  std::uint32_t object_size = 0;  // s->object_size (2.6.32: s->objsize)
  std::uint32_t size = 0;         // s->size: the stride, /proc/slabinfo's objsize
  std::uint32_t inuse = 0;        // s->inuse: bytes the object uses before metadata
  std::uint32_t align = 0;
  std::uint32_t offset = 0;   // free pointer offset inside a free object
  unsigned order = 0;         // oo_order(s->oo)
  std::uint32_t objects = 0;  // oo_objects(s->oo)
  unsigned min_order = 0;     // s->min: fallback when the preferred order fails
  std::uint32_t min_objects = 0;
  std::uint64_t min_partial = 0;   // unsigned long s->min_partial (sysfs may set any value)
  unsigned cpu_partial = 0;        // objects (0 in 2.6.32: no per-CPU partial lists)
  unsigned cpu_partial_slabs = 0;  // DIV_ROUND_UP(cpu_partial * 2, objects)
  unsigned sheaf_capacity = 0;     // 6.18: per-CPU sheaf size (0: no sheaves)
};

// `has_ctor`: constructors move the free pointer out of the object.
// `args.freeptr_offset` (6.18): a SLAB_TYPESAFE_BY_RCU cache keeps its free
// pointer there, inside the object. Sheaf capacity is set by the caller
// (slub_sheaf_capacity), which knows the sheaves mode.
SlubGeometry slub_geometry(const SlubParams& p, std::uint32_t object_size, std::uint32_t align,
                           SlabFlags flags, bool has_ctor, const KmemCacheArgs& args = {});

// slub_set_cpu_partial (6.x): cpu_partial objects and the slabs they stand for.
void slub_set_cpu_partial(SlubGeometry& g, unsigned nr_objects);
// What a write of `min` to the min_partial attribute leaves (2.6.32 clamps it).
void slub_set_min_partial(Flavour f, SlubGeometry& g, std::uint64_t min);

// create_cache's check of kmem_cache_args (6.18): an empty string if `args`
// are valid for such a cache, else why not (the kernel's -EINVAL).
std::string check_kmem_cache_args(Flavour f, std::uint32_t object_size, SlabFlags flags,
                                  const KmemCacheArgs& args);

// calculate_order() for a stride; -1 when no order fits (-ENOSYS).
int slub_calculate_order(const SlubParams& p, std::uint32_t size);

// calculate_alignment (slab_common.c in 6.x, slub.c/slab.c in 2.6.32).
std::uint32_t slab_calculate_alignment(Flavour f, sim::Arch arch, std::uint32_t cache_line,
                                       SlabFlags flags, std::uint32_t align, std::uint32_t size);

}  // namespace allocsim::model
