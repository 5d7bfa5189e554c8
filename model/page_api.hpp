#pragma once
// The kernel's address-based page API over the allocator (include/linux/gfp.h,
// mm/page_alloc.c): __get_free_pages, get_zeroed_page, free_pages and
// pfn_to_page. Addresses are kernel virtual addresses (Highmem knows the maps).
#include "model/highmem.hpp"

namespace allocsim::model {

class PageApi {
 public:
  PageApi(PageAllocator& pa, Highmem& hm) : pa_(pa), hm_(hm) {}

  // __get_free_pages: a lowmem block's virtual address, 0 on failure.
  // __GFP_HIGHMEM: a caller bug in 2.6.32 (VM_BUG_ON; recorded, fails),
  // silently masked off in 6.8.
  VirtAddr get_free_pages(sim::Cpu& cpu, Gfp gfp, unsigned order);
  VirtAddr get_zeroed_page(sim::Cpu& cpu, Gfp gfp);
  // free_pages(addr, order): false (recorded by the allocator) for a bad address.
  bool free_pages(sim::Cpu& cpu, VirtAddr addr, unsigned order);
  // pfn_to_page: the simulated address of the frame's struct page.
  sim::PhysAddr pfn_to_page(Pfn pfn) const { return pa_.page_desc(pfn); }

  std::uint64_t highmem_misuse() const { return highmem_misuse_; }

 private:
  PageAllocator& pa_;
  Highmem& hm_;
  std::uint64_t highmem_misuse_ = 0;
};

}  // namespace allocsim::model
