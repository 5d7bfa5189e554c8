#pragma once
// The struct kmem_cache_args fields (include/linux/slab.h, 6.12+;
// sheaf_capacity 6.18) that change a cache's layout or behaviour beyond
// align and ctor. Only linux-6.18 SLUB has them; useroffset/usersize only make
// a cache unmergeable.
#include <cstdint>
#include <optional>

#include "model/slab_tunables.hpp"

namespace allocsim::model {

struct KmemCacheArgs {
  std::optional<std::uint32_t> freeptr_offset;  // use_freeptr_offset + freeptr_offset
  unsigned sheaf_capacity = 0;
  std::uint32_t usersize = 0;
  bool empty() const { return !freeptr_offset && !sheaf_capacity && !usersize; }
  // Study knobs, not kernel args: one SLAB cache's colouring and slab_max_order.
  std::optional<SlabColouring> colouring;
  std::optional<unsigned> slab_max_order;
  bool slab_layout() const { return colouring || slab_max_order; }
};

}  // namespace allocsim::model
