#pragma once
// GFP flags with each flavour's own bit values (2.6.32 include/linux/gfp.h,
// 6.8 include/linux/gfp_types.h): parsing from names or numbers, the trace
// rendering (show_gfp_flags), gfp_zone, the migratetype and the behaviour bits.
#include <cstdint>
#include <string>
#include <string_view>

#include "model/flavour.hpp"
#include "sim/machine_config.hpp"

namespace allocsim::model {

struct Gfp {
  std::uint32_t bits = 0;  // the flavour's raw gfp_t value
  bool operator==(const Gfp&) const = default;
};

// "GFP_KERNEL|__GFP_ZERO", "GFP_KERNEL | __GFP_ZERO", "0x8d0", "208", or a mix
// joined by '|'. Names: the flavour's GFP_* composites and __GFP_* bits, plus
// the spellings its own tracepoints print (2.6: "GFP_ZERO", "GFP_WAIT", ...;
// 6.x: "none"), so trace output parses back. Throws std::invalid_argument
// naming the bad token (a name of the other flavour says it does not exist in this one).
Gfp parse_gfp(Flavour f, std::string_view text);
// As the kmem tracepoints print gfp_flags (show_gfp_flags in
// include/trace/events/gfpflags.h, 2.6.32, and mmflags.h, 6.x).
std::string format_gfp(Flavour f, Gfp gfp);
// The highest zone index the request may use, in the architecture's zone order
// (gfp_zone / GFP_ZONE_TABLE); throws std::invalid_argument for the
// combinations the kernel treats as a BUG (two of DMA, DMA32, HIGHMEM).
int gfp_zone(Flavour f, sim::Arch arch, Gfp gfp);
// gfp_migratetype (6.8) / allocflags_to_migratetype (2.6.32), in the flavour's
// numbering: MIGRATE_UNMOVABLE for every request when mobility grouping is
// disabled (page_group_by_mobility_disabled). Throws std::invalid_argument for
// __GFP_MOVABLE|__GFP_RECLAIMABLE, which the kernel WARNs about and then maps
// to a type without pcp lists.
unsigned gfp_migratetype(Flavour f, Gfp gfp, bool group_by_mobility_disabled = false);

struct GfpTraits {
  bool direct_reclaim = false;  // may sleep and reclaim: 2.6 __GFP_WAIT, 6 __GFP_DIRECT_RECLAIM
  // Wakes kswapd from the slow path. 6: __GFP_KSWAPD_RECLAIM. 2.6.32 has no
  // such bit: every slow path wakes kswapd, except a NUMA GFP_THISNODE request
  // (__GFP_THISNODE|__GFP_NOWARN|__GFP_NORETRY), which gives up at once.
  bool kswapd_reclaim = false;
  bool high = false, io = false, fs = false, cold = false, zero = false, comp = false;
  bool nowarn = false, noretry = false, nofail = false, memalloc = false, nomemalloc = false;
  bool thisnode = false, hardwall = false;
};
GfpTraits gfp_traits(Flavour f, Gfp gfp);

}  // namespace allocsim::model
