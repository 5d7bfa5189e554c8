// The `run:` section.
#include "io/config/sections.hpp"

namespace allocsim::io {

RunConfig read_run(MapReader& top) {
  MapReader run = top.map("run", {"seed"});
  RunConfig out;
  out.seed = run.uint("seed");
  run.done();
  return out;
}

}  // namespace allocsim::io
