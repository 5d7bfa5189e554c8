#pragma once
// The kernel's page tables as far as vmalloc and the TLB need them
// (init_mm / swapper_pg_dir on x86): where each level's entry for a kernel
// virtual address lives in simulated memory, so that mapping a vmalloc page
// writes its PTE and a TLB miss reads the entries a hardware walk reads.
//  - x86_64: 4 levels of 512 8-byte entries; the linear map uses 2 MiB pages
//    (the PMD entry is the leaf); vmalloc uses 4 KiB pages (PGD, PUD, PMD, PTE).
//  - i386 (non-PAE): 2 levels of 1024 4-byte entries; the linear map uses
//    4 MiB PSE pages (the PGD entry is the leaf); vmalloc: PGD, PTE.
// Page-table pages are allocated from the page allocator (GFP_KERNEL, order
// 0) when first needed, like pud_alloc/pmd_alloc/pte_alloc_kernel, and never
// freed (vunmap only clears PTEs). The PGD and the linear map's tables are
// allocated at the first use, charged to the CPU that makes it.
#include <cstdint>
#include <unordered_map>

#include "model/highmem.hpp"
#include "model/tlb.hpp"

namespace allocsim::model {

class KernelPageTables {
 public:
  KernelPageTables(PageAllocator& pa, Highmem& hm, const TlbConfig& tlb = {});

  bool x86_64() const { return x86_64_; }
  unsigned entry_bytes() const { return x86_64_ ? 8 : 4; }
  Tlb& tlb() { return tlb_; }
  const Tlb& tlb() const { return tlb_; }
  PageAllocator& page_allocator() { return pa_; }
  Highmem& highmem() { return hm_; }

  // No table (pXd_none): physical 0, which the model never hands out as one.
  static constexpr sim::PhysAddr kNoTable{};
  // The simulated address of the PTE mapping `v` (a 4 KiB mapping), allocating
  // the missing table pages; kNoTable if one could not be allocated.
  sim::PhysAddr populate_pte(sim::Cpu& cpu, VirtAddr v);
  // The PTE's address, kNoTable while its table does not exist. Allocates nothing.
  sim::PhysAddr pte_addr(VirtAddr v) const;

  // The TLB lookup for one page of `v` (4 KiB, or a large linear-map page),
  // and on a miss the page walk: one read per level, then the fill.
  void translate(sim::Cpu& cpu, VirtAddr v, bool huge);

  // flush_tlb_kernel_range issued by `cpu`: 2.6.32 x86 flushes everything
  // (flush_tlb_all); 6.8 flushes the pages one by one unless the range is
  // longer than tlb_single_page_flush_ceiling. Every CPU's TLB is updated;
  // `cpu` pays the local flush and one IPI per other CPU.
  void flush_kernel_range(sim::Cpu& cpu, VirtAddr start, VirtAddr end);

  std::uint64_t table_pages() const { return table_pages_; }  // page-table pages allocated
  std::uint64_t flushes() const { return flushes_; }
  std::uint64_t walks() const { return walks_; }

  // Allocates the PGD and the linear map's tables on first use; false if out of memory.
  bool boot(sim::Cpu& cpu);

 private:
  sim::PhysAddr table(unsigned level, VirtAddr v) const;  // kNoTable if absent
  sim::PhysAddr alloc_table(sim::Cpu& cpu, unsigned level, VirtAddr v);
  static std::uint64_t key(unsigned level, std::uint64_t index) {
    return (static_cast<std::uint64_t>(level) << 56) | index;
  }
  unsigned table_shift(unsigned level) const;  // bits of address one table of `level` covers

  PageAllocator& pa_;
  Highmem& hm_;
  bool x86_64_;
  Tlb tlb_;
  sim::PhysAddr pgd_{};
  std::unordered_map<std::uint64_t, sim::PhysAddr> tables_;  // (level, index) -> table page
  std::uint64_t table_pages_ = 0, flushes_ = 0, walks_ = 0;
};

// Accesses through the linear map (kmalloc'ed or page-allocator memory):
// the large-page TLB, then the data at its physical address.
class KernelAccess {
 public:
  explicit KernelAccess(KernelPageTables& pt) : pt_(pt) {}
  // Returns the cycles charged; an address outside the linear map costs nothing.
  sim::Cycles access(sim::Cpu& cpu, VirtAddr v, std::uint64_t bytes, bool write);

 private:
  KernelPageTables& pt_;
};

}  // namespace allocsim::model
