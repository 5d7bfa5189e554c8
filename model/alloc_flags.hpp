#pragma once
// The page allocator's internal ALLOC_* flags, as meanings rather than bits
// (2.6.32 ALLOC_HIGH/ALLOC_HARDER, 6.8 ALLOC_MIN_RESERVE/ALLOC_NON_BLOCK).
#include "model/flavour.hpp"
#include "model/gfp.hpp"

namespace allocsim::model {

enum class Wmark : std::uint8_t { min, low, high };

struct AllocFlags {
  Wmark wmark = Wmark::low;
  bool no_watermarks = false;
  bool high = false;    // 2.6 ALLOC_HIGH (__GFP_HIGH), 6.x ALLOC_MIN_RESERVE: min -= min/2
  bool harder = false;  // 2.6 ALLOC_HARDER (!__GFP_WAIT), 6.x ALLOC_NON_BLOCK: min -= min/4
  bool oom = false;
  bool highatomic = false;
  bool cpuset = false;
  bool kswapd = false;
  bool cma = false;
  bool nofragment = false;
};

// The fast path's flags: ALLOC_WMARK_LOW (|ALLOC_CPUSET).
AllocFlags fast_path_alloc_flags(Flavour f);
// gfp_to_alloc_flags: the slow path's flags (ALLOC_WMARK_MIN plus reserves).
AllocFlags gfp_to_alloc_flags(Flavour f, Gfp gfp, unsigned order, bool rt_task = false);

}  // namespace allocsim::model
