#pragma once
// Kernel virtual addresses of page frames (mm/highmem.c, arch/x86): lowmem is
// directly mapped at PAGE_OFFSET; on i386 HIGHMEM pages have no address until
// mapped, either by kmap() into the LAST_PKMAP-entry permanent pool (which may
// sleep when full) or by kmap_atomic() into a per-CPU slot (never sleeps).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/page_alloc.hpp"
#include "sim/address.hpp"

namespace allocsim::model {

using sim::VirtAddr;

class Highmem {
 public:
  explicit Highmem(PageAllocator& pa);

  VirtAddr page_offset() const { return page_offset_; }
  // __pa() and __va(): the linear map of lowmem at PAGE_OFFSET
  // (arch/x86/include/asm/page.h); no check that the address is lowmem.
  sim::PhysAddr pa(VirtAddr v) const { return sim::PhysAddr(v - page_offset_); }
  VirtAddr va(sim::PhysAddr p) const { return page_offset_ + p.value(); }
  // page_address(): 0 for an unmapped HIGHMEM page.
  VirtAddr page_address(Pfn pfn) const;
  // virt_to_page() for direct-mapped and pkmap addresses; nothing for others.
  std::optional<Pfn> virt_to_page(VirtAddr v) const;
  sim::PhysAddr virt_to_phys(VirtAddr v) const;

  // kmap(): may sleep (blocks the CPU in the engine) while the pool is full.
  VirtAddr kmap(sim::Cpu& cpu, Pfn pfn);
  void kunmap(sim::Cpu& cpu, Pfn pfn);
  // kmap_atomic(): a per-CPU slot, never sleeps; unmapped in LIFO order.
  VirtAddr kmap_atomic(sim::Cpu& cpu, Pfn pfn);
  void kunmap_atomic(sim::Cpu& cpu, VirtAddr v);

  unsigned last_pkmap() const { return static_cast<unsigned>(pkmap_count_.size()); }
  unsigned kmap_atomic_slots() const { return atomic_slots_; }
  std::uint64_t pkmap_flushes() const { return flushes_; }
  std::uint64_t kmap_waits() const { return waits_; }
  const std::vector<std::string>& misuse() const { return misuse_; }  // bad kunmaps, recorded

 private:
  unsigned map_new_virtual(sim::Cpu& cpu, Pfn pfn);
  void flush_all_zero_pkmaps(sim::Cpu& cpu);
  void note(const std::string& what);

  PageAllocator& pa_;
  bool highmem_;  // i386: HIGHMEM exists
  VirtAddr page_offset_;
  VirtAddr pkmap_base_{0xff800000};  // i386 PKMAP_BASE (non-PAE)
  VirtAddr fixmap_top_{0xfffff000};  // kmap_atomic slots grow down from here
  std::vector<int> pkmap_count_;     // 0 free, 1 mapped unused, n > 1: n - 1 users
  std::vector<Pfn> pkmap_page_;
  unsigned last_pkmap_nr_ = 0;
  std::unique_ptr<sim::SpinLock> kmap_lock_;
  sim::PhysAddr pkmap_pte_{};  // the page table page of the pool
  sim::PhysAddr pkmap_count_addr_{};
  std::vector<sim::Cpu*> waiters_;  // pkmap_map_wait
  unsigned atomic_slots_;
  std::vector<std::vector<Pfn>> atomic_stack_;  // per CPU
  std::uint64_t flushes_ = 0, waits_ = 0;
  std::vector<std::string> misuse_;
};

}  // namespace allocsim::model
