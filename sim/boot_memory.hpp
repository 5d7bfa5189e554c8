#pragma once
// Boot-time placement of kernel data that lives outside any allocator (per-CPU
// areas, lock words of static structures), in the spirit of Linux's memblock:
// allocated top-down from a node's memory and never freed. The page allocator
// treats these ranges as reserved.
#include <cstdint>
#include <vector>

#include "sim/machine_config.hpp"

namespace allocsim::sim {

class BootMemory {
 public:
  struct Region {
    PhysAddr start;
    std::uint64_t bytes;
    NodeId node;
  };

  explicit BootMemory(const MachineConfig& config);
  // `bytes` at `align` (a power of two) from the top of `node`'s memory.
  PhysAddr alloc(std::uint64_t bytes, std::uint64_t align, NodeId node);
  const std::vector<Region>& reserved() const { return reserved_; }

 private:
  std::vector<NodeMemory> nodes_;
  std::vector<PhysAddr> top_;  // per node: everything at or above is reserved
  std::vector<Region> reserved_;
};

}  // namespace allocsim::sim
