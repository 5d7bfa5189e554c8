#pragma once
// The `run:` section: how a simulation is run (more keys arrive with the runner).
#include <cstdint>

namespace allocsim::io {

struct RunConfig {
  std::uint64_t seed = 1;  // root of every PRNG stream; --seed overrides it
};

}  // namespace allocsim::io
