#pragma once
// Where the kernel's own small metadata comes from (kmalloc/kmem_cache in the
// real kernel): vm_struct, vmap_area and vmalloc's pages[] array. Addresses
// are kernel virtual addresses in the linear map. The simulator's kmalloc
// implements it; tests use a trivial fake.
#include <cstdint>

#include "sim/address.hpp"
#include "sim/cpu.hpp"

namespace allocsim::model {

struct MetaAlloc {
  virtual ~MetaAlloc() = default;
  // NULL on failure. `node` < 0: no preference (NUMA_NO_NODE).
  virtual sim::VirtAddr alloc(sim::Cpu& cpu, std::uint64_t bytes, int node) = 0;
  virtual void free(sim::Cpu& cpu, sim::VirtAddr addr) = 0;
};

}  // namespace allocsim::model
