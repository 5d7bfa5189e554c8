#include "workloads/replay/slab_pages.hpp"

#include <algorithm>

#include "workloads/replay/event_kinds.hpp"

namespace allocsim::workloads::replaying {

namespace {

// A flag among the '|'-separated names of a gfp text.
bool has_flag(std::string_view gfp, std::string_view flag) {
  for (std::size_t i = 0; i <= gfp.size();) {
    const std::size_t bar = std::min(gfp.find('|', i), gfp.size());
    if (gfp.substr(i, bar - i) == flag) return true;
    i = bar + 1;
  }
  return false;
}

}  // namespace

bool SlabPageRule::slab_gfp(std::string_view gfp) {
  // 6.x's GFP_NOWAIT is __GFP_KSWAPD_RECLAIM|__GFP_NOWARN (gfp_types.h), and
  // show_gfp_flags prints it instead of __GFP_NOWARN when both bits are set.
  const bool nowait = has_flag(gfp, "GFP_NOWAIT");
  // skb_page_frag_refill() clears only __GFP_DIRECT_RECLAIM from a GFP_KERNEL
  // socket's flags and adds the same three: GFP_NOWAIT with __GFP_IO or __GFP_FS.
  // allocate_slab() clears both reclaim bits when it clears one.
  const bool page_frag = nowait && (has_flag(gfp, "__GFP_IO") || has_flag(gfp, "__GFP_FS"));
  // GFP_HIGHUSER_MOVABLE and GFP_MOVABLE_MASK-carrying names include __GFP_MOVABLE.
  return has_flag(gfp, "__GFP_COMP") && (nowait || has_flag(gfp, "__GFP_NOWARN")) &&
         has_flag(gfp, "__GFP_NORETRY") && !page_frag && !has_flag(gfp, "__GFP_MOVABLE") &&
         !has_flag(gfp, "GFP_HIGHUSER_MOVABLE");
}

bool SlabPageRule::replay(const trace::TraceEvent& e, const trace::Trace& t) {
  if (action_of(e.kind) == Action::free_pages) return slab_pfns_.take(e.pfn) == KeyTable::kNone;
  if (!e.has(trace::Field::gfp_flags) || e.gfp_numeric) return true;
  if (e.gfp_text >= by_text_.size()) by_text_.resize(e.gfp_text + 1, -1);
  std::int8_t& slab = by_text_[e.gfp_text];
  if (slab < 0) slab = slab_gfp(t.str(e.gfp_text)) ? 1 : 0;
  if (!slab) return true;
  slab_pfns_.put(e.pfn, 1);
  return false;
}

}  // namespace allocsim::workloads::replaying
