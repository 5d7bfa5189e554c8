#pragma once
// vmalloc, vfree, vmap and vunmap (mm/vmalloc.c) for both generations:
// virtually contiguous kernel memory built from single pages, mapped with
// 4 KiB PTEs in the vmalloc range and reached through the TLB.
//
// - __get_vm_area_node: the size is page-aligned and one guard page added;
//   the flavour's VmapAreaAllocator picks the address (vmap_area.hpp).
// - __vmalloc_area_node: pages[] is kmalloc'ed, or itself vmalloc'ed
//   (VM_VPAGES, "vpages") when larger than a page; the pages are allocated one
//   at a time at order 0 with GFP_KERNEL | __GFP_HIGHMEM on the requested node,
//   then their PTEs written (the page-table pages come from the page allocator).
// - vfree/vunmap: lazy, as in both kernels: the area joins the lazy list and
//   vmap_lazy_nr grows by its pages (guard included); once vmap_lazy_nr exceeds
//   lazy_max_pages() = fls(num_online_cpus()) * (32 MiB / PAGE_SIZE) every lazy
//   area is purged: PTEs cleared (2.6.32 clears them here, 6.8 already did at
//   vfree), one flush_tlb_kernel_range over [lowest start, highest end), and the
//   address ranges released for reuse. Stale TLB entries of a lazily freed area
//   stay until that flush, as on the hardware; its addresses are not reused
//   before it. Who purges: 2.6.32 the freeing call itself
//   (free_vmap_area_noflush -> try_purge_vmap_area_lazy); 6.x queues
//   drain_vmap_work on the freeing CPU (schedule_work), whose
//   drain_vmap_area_work purges at that CPU's next op boundary.
// - An address-space shortage purges once and retries, then fails
//   (DiagKind::alloc_failure), as alloc_vmap_area does.
// Workload bugs (vfree of a non-vmalloc address, of an address that is not an
// area's start, twice) are recorded in the DiagnosticLog; nothing crashes.
// Metadata (vm_struct, vmap_area, pages[]) comes from MetaAlloc.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "model/diagnostics.hpp"
#include "model/kernel_pagetable.hpp"
#include "model/meta_alloc.hpp"
#include "model/vmap_area.hpp"
#include "sim/stats.hpp"
#include "sim/work_queue.hpp"

namespace allocsim::model {

// vm_struct flags (include/linux/vmalloc.h; 2.6.32 values). VM_VPAGES is a
// flag in 2.6.32; 6.8 prints "vpages" when pages[] is a vmalloc address.
enum VmFlag : unsigned {
  VM_IOREMAP = 0x1,
  VM_ALLOC = 0x2,
  VM_MAP = 0x4,
  VM_USERMAP = 0x8,
  VM_VPAGES = 0x10,
};

struct VmallocConfig {
  TlbConfig tlb{};
  // Print " N<node>=<count>" in /proc/vmallocinfo (CONFIG_NUMA); empty: only
  // on machines with more than one node.
  std::optional<bool> numa_info;
};

struct VmallocStats {
  std::uint64_t areas = 0;  // live areas (vmalloc and vmap)
  std::uint64_t pages = 0;  // pages held by live vmalloc areas
  std::uint64_t vmallocs = 0, vfrees = 0, vmaps = 0, vunmaps = 0;
  std::uint64_t purges = 0;        // __purge_vmap_area_lazy calls
  std::uint64_t tlb_flushes = 0;   // flush_tlb_kernel_range calls (purges that found areas)
  std::uint64_t failures = 0;      // requests that returned NULL
  std::uint64_t bad_accesses = 0;  // access() outside any mapped area
};

// Lazy purges by who ran them (registered once, machine-wide).
struct VmallocPurgeCounters {
  sim::Counter *deferred, *sync;
};
inline constexpr std::array<sim::CounterField<VmallocPurgeCounters>, 2> kVmallocPurgeCounters{{
    {{{"vmalloc.purges_deferred", "1", "lazy vmap purges run by deferred work (6.x)",
       "drain_vmap_area_work() -> __purge_vmap_area_lazy() (mm/vmalloc.c), on the freeing "
       "CPU's workqueue"},
      sim::StatScope::global},
     &VmallocPurgeCounters::deferred},
    {{{"vmalloc.purges_sync", "1",
       "lazy vmap purges run synchronously: by vfree/vunmap (2.6.32), an allocation short of "
       "address space, vm_unmap_aliases",
       "try_purge_vmap_area_lazy() (2.6.32), purge_vmap_area_lazy() / "
       "reclaim_and_purge_vmap_areas() (6.x) in mm/vmalloc.c"},
      sim::StatScope::global},
     &VmallocPurgeCounters::sync},
}};

class Vmalloc {
 public:
  struct Area {               // a busy vmap_area with its vm_struct
    VirtAddr start{};         // va_start == vm->addr
    VirtAddr end{};           // va_end == addr + vm->size (the guard page included)
    unsigned flags = 0;       // VmFlag
    std::vector<Pfn> pages;   // the frames mapped, in address order
    bool owns_pages = false;  // vmalloc: vm->pages/nr_pages set ("pages=N")
    std::string caller;
    VirtAddr va_meta{};        // struct vmap_area (virtual)
    VirtAddr vm_meta{};        // struct vm_struct (virtual)
    VirtAddr pages_meta{};     // kmalloc'ed pages[] (virtual)
    VirtAddr pages_vmalloc{};  // vmalloc'ed pages[] (VM_VPAGES)
    std::uint64_t size() const { return end - start; }
  };
  struct LazyArea {  // freed, not yet purged
    VirtAddr start, end;
    VirtAddr va_meta;
  };

