// The `run:` section.
#include <limits>

#include "io/config/sections.hpp"

namespace allocsim::io {

RunConfig read_run(MapReader& top, double ghz) {
  MapReader run = top.map("run", {"seed", "trace_out", "sample_interval", "max_samples", "events",
                                  "event_every", "max_host_memory"});
  RunConfig out;
  out.seed = run.uint("seed");
  const std::string trace_out = run.string("trace_out");
  if (trace_out != "none") out.trace_out = trace_out;
  const Value interval = run.get("sample_interval");
  if (interval.node().is_scalar() && interval.node().text() == "none") {
    run.record("sample_interval", "none");
  } else {
    out.sample_interval = run.time("sample_interval", ghz);
    if (out.sample_interval == 0)
      interval.fail("a sample interval must be longer than 0 (or none)");
  }
  out.max_samples = run.uint("max_samples", 2, 1u << 20);
  out.events = run.uint("events", 0, std::uint64_t{1} << 32);
  out.event_every = run.uint("event_every", 1);
  const Value limit = run.get("max_host_memory");
  out.max_host_memory_origin = limit.origin();
  const std::string limit_text = limit.node().is_scalar() ? limit.node().text() : "";
  if (limit_text == "auto" || limit_text == "none") {
    run.record("max_host_memory", limit_text);
    if (limit_text == "none") out.max_host_memory = std::numeric_limits<std::uint64_t>::max();
  } else {
    out.max_host_memory = run.size("max_host_memory", std::uint64_t{1} << 20);
  }
  run.done();
  return out;
}

}  // namespace allocsim::io
