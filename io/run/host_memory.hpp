#pragma once
// The host memory a run will need, estimated from the machine config before
// anything is built, and the limit it is held to (run.max_host_memory): a
// machine too large for the host is refused with the estimate and its largest
// part named, instead of ending in std::bad_alloc halfway through the build.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/config/load.hpp"

namespace allocsim::io {

struct HostMemoryPart {
  std::string name;
  std::uint64_t bytes = 0;
};

struct HostMemoryEstimate {
  std::vector<HostMemoryPart> parts;  // in a fixed order; see estimate_host_memory
  std::uint64_t total() const;
  const HostMemoryPart& largest() const;
};

// Peak resident bytes of a generated workload's run on this machine: the
// structures the machine config sizes, counted exactly; the timeseries'
// buffers (their rows are spooled to a file, so the run's length does not
// count); per-CPU and per-node model state and a base fitted to the default
// workload (bench/memory_scaling.md). A workload that keeps far more memory
// live than the default adds to it.
HostMemoryEstimate estimate_host_memory(const sim::MachineConfig& machine);

// MemAvailable of /proc/meminfo in bytes; nullopt when it cannot be read.
std::optional<std::uint64_t> host_mem_available();

// The limit of a run: run.max_host_memory, or with `auto` MemAvailable
// (nullopt: no limit, when it cannot be read or with `none`).
std::optional<std::uint64_t> host_memory_limit(const RunConfig& run);

// Throws ConfigError (key run.max_host_memory) when the estimate exceeds the limit.
void check_host_memory(const Config& config);

}  // namespace allocsim::io
