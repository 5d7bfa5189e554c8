#pragma once
// The caches a kernel creates at boot beside the allocator's own: under
// linux-6.18, the two that ask for sheaves, maple_node and vm_area_struct,
// so a workload (by name, without declaring it) or a Python session can
// kmem_cache_alloc them.
#include <string_view>
#include <vector>

#include "model/object_allocator.hpp"

namespace allocsim::model {

// struct maple_node: 256 bytes on 64-bit and 32-bit alike (MAPLE_NODE_SLOTS,
// include/linux/maple_tree.h).
inline constexpr std::uint32_t kMapleNodeSize = 256;
// sizeof(struct vm_area_struct) on x86_64 6.18: /sys/kernel/slab/vm_area_struct/
// object_size of the distribution kernel in tests/data/live-618.
inline constexpr std::uint32_t kVmAreaStructSize = 192;

struct BootCache {
  std::string_view name;
  std::uint32_t size = 0, align = 0;
  SlabFlags flags = 0;
  KmemCacheArgs args;
};

// In creation order: maple_tree_init (lib/maple_tree.c), then vma_state_init
// (mm/vma_init.c, from mmap_init in proc_caches_init), as start_kernel runs
// them. None before linux-6.18.
std::vector<BootCache> boot_caches(Flavour f, sim::Arch arch);

// Creates them on the boot CPU.
void create_boot_caches(ObjectAllocator& oa);

}  // namespace allocsim::model
