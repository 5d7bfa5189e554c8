#pragma once
// SLUB (mm/slub.c) cache layout as each flavour computes it: calculate_sizes
// (stride, free pointer offset, alignment), calculate_order (2.6.32/6.5 loop
// and the 6.8 rewrite), min_partial and cpu_partial.
// mm/slub.c: calculate_sizes, calculate_order, set_min_partial, set_cpu_partial.
#include <cstdint>

#include "model/flavour.hpp"
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
  unsigned min_partial = 0;
  unsigned cpu_partial = 0;        // objects (0 in 2.6.32: no per-CPU partial lists)
  unsigned cpu_partial_slabs = 0;  // DIV_ROUND_UP(cpu_partial * 2, objects)
};

// `has_ctor`: constructors move the free pointer out of the object.
SlubGeometry slub_geometry(const SlubParams& p, std::uint32_t object_size, std::uint32_t align,
                           SlabFlags flags, bool has_ctor);

// calculate_order() for a stride; -1 when no order fits (-ENOSYS).
int slub_calculate_order(const SlubParams& p, std::uint32_t size);

// calculate_alignment (slab_common.c in 6.x, slub.c/slab.c in 2.6.32).
std::uint32_t slab_calculate_alignment(Flavour f, sim::Arch arch, std::uint32_t cache_line,
                                       SlabFlags flags, std::uint32_t align, std::uint32_t size);

}  // namespace allocsim::model
