#pragma once
// Boot-time placement of kernel data that lives outside any allocator (mem_map,
// per-CPU areas, node and zone descriptors), in the spirit of Linux's memblock:
// top-down from a node's memory, optionally below a limit (i386 lowmem), never
// freed. The page allocator treats these ranges as reserved.
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
  // `bytes` at `align` (a power of two), as high as possible in `node`'s memory
  // but ending at or below `limit`; if `node` has no room there, in any node's
  // (memblock_alloc_try_nid). `Region::node` is where the memory really is.
  PhysAddr alloc(std::uint64_t bytes, std::uint64_t align, NodeId node,
                 PhysAddr limit = kPhysAddrMax);
  const std::vector<Region>& reserved() const { return reserved_; }

 private:
  static constexpr NodeId kAnyNode = ~NodeId{0};
  PhysAddr try_alloc(std::uint64_t bytes, std::uint64_t align, NodeId node, PhysAddr limit);
  struct Range {
    PhysAddr start, end;
    NodeId node;
  };
  std::vector<Range> free_;  // free ranges, by node
  std::vector<Region> reserved_;
};

}  // namespace allocsim::sim
