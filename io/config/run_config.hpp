#pragma once
// The `run:` section: how a simulation is run (more keys arrive with the runner).
#include <cstdint>
#include <optional>
#include <string>

#include "io/config/error.hpp"

namespace allocsim::io {

struct RunConfig {
  std::uint64_t seed = 1;  // root of every PRNG stream; --seed overrides it
  // run.trace_out: the run's kmalloc/kfree/kmem_cache events written as a
  // native trace (replayable elsewhere); empty: none. Relative to the working directory.
  std::string trace_out;
  // run.sample_interval: simulated time between two timeseries samples
  // (0: none). run.max_samples: when a run reaches that many, the interval
  // doubles from then on, so long runs keep small files.
  std::uint64_t sample_interval = 0;
  std::uint64_t max_samples = 2000;
  // run.events: the most operations the events table keeps (0: no table);
  // run.event_every: one operation in every N is kept.
  std::uint64_t events = 0;
  std::uint64_t event_every = 1;
  // run.max_host_memory: the most host memory a run may be estimated to need
  // (io/run/host_memory.hpp). nullopt: `auto` (MemAvailable); UINT64_MAX: `none`.
  std::optional<std::uint64_t> max_host_memory;
  Origin max_host_memory_origin;  // where it was set, for the refusal message
};

}  // namespace allocsim::io
