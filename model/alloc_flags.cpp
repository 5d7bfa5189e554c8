#include "model/alloc_flags.hpp"

namespace allocsim::model {

AllocFlags fast_path_alloc_flags(Flavour f) {
  AllocFlags a;
  a.wmark = Wmark::low;
  // __alloc_pages_nodemask (2.6.32): ALLOC_WMARK_LOW|ALLOC_CPUSET.
  // __alloc_pages (6.8): ALLOC_WMARK_LOW; prepare_alloc_pages adds ALLOC_CPUSET
  // only when cpusets_enabled().
  a.cpuset = f == Flavour::linux_2_6;
  return a;
}

AllocFlags gfp_to_alloc_flags(Flavour f, Gfp gfp, unsigned order, bool rt_task) {
  const GfpTraits t = gfp_traits(f, gfp);
  AllocFlags a;
  a.wmark = Wmark::min;  // ALLOC_WMARK_MIN | ALLOC_CPUSET
  a.cpuset = true;
  a.high = t.high;  // __GFP_HIGH == ALLOC_HIGH (2.6) == ALLOC_MIN_RESERVE (6.x)
  if (f == Flavour::linux_2_6) {
    // mm/page_alloc.c:gfp_to_alloc_flags (2.6.32).
    if (!t.direct_reclaim) {  // !__GFP_WAIT: atomic, and cpusets are ignored
      a.harder = true;
      a.cpuset = false;
    } else if (rt_task) {
      a.harder = true;
    }
    return a;
  }
  // mm/page_alloc.c:gfp_to_alloc_flags (6.8).
  a.kswapd = t.kswapd_reclaim;  // __GFP_KSWAPD_RECLAIM == ALLOC_KSWAPD
  if (!t.direct_reclaim) {
    if (!t.nomemalloc) {
      a.harder = true;                     // ALLOC_NON_BLOCK
      if (order > 0) a.highatomic = true;  // ALLOC_HIGHATOMIC
    }
    if (a.high) a.cpuset = false;  // non-blocking __GFP_HIGH ignores cpuset mems
  } else if (rt_task) {
    a.high = true;  // ALLOC_MIN_RESERVE
  }
  // __gfp_pfmemalloc_flags: __GFP_NOMEMALLOC wins over __GFP_MEMALLOC.
  if (t.memalloc && !t.nomemalloc) a.no_watermarks = true;
  return a;
}

}  // namespace allocsim::model
