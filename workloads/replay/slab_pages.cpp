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
  // GFP_HIGHUSER_MOVABLE and GFP_MOVABLE_MASK-carrying names include __GFP_MOVABLE.
  return has_flag(gfp, "__GFP_COMP") && has_flag(gfp, "__GFP_NOWARN") &&
         has_flag(gfp, "__GFP_NORETRY") && !has_flag(gfp, "__GFP_MOVABLE") &&
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
