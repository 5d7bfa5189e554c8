#include "workloads/trace/event_gfp.hpp"

namespace allocsim::workloads::trace {

model::Gfp event_gfp(model::Flavour f, const Trace& t, const TraceEvent& e) {
  if (e.gfp_numeric) return model::Gfp{static_cast<std::uint32_t>(e.gfp_value)};
  return model::parse_gfp(f, t.str(e.gfp_text));
}

}  // namespace allocsim::workloads::trace
