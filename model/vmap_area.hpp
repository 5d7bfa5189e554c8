#pragma once
// The kernel virtual address space of vmalloc/vmap (mm/vmalloc.c): the range
// per architecture and the two generations' rules for picking an address.
//  - 2.6.32 alloc_vmap_area: first fit over the rbtree of *busy* areas
//    (lazily freed ones stay busy until purged), stepping to
//    ALIGN(busy->va_end + PAGE_SIZE) after each conflict: one extra page is
//    skipped after every busy area, on top of the guard page in the size.
//  - 6.8 __alloc_vmap_area: the lowest *free* block that holds the request
//    (find_vmap_lowest_match over free_vmap_area_root), split by
//    adjust_va_to_fit_type; freed ranges return (merged) only when purged.
// Both keep their tree as an address-sorted array; the reads of the rbtree
// nodes a real search would visit (a root-to-leaf path, plus 2.6.32's rb_next
// walk) are charged at the nodes' vmap_area addresses.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "model/charge.hpp"
#include "model/flavour.hpp"
#include "model/highmem.hpp"
#include "sim/machine_config.hpp"

namespace allocsim::model {

struct VmallocRange {
  VirtAddr start;  // VMALLOC_START
  VirtAddr end;    // VMALLOC_END as the kernel defines it (alloc_vmap_area's vend)
};
// arch/x86 pgtable_64_types.h (4-level paging, no KASLR) and pgtable_32_types.h
// (2.6.32) / pgtable_32_areas.h (6.8): i386 VMALLOC_START = high_memory +
// VMALLOC_OFFSET (8 MiB), VMALLOC_END = PKMAP_BASE - 2 * PAGE_SIZE (HIGHMEM).
VmallocRange vmalloc_range(Flavour f, sim::Arch arch, VirtAddr high_memory);

class VmapAreaAllocator {
 public:
  virtual ~VmapAreaAllocator() = default;
  // Reserves `size` bytes (already including the guard page) at `align` (a
  // power of 2, as alloc_vmap_area requires) within [vstart, vend]; `meta` is the new vmap_area's
  // address. Nothing when the range is full (the caller purges once and retries).
  virtual std::optional<VirtAddr> alloc(const Charge& c, std::uint64_t size, std::uint64_t align,
                                        VirtAddr vstart, VirtAddr vend, sim::PhysAddr meta) = 0;
  // The purge gives [start, end) back (2.6.32 __free_vmap_area; 6.8
  // merge_or_add_vmap_area_augment into the free tree).
  virtual void release(const Charge& c, VirtAddr start, VirtAddr end) = 0;
  virtual std::size_t nodes() const = 0;  // busy (2.6.32) or free (6.8) tree nodes

  static std::unique_ptr<VmapAreaAllocator> create(Flavour f, VirtAddr space_start,
                                                   VirtAddr space_end, sim::PhysAddr root_meta);

 protected:
  struct Node {
    VirtAddr start, end;
    sim::PhysAddr meta;  // the vmap_area struct (for charging its reads)
  };
  // Charges the root-to-leaf path a balanced tree search over `v` visits on
  // its way to index `target`.
  static void charge_path(const Charge& c, const std::vector<Node>& v, std::size_t target);
};

}  // namespace allocsim::model
