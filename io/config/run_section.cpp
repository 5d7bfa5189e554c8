// The `run:` section.
#include "io/config/sections.hpp"

namespace allocsim::io {

RunConfig read_run(MapReader& top) {
  MapReader run = top.map("run", {"seed", "trace_out"});
  RunConfig out;
  out.seed = run.uint("seed");
  const std::string trace_out = run.string("trace_out");
  if (trace_out != "none") out.trace_out = trace_out;
  run.done();
  return out;
}

}  // namespace allocsim::io
