#include "sim/boot_memory.hpp"

#include <stdexcept>
#include <string>

namespace allocsim::sim {

BootMemory::BootMemory(const MachineConfig& config) : nodes_(config.node_memory) {
  for (const NodeMemory& m : nodes_) top_.push_back(m.start + m.bytes);
}

PhysAddr BootMemory::alloc(std::uint64_t bytes, std::uint64_t align, NodeId node) {
  if (node >= nodes_.size())
    throw std::invalid_argument("boot memory: no node " + std::to_string(node));
  if (align == 0 || (align & (align - 1)))
    throw std::invalid_argument("boot memory: bad alignment");
  const NodeMemory& m = nodes_[node];
  if (bytes > top_[node] - m.start)
    throw std::runtime_error("boot memory: node " + std::to_string(node) + " is full");
  const PhysAddr start = (top_[node] - bytes) & ~(align - 1);
  if (start < m.start)
    throw std::runtime_error("boot memory: node " + std::to_string(node) + " is full");
  top_[node] = start;
  reserved_.push_back({start, bytes, node});
  return start;
}

}  // namespace allocsim::sim
