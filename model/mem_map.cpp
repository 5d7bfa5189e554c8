#include "model/mem_map.hpp"

#include <stdexcept>
#include <string>

namespace allocsim::model {

void MemMap::set_node_memmap(Pfn node_start, Pfn node_end, sim::PhysAddr base,
                             std::uint32_t desc_size) {
  desc_size_ = desc_size;
  node_maps_.push_back({index(node_start), index(node_end), base});
}

sim::PhysAddr MemMap::desc_addr(std::uint32_t idx) const {
  // Few nodes: a scan beats a search.
  for (const NodeMap& n : node_maps_)
    if (idx >= n.first && idx < n.end) return n.base + std::uint64_t{idx - n.first} * desc_size_;
  throw std::out_of_range("no struct page for mem_map index " + std::to_string(idx));
}

}  // namespace allocsim::model
