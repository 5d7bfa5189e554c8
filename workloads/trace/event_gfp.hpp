#pragma once
// An event's gfp_flags as the model's Gfp, for the kernel generation that
// wrote the trace: the hex value when the tracer printed one, otherwise the
// printed names through model::parse_gfp (which knows both generations'
// show_gfp_flags spellings). Throws std::invalid_argument on a name the
// flavour lacks.
#include "model/gfp.hpp"
#include "workloads/trace/trace.hpp"

namespace allocsim::workloads::trace {

model::Gfp event_gfp(model::Flavour f, const Trace& t, const TraceEvent& e);

}  // namespace allocsim::workloads::trace
