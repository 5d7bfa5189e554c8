#include "model/alloc_flags.hpp"

namespace allocsim::model {

AllocFlags fast_path_alloc_flags(Flavour) {
  AllocFlags a;
  a.wmark = Wmark::low;
  a.cpuset = true;
  return a;
}

AllocFlags gfp_to_alloc_flags(Flavour f, Gfp gfp, unsigned order, bool rt_task) {
  const GfpTraits t = gfp_traits(f, gfp);
  AllocFlags a;
  a.wmark = Wmark::min;
  a.cpuset = true;
  if (f == Flavour::linux_2_6) {
    // mm/page_alloc.c:gfp_to_alloc_flags (2.6.32).
    a.high = t.high;
    if (!t.direct_reclaim) {
      a.harder = true;
      a.cpuset = false;  // atomic requests ignore cpusets
    } else if (rt_task) {
      a.harder = true;
    }
    return a;
  }
  // mm/page_alloc.c:gfp_to_alloc_flags (6.8).
  a.high = t.high;  // __GFP_HIGH == ALLOC_MIN_RESERVE
  a.kswapd = t.kswapd_reclaim;
  if (!t.direct_reclaim && !t.nomemalloc) {
    a.harder = true;  // ALLOC_NON_BLOCK
    if (order > 0) a.highatomic = true;
    a.cpuset = false;
  } else if (t.direct_reclaim && rt_task) {
    a.high = true;
  }
  if (t.memalloc) a.no_watermarks = true;  // __gfp_pfmemalloc_flags
  return a;
}

}  // namespace allocsim::model
