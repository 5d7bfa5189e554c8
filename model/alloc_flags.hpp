#pragma once
// The page allocator's internal ALLOC_* flags, as meanings rather than bits
// (2.6.32 ALLOC_HIGH/ALLOC_HARDER, 6.8 ALLOC_MIN_RESERVE/ALLOC_NON_BLOCK),
// mm/page_alloc.c gfp_to_alloc_flags.
#include "model/flavour.hpp"
#include "model/gfp.hpp"

namespace allocsim::model {

enum class Wmark : std::uint8_t { min, low, high };

struct AllocFlags {
  Wmark wmark = Wmark::low;
  bool no_watermarks = false;  // ALLOC_NO_WATERMARKS: the caller skips zone_watermark_ok
  bool high = false;           // 2.6 ALLOC_HIGH (__GFP_HIGH), 6.x ALLOC_MIN_RESERVE: min -= min/2
  bool harder = false;         // 2.6 ALLOC_HARDER (!__GFP_WAIT), 6.x ALLOC_NON_BLOCK: min -= min/4
  bool oom = false;            // 6.x ALLOC_OOM: min -= min/2
  bool highatomic = false;     // 6.x ALLOC_HIGHATOMIC
  bool cpuset = false;         // ALLOC_CPUSET (no cpusets are modelled)
  bool kswapd = false;         // 6.x ALLOC_KSWAPD (== __GFP_KSWAPD_RECLAIM)
  bool cma = false;            // 6.x ALLOC_CMA
  bool nofragment = false;     // 6.x ALLOC_NOFRAGMENT
};

// The fast path's first attempt: 2.6.32 ALLOC_WMARK_LOW|ALLOC_CPUSET,
// 6.8 ALLOC_WMARK_LOW (ALLOC_CPUSET only with cpusets, ALLOC_KSWAPD and
// ALLOC_NOFRAGMENT added per zone by the caller).
AllocFlags fast_path_alloc_flags(Flavour f);
// gfp_to_alloc_flags: the slow path's flags (ALLOC_WMARK_MIN plus reserves).
// rt_task: the caller is a real-time task in process context. PF_MEMALLOC and
// OOM victims are not modelled; 6.x __GFP_MEMALLOC (without __GFP_NOMEMALLOC)
// sets no_watermarks, as __gfp_pfmemalloc_flags does for the later attempts.
AllocFlags gfp_to_alloc_flags(Flavour f, Gfp gfp, unsigned order, bool rt_task = false);

}  // namespace allocsim::model
