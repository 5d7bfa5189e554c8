#pragma once
// Which traced page events are the traced kernel's slab pages, which the
// model's own slab allocator allocates and frees by itself and the replay so
// leaves out (hooks.hpp, PageEventClassifier).
//
// The rule: an mm_page_alloc is a slab page when its gfp_flags print
// __GFP_COMP, __GFP_NOWARN (or 6.x's GFP_NOWAIT, which includes it) and
// __GFP_NORETRY, not __GFP_MOVABLE, and not GFP_NOWAIT with __GFP_IO or
// __GFP_FS (skb page frags: skb_page_frag_refill). SLUB's
// allocate_slab() adds __GFP_NOWARN|__GFP_NORETRY to the cache's flags
// (which include __GFP_COMP) for its first attempt (mm/slub.c); of the
// other allocations that print all three, the ones seen in this machine's
// recordings are page-cache and user pages, which are movable. A free of a pfn
// the rule took for a slab page is left out with it. A slab page allocated at
// the cache's minimum order after the first attempt failed (without the two
// flags) is missed: it is replayed, and the model allocates its own slab page
// too. docs/recording.md gives the rule's error measured on a recording with
// call chains (--stacktrace).
#include <string_view>
#include <vector>

#include "workloads/replay/hooks.hpp"
#include "workloads/replay/key_table.hpp"

namespace allocsim::workloads::replaying {

class SlabPageRule final : public PageEventClassifier {
 public:
  bool replay(const trace::TraceEvent& e, const trace::Trace& t) override;
  // Whether gfp text `gfp` (as the tracepoint prints it) marks a slab page.
  static bool slab_gfp(std::string_view gfp);

 private:
  KeyTable slab_pfns_;                // slab pages allocated in the trace, not yet freed
  std::vector<std::int8_t> by_text_;  // gfp_text id -> 1 slab, 0 not, -1 not yet looked at
};

}  // namespace allocsim::workloads::replaying