  Vmalloc(PageAllocator& pa, Highmem& hm, DiagnosticLog& log, MetaAlloc& meta,
          const VmallocConfig& config = {});
  Vmalloc(const Vmalloc&) = delete;
  Vmalloc& operator=(const Vmalloc&) = delete;

  // 0 on failure. `caller` is what /proc/vmallocinfo prints (omitted if empty).
  VirtAddr vmalloc(sim::Cpu& cpu, std::uint64_t size, std::string_view caller = {});
  VirtAddr vzalloc(sim::Cpu& cpu, std::uint64_t size, std::string_view caller = {});
  // node < 0: NUMA_NO_NODE (the CPU's node).
  VirtAddr vmalloc_node(sim::Cpu& cpu, std::uint64_t size, int node, std::string_view caller = {});
  VirtAddr vzalloc_node(sim::Cpu& cpu, std::uint64_t size, int node, std::string_view caller = {});
  // false (and a diagnostic) for an address vmalloc did not hand out.
  bool vfree(sim::Cpu& cpu, VirtAddr addr);
  VirtAddr vmap(sim::Cpu& cpu, const std::vector<Pfn>& pfns, unsigned flags = VM_MAP,
                std::string_view caller = {});
  bool vunmap(sim::Cpu& cpu, VirtAddr addr);
  // vm_unmap_aliases: purge every lazily freed area now.
  void vm_unmap_aliases(sim::Cpu& cpu) { purge(cpu); }

  std::optional<Pfn> vmalloc_to_pfn(VirtAddr addr) const;
  bool is_vmalloc_addr(VirtAddr addr) const { return addr >= range_.start && addr < range_.end; }
  VmallocRange range() const { return range_; }

  // A data access through a vmalloc address: the 4 KiB TLB (page walk on a
  // miss), then the bytes at their physical address. Returns the cycles charged.
  sim::Cycles access(sim::Cpu& cpu, VirtAddr vaddr, std::uint64_t bytes, bool write);

  std::uint64_t lazy_max_pages() const;
  std::uint64_t vmap_lazy_nr() const { return lazy_nr_; }
  const std::vector<Area>& areas() const { return busy_; }           // by address
  const std::vector<LazyArea>& lazy_areas() const { return lazy_; }  // by address
  const VmallocStats& stats() const { return stats_; }
  KernelPageTables& page_tables() { return pt_; }
  const KernelPageTables& page_tables() const { return pt_; }
  Flavour flavour() const { return pa_.flavour(); }
  sim::Arch arch() const { return pa_.machine().config().arch; }
  bool numa_info() const { return numa_info_; }
  sim::NodeId page_node(Pfn pfn) const;

 private:
  VirtAddr vmalloc_impl(sim::Cpu& cpu, std::uint64_t size, int node, bool zero,
                        std::string_view caller);
  VirtAddr get_vm_area(sim::Cpu& cpu, std::uint64_t size, unsigned flags, int node,
                       std::string_view caller);
  bool unmap_free(sim::Cpu& cpu, VirtAddr addr, bool deallocate, const char* what);
  bool remove_area(sim::Cpu& cpu, VirtAddr addr, bool deallocate);
  // __purge_vmap_area_lazy, run synchronously (`deferred` false) or by drain_vmap_work.
  void purge(sim::Cpu& cpu, bool deferred = false);
  // 6.x drain_vmap_work: a work item on the system workqueue.
  // drain_vmap_work's function (6.x).
  void drain_vmap_area_work(sim::Cpu& cpu);
  bool init(sim::Cpu& cpu);
  std::size_t find(VirtAddr start) const;    // index of the area starting there, or npos
  const Area* containing(VirtAddr v) const;  // mapped part only
  void fail(sim::Cpu& cpu, VirtAddr addr, std::string detail);
  void report(sim::Cpu& cpu, DiagKind kind, VirtAddr addr, std::string detail);
  std::string ptr(VirtAddr a) const;  // %p
  sim::PhysAddr meta_phys(VirtAddr v) const { return hm_.virt_to_phys(v); }

  PageAllocator& pa_;
  Highmem& hm_;
  DiagnosticLog& log_;
  MetaAlloc& meta_;
  KernelPageTables pt_;
  VmallocRange range_;
  bool numa_info_;
  std::uint64_t totalram_ = 0;
  unsigned ptr_bytes_;
  std::unique_ptr<VmapAreaAllocator> alloc_;
  std::unique_ptr<sim::SpinLock> vmap_area_lock_;
  std::vector<Area> busy_;
  std::vector<LazyArea> lazy_;
  std::unordered_set<VirtAddr> freed_starts_;  // to tell a double vfree from a bad one
  std::uint64_t lazy_nr_ = 0;
  sim::MemberWork<Vmalloc, &Vmalloc::drain_vmap_area_work> drain_work_{*this};
  VmallocPurgeCounters purge_counters_{};
  VmallocStats stats_;
};

}  // namespace allocsim::model
