#include "model/boot_caches.hpp"

#include "sim/machine.hpp"

namespace allocsim::model {

void create_boot_caches(ObjectAllocator& oa) {
  PageAllocator& pa = oa.page_allocator();
  if (pa.flavour() != Flavour::linux_6_18) return;
  sim::Cpu& boot = pa.machine().cpu(0);
  // maple_tree_init: aligned to its own size, 32-object sheaves.
  KmemCacheArgs maple;
  maple.sheaf_capacity = 32;
  oa.kmem_cache_create(boot, "maple_node", kMapleNodeSize, kMapleNodeSize, SLAB_PANIC, false,
                       maple);
  // vma_state_init: SLAB_TYPESAFE_BY_RCU with the free pointer in vm_freeptr,
  // which shares offset 0 with vm_start/vm_end (struct vm_area_struct,
  // include/linux/mm_types.h), so no word is added: 192-byte slots, 21 a slab.
  // Only on x86_64, the one architecture whose size is known here.
  if (pa.machine().config().arch != sim::Arch::x86_64) return;
  KmemCacheArgs vma;
  vma.freeptr_offset = 0;
  vma.sheaf_capacity = 32;
  oa.kmem_cache_create(boot, "vm_area_struct", kVmAreaStructSize, 0,
                       SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT, false,
                       vma);
}

}  // namespace allocsim::model
