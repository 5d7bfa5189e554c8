#include "sim/boot_memory.hpp"

#include <stdexcept>
#include <string>

namespace allocsim::sim {

BootMemory::BootMemory(const MachineConfig& config) {
  for (NodeId n = 0; n < config.node_memory.size(); ++n) {
    const NodeMemory& m = config.node_memory[n];
    if (m.bytes) free_.push_back({m.start, m.start + m.bytes, n});
  }
}

PhysAddr BootMemory::alloc(std::uint64_t bytes, std::uint64_t align, NodeId node, PhysAddr limit) {
  if (align == 0 || (align & (align - 1)))
    throw std::invalid_argument("boot memory: bad alignment");
  // memblock_alloc_try_nid: the node's own memory first, then any node's
  // (NUMA_NO_NODE), always below the limit. An i386 node that is all HIGHMEM
  // thus gets its structures in another node's lowmem.
  PhysAddr at = try_alloc(bytes, align, node, limit);
  if (at == kPhysAddrMax) at = try_alloc(bytes, align, kNoNode, limit);
  if (at == kPhysAddrMax) {
    std::string where =
        limit == kPhysAddrMax ? "" : " below " + std::to_string(limit.value() >> 20) + " MiB";
    throw std::runtime_error("boot memory: no room for " + std::to_string(bytes) +
                             " bytes for node " + std::to_string(node) + " in any node" + where);
  }
  return at;
}

PhysAddr BootMemory::try_alloc(std::uint64_t bytes, std::uint64_t align, NodeId node,
                               PhysAddr limit) {
  // memblock_alloc is top-down: the highest fit wins.
  Range* best = nullptr;
  PhysAddr best_start{};
  for (Range& r : free_) {
    if (node != kNoNode && r.node != node) continue;
    const PhysAddr top = r.end < limit ? r.end : limit;
    if (top < r.start || top - r.start < bytes) continue;
    const PhysAddr start((top - bytes).value() & ~(align - 1));  // round_down
    if (start < r.start) continue;
    if (!best || start > best_start) {
      best = &r;
      best_start = start;
    }
  }
  if (!best) return kPhysAddrMax;
  const Range r = *best;
  // Split the range around the allocation.
  best->end = best_start;
  if (best_start + bytes < r.end) free_.push_back({best_start + bytes, r.end, r.node});
  reserved_.push_back({best_start, bytes, r.node});
  return best_start;
}

}  // namespace allocsim::sim
