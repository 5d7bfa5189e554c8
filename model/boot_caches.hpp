#pragma once
// The caches a kernel creates at boot beside the allocator's own: under
// linux-6.18, the two that ask for sheaves, maple_node and vm_area_struct,
// so a workload or a Python session can kmem_cache_alloc them by name.
#include "model/object_allocator.hpp"

namespace allocsim::model {

// struct maple_node: 256 bytes on 64-bit and 32-bit alike (MAPLE_NODE_SLOTS,
// include/linux/maple_tree.h).
inline constexpr std::uint32_t kMapleNodeSize = 256;
// sizeof(struct vm_area_struct) on x86_64 6.18: /sys/kernel/slab/vm_area_struct/
// object_size of the distribution kernel in tests/data/live-618.
inline constexpr std::uint32_t kVmAreaStructSize = 192;

// maple_tree_init (lib/maple_tree.c) and vma_state_init (mm/vma_init.c, from
// mmap_init in proc_caches_init), in start_kernel's order, on the boot CPU.
// Nothing before linux-6.18.
void create_boot_caches(ObjectAllocator& oa);

}  // namespace allocsim::model
