#pragma once
// The struct kmem_cache_args fields (include/linux/slab.h, 6.12+;
// sheaf_capacity 6.18) that change a cache's layout or behaviour beyond
// align and ctor. Only linux-6.18 SLUB has them; useroffset/usersize only make
// a cache unmergeable.
#include <cstdint>
#include <optional>

namespace allocsim::model {

struct KmemCacheArgs {
  std::optional<std::uint32_t> freeptr_offset;  // use_freeptr_offset + freeptr_offset
  unsigned sheaf_capacity = 0;
  std::uint32_t usersize = 0;
  bool empty() const { return !freeptr_offset && !sheaf_capacity && !usersize; }
};

}  // namespace allocsim::model
