#include "workloads/trace/event_gfp.hpp"

namespace allocsim::workloads::trace {

model::Gfp event_gfp(model::Flavour f, const Trace& t, const TraceEvent& e) {
  model::Gfp g = e.gfp_numeric ? model::Gfp{static_cast<std::uint32_t>(e.gfp_value)}
                               : model::parse_gfp(f, t.str(e.gfp_text));
  // linux-6.18: `accounted=true` (memcg-charged: __GFP_ACCOUNT, or a
  // SLAB_ACCOUNT cache) routes a kmalloc to kmalloc-cg-* (kmalloc_type()).
  if (e.accounted && f == model::Flavour::linux_6_18)
    g.bits |= model::parse_gfp(f, "__GFP_ACCOUNT").bits;
  return g;
}

}  // namespace allocsim::workloads::trace
