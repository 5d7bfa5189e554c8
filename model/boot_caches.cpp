#include "model/boot_caches.hpp"

#include "sim/machine.hpp"

namespace allocsim::model {

std::vector<BootCache> boot_caches(Flavour f, sim::Arch arch) {
  if (f != Flavour::linux_6_18) return {};
  std::vector<BootCache> out;
  // maple_tree_init: aligned to its own size, 32-object sheaves.
  BootCache maple{"maple_node", kMapleNodeSize, kMapleNodeSize, SLAB_PANIC, {}};
  maple.args.sheaf_capacity = 32;
  out.push_back(maple);
  // vma_state_init: SLAB_TYPESAFE_BY_RCU with the free pointer in vm_freeptr,
  // which shares offset 0 with vm_start/vm_end (struct vm_area_struct,
  // include/linux/mm_types.h), so no word is added: 192-byte slots, 21 a slab.
  // Only on x86_64, the one architecture whose size is known here.
  if (arch == sim::Arch::x86_64) {
    BootCache vma{"vm_area_struct",
                  kVmAreaStructSize,
                  0,
                  SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT,
                  {}};
    vma.args.freeptr_offset = 0;
    vma.args.sheaf_capacity = 32;
    out.push_back(vma);
  }
  return out;
}

void create_boot_caches(ObjectAllocator& oa) {
  PageAllocator& pa = oa.page_allocator();
  sim::Cpu& boot = pa.machine().cpu(0);
  for (const BootCache& c : boot_caches(pa.flavour(), pa.machine().config().arch))
    oa.kmem_cache_create(boot, c.name, c.size, c.align, c.flags, false, c.args);
}

}  // namespace allocsim::model
