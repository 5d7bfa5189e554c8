#include "model/vmalloc.hpp"

#include <algorithm>
#include <cstdio>

#include "model/costs.hpp"
#include "model/kernel_math.hpp"

namespace allocsim::model {

namespace {
constexpr std::size_t kNpos = static_cast<std::size_t>(-1);
constexpr sim::Cycles kVmallocCall = 40;  // size checks, flag set-up, caller bookkeeping
constexpr sim::Cycles kPerPage = 6;       // the per-page loop around alloc_page / set_pte
constexpr const char* kVmapAreaLock = "vmap_area_lock";

// sizeof(struct vm_struct) and sizeof(struct vmap_area) in each tree.
std::uint64_t vm_struct_bytes(sim::Arch a) {
  return a == sim::Arch::x86_64 ? 64 : 32;
}
std::uint64_t vmap_area_bytes(Flavour f, sim::Arch a) {
  if (f == Flavour::linux_2_6) return a == sim::Arch::x86_64 ? 104 : 52;  // + purge_list, rcu
  return a == sim::Arch::x86_64 ? 72 : 36;
}
}  // namespace

Vmalloc::Vmalloc(PageAllocator& pa, Highmem& hm, DiagnosticLog& log, MetaAlloc& meta,
                 const VmallocConfig& config)
    : pa_(pa),
      hm_(hm),
      log_(log),
      meta_(meta),
      pt_(pa, hm, config.tlb),
      numa_info_(config.numa_info.value_or(pa.machine().config().nodes > 1)),
      ptr_bytes_(bytes_per_word(pa.machine().config().arch)) {
  // high_memory: the end of the directly mapped (lowmem) frames.
  Pfn lowmem_end{};
  for (const Zone& z : pa.zones()) {
    totalram_ += z.managed_pages;
    if (z.type != ZoneType::highmem)
      lowmem_end = std::max(lowmem_end, z.zone_start_pfn + z.spanned_pages);
  }
  range_ = vmalloc_range(pa.flavour(), arch(), hm.va(pa.pfn_to_phys(lowmem_end)));
  // init() makes the lock on the first vmalloc, which may come after the run has begun.
  pa.machine().expect_lock_class(kVmapAreaLock);
  pa.machine().stats().register_counters(purge_counters_, kVmallocPurgeCounters,
                                         sim::StatsRegistry::kGlobal);
}

sim::NodeId Vmalloc::page_node(Pfn pfn) const {
  return pa_.zones()[pa_.mem_map().page(pfn).zone].node;
}

// lazy_max_pages(): fls(num_online_cpus()) * (32 MiB / PAGE_SIZE), both trees.
std::uint64_t Vmalloc::lazy_max_pages() const {
  return fls(pa_.machine().cpus()) * ((32ull << 20) / kPageSize);
}

std::string Vmalloc::ptr(VirtAddr a) const {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%0*llx", ptr_bytes_ * 2,
                static_cast<unsigned long long>(a.value()));
  return buf;
}

void Vmalloc::report(sim::Cpu& cpu, DiagKind kind, VirtAddr addr, std::string detail) {
  log_.report(Diagnostic{kind, cpu.now(), cpu.id(), addr.value(), {}, std::move(detail)});
}

void Vmalloc::fail(sim::Cpu& cpu, VirtAddr addr, std::string detail) {
  ++stats_.failures;
  report(cpu, DiagKind::alloc_failure, addr, std::move(detail));
}

// vmalloc_init: the lock and, in 6.8, the free tree's first node.
bool Vmalloc::init(sim::Cpu& cpu) {
  if (alloc_) return true;
  const VirtAddr lock = meta_.alloc(cpu, 64, -1);
  if (!lock) return false;
  const VirtAddr root = meta_.alloc(cpu, vmap_area_bytes(flavour(), arch()), -1);
  if (!root) {
    meta_.free(cpu, lock);
    return false;
  }
  // Another CPU may have finished vmalloc_init while the allocations above let
  // it run: keep its lock (it may be held or waited for) and give these back.
  if (alloc_) {
    meta_.free(cpu, root);
    meta_.free(cpu, lock);
    return true;
  }
  vmap_area_lock_ =
      std::make_unique<sim::SpinLock>(pa_.machine().make_lock(meta_phys(lock), kVmapAreaLock));
  // 6.8 vmap_init_free_space: the free space spans [1, ULONG_MAX).
  const VirtAddr top(arch() == sim::Arch::x86_64 ? ~0ull : 0xffffffffull);
  alloc_ = VmapAreaAllocator::create(flavour(), VirtAddr(1), top, meta_phys(root));
  return true;
}

std::size_t Vmalloc::find(VirtAddr start) const {
  auto it = std::lower_bound(busy_.begin(), busy_.end(), start,
                             [](const Area& a, VirtAddr s) { return a.start < s; });
  return it != busy_.end() && it->start == start ? static_cast<std::size_t>(it - busy_.begin())
                                                 : kNpos;
}

const Vmalloc::Area* Vmalloc::containing(VirtAddr v) const {
  auto it = std::upper_bound(busy_.begin(), busy_.end(), v,
                             [](VirtAddr s, const Area& a) { return s < a.start; });
  if (it == busy_.begin()) return nullptr;
  --it;
  return v < it->start + it->pages.size() * kPageSize ? &*it : nullptr;
}

// __get_vm_area_node + alloc_vmap_area: `size` is page-aligned, without the guard.
VirtAddr Vmalloc::get_vm_area(sim::Cpu& cpu, std::uint64_t size, unsigned flags, int node,
                              std::string_view caller) {
  const VirtAddr vm = meta_.alloc(cpu, vm_struct_bytes(arch()), node);  // kzalloc_node
  if (!vm) {
    fail(cpu, VirtAddr{}, "vmalloc: no memory for the vm_struct");
    return {};
  }
  const std::uint64_t total = size + kPageSize;  // the guard page
  const VirtAddr va = meta_.alloc(cpu, vmap_area_bytes(flavour(), arch()), node);
  if (!va) {
    meta_.free(cpu, vm);
    fail(cpu, VirtAddr{}, "vmalloc: no memory for the vmap_area");
    return {};
  }
  const Charge c{&cpu};
  std::optional<VirtAddr> addr;
  for (bool purged = false;; purged = true) {
    cpu.lock(*vmap_area_lock_);
    addr = alloc_->alloc(c, total, 1, range_.start, range_.end, meta_phys(va));
    cpu.unlock(*vmap_area_lock_);
    if (addr || purged) break;
    purge(cpu);  // overflow: purge the lazy areas once and retry
  }
  if (!addr) {
    meta_.free(cpu, va);
    meta_.free(cpu, vm);
    // 2.6.32 ends the message with a full stop, 6.8 does not.
    fail(cpu, VirtAddr{},
         "vmap allocation for size " + std::to_string(total) +
             " failed: use vmalloc=<size> to increase size" +
             (flavour() == Flavour::linux_2_6 ? "." : ""));
    return {};
  }
  freed_starts_.erase(*addr);
  Area a;
  a.start = *addr;
  a.end = *addr + total;
  a.flags = flags;
  a.caller = std::string(caller);
  a.va_meta = va;
  a.vm_meta = vm;
  cpu.write(meta_phys(vm), 48);  // setup_vmalloc_vm: addr, size, flags, caller, va->vm
  cpu.lock(*vmap_area_lock_);    // 2.6.32 insert_vmalloc_vmlist; 6.8 vmap_area_list
  auto it = std::upper_bound(busy_.begin(), busy_.end(), a.start,
                             [](VirtAddr s, const Area& x) { return s < x.start; });
  busy_.insert(it, std::move(a));
  cpu.unlock(*vmap_area_lock_);
  ++stats_.areas;
  return *addr;
}

VirtAddr Vmalloc::vmalloc(sim::Cpu& cpu, std::uint64_t size, std::string_view caller) {
  return vmalloc_impl(cpu, size, -1, false, caller);
}
VirtAddr Vmalloc::vzalloc(sim::Cpu& cpu, std::uint64_t size, std::string_view caller) {
  return vmalloc_impl(cpu, size, -1, true, caller);
}
VirtAddr Vmalloc::vmalloc_node(sim::Cpu& cpu, std::uint64_t size, int node,
                               std::string_view caller) {
  return vmalloc_impl(cpu, size, node, false, caller);
}
VirtAddr Vmalloc::vzalloc_node(sim::Cpu& cpu, std::uint64_t size, int node,
                               std::string_view caller) {
  return vmalloc_impl(cpu, size, node, true, caller);
}

// __vmalloc_node (both trees) and __vmalloc_area_node.
VirtAddr Vmalloc::vmalloc_impl(sim::Cpu& cpu, std::uint64_t size, int node, bool zero,
                               std::string_view caller) {
  cpu.spend(kVmallocCall);
  const bool v26 = flavour() == Flavour::linux_2_6;
  // __vmalloc_node: a zero size or more pages than totalram_pages gives NULL.
  if (size == 0 || (size >> kPageShift) > totalram_) {
    fail(cpu, VirtAddr{},
         v26 ? "vmalloc: size " + std::to_string(size) + " refused"
             : "vmalloc error: size " + std::to_string(size) + ", exceeds total pages");
    return {};
  }
  if (!init(cpu)) {
    fail(cpu, VirtAddr{}, "vmalloc: no memory for vmalloc's own structures");
    return {};
  }
  const std::uint64_t data = align_up(size, kPageSize);  // PAGE_ALIGN
  const VirtAddr start = get_vm_area(cpu, data, VM_ALLOC, node, caller);
  if (!start) return {};
  const std::uint64_t nr_pages = data >> kPageShift;
  const std::uint64_t array_size = nr_pages * ptr_bytes_;
  // pages[]: kmalloc_node, or __vmalloc_node (zeroed) above a page.
  VirtAddr pages_v{};
  VirtAddr pages_m{};
  if (array_size > kPageSize)
    pages_v = vmalloc_impl(cpu, array_size, node, true, caller);
  else
    pages_m = meta_.alloc(cpu, array_size, node);
  if (!pages_v && !pages_m) {
    remove_area(cpu, start, false);  // remove_vm_area + kfree(area)
    fail(cpu, start, "vmalloc: no memory for the pages array");
    return {};
  }
  {
    Area& a = busy_[find(start)];
    a.owns_pages = true;
    a.pages_vmalloc = pages_v;
    a.pages_meta = pages_m;
    if (pages_v) a.flags |= VM_VPAGES;
    a.pages.reserve(nr_pages);
  }
  // 2.6.32: GFP_KERNEL | __GFP_HIGHMEM; 6.8 adds __GFP_NOWARN for the pages.
  std::string gfp_text = v26 ? "GFP_KERNEL|__GFP_HIGHMEM" : "GFP_KERNEL|__GFP_HIGHMEM|__GFP_NOWARN";
  if (zero) gfp_text += "|__GFP_ZERO";
  const Gfp gfp = parse_gfp(flavour(), gfp_text);
  const sim::PhysAddr pages_phys = pages_m ? meta_phys(pages_m) : sim::PhysAddr{};
  for (std::uint64_t i = 0; i < nr_pages; ++i) {
    cpu.spend(kPerPage);
    // alloc_page() for NUMA_NO_NODE, alloc_pages_node(node, gfp, 0) otherwise.
    const std::optional<Pfn> pfn =
        node < 0 ? pa_.alloc_pages(cpu, gfp, 0)
                 : pa_.alloc_pages_node(cpu, static_cast<sim::NodeId>(node), gfp, 0);
    if (!pfn) {
      std::string why = v26 ? "vmalloc: allocation failure, allocated " +
                                  std::to_string(i * kPageSize) + " of " +
                                  std::to_string(data + kPageSize) + " bytes"
                            : "vmalloc error: size " + std::to_string(data) +
                                  ", page order 0, failed to allocate pages";
      remove_area(cpu, start, true);  // vfree() of what was allocated
      fail(cpu, start, std::move(why));
      return {};
    }
    busy_[find(start)].pages.push_back(*pfn);
    ++stats_.pages;
    if (pages_v)
      access(cpu, pages_v + i * ptr_bytes_, ptr_bytes_, true);
    else
      cpu.write(pages_phys + i * ptr_bytes_, ptr_bytes_);
  }
  // map_vm_area / vmap_pages_range: one PTE per page.
  for (std::uint64_t i = 0; i < nr_pages; ++i) {
    const sim::PhysAddr pte = pt_.populate_pte(cpu, start + i * kPageSize);
    if (pte == KernelPageTables::kNoTable) {
      remove_area(cpu, start, true);
      fail(cpu, start, "vmalloc: no memory for page tables");
      return {};
    }
    cpu.write(pte, pt_.entry_bytes());
  }
  ++stats_.vmallocs;
  return start;
}

// vmap(): maps given frames; the area does not own them (nr_pages stays 0).
VirtAddr Vmalloc::vmap(sim::Cpu& cpu, const std::vector<Pfn>& pfns, unsigned flags,
                       std::string_view caller) {
  cpu.spend(kVmallocCall);
  if (pfns.empty() || pfns.size() > totalram_ || !init(cpu)) {  // count > totalram_pages
    fail(cpu, VirtAddr{}, "vmap of " + std::to_string(pfns.size()) + " pages refused");
    return {};
  }
  const VirtAddr start = get_vm_area(cpu, pfns.size() * kPageSize, flags, -1, caller);
  if (!start) return {};
  busy_[find(start)].pages = pfns;
  for (std::size_t i = 0; i < pfns.size(); ++i) {
    const sim::PhysAddr pte = pt_.populate_pte(cpu, start + i * kPageSize);
    if (pte == KernelPageTables::kNoTable) {
      remove_area(cpu, start, false);
      fail(cpu, start, "vmap: no memory for page tables");
      return {};
    }
    cpu.write(pte, pt_.entry_bytes());
  }
  ++stats_.vmaps;
  return start;
}

bool Vmalloc::vfree(sim::Cpu& cpu, VirtAddr addr) {
  return unmap_free(cpu, addr, true, "vfree");
}
bool Vmalloc::vunmap(sim::Cpu& cpu, VirtAddr addr) {
  return unmap_free(cpu, addr, false, "vunmap");
}

// vfree / vunmap (2.6.32 __vunmap; 6.8 vfree, vunmap): checks, then remove_vm_area.
bool Vmalloc::unmap_free(sim::Cpu& cpu, VirtAddr addr, bool deallocate, const char* what) {
  cpu.spend(cost::kFreeCall);
  if (!addr) return true;  // vfree(NULL)
  const std::string name = what;
  if (!is_vmalloc_addr(addr)) {
    report(cpu, DiagKind::vfree_kmalloc, addr,
           "Trying to " + name + "() nonexistent vm area (" + ptr(addr) + ")");
    return false;
  }
  if (addr.value() & (kPageSize - 1)) {
    report(cpu, DiagKind::invalid_free, addr,
           flavour() == Flavour::linux_2_6
               ? "Trying to vfree() bad address (" + ptr(addr) + ")"
               : "Trying to " + name + "() nonexistent vm area (" + ptr(addr) + ")");
    return false;
  }
  const std::size_t i = find(addr);
  if (i == kNpos) {
    const bool twice = freed_starts_.count(addr) > 0;
    report(cpu, twice ? DiagKind::double_free : DiagKind::invalid_free, addr,
           "Trying to " + name + "() nonexistent vm area (" + ptr(addr) + ")");
    return false;
  }
  return remove_area(cpu, addr, deallocate);
}

// remove_vm_area + free_unmap_vmap_area (lazy), then the pages, pages[] and
// the vm_struct, in __vunmap's / vfree's order. The area is looked up again
// under the lock: taking it may let another CPU change busy_ first.
bool Vmalloc::remove_area(sim::Cpu& cpu, VirtAddr addr, bool deallocate) {
  cpu.lock(*vmap_area_lock_);
  const std::size_t i = find(addr);
  if (i == kNpos) {  // another CPU freed it while this one waited for the lock
    cpu.unlock(*vmap_area_lock_);
    report(cpu, DiagKind::double_free, addr,
           std::string("Trying to ") + (deallocate ? "vfree" : "vunmap") +
               "() nonexistent vm area (" + ptr(addr) + ")");
    return false;
  }
  if (deallocate)
    ++stats_.vfrees;
  else
    ++stats_.vunmaps;
  Area a = std::move(busy_[i]);
  busy_.erase(busy_.begin() + static_cast<std::ptrdiff_t>(i));
  cpu.unlock(*vmap_area_lock_);
  --stats_.areas;
  if (a.owns_pages) stats_.pages -= a.pages.size();
  freed_starts_.insert(a.start);
  // 6.8 vunmap_range_noflush clears the PTEs now; 2.6.32 leaves them to the purge.
  if (flavour() != Flavour::linux_2_6)
    for (std::size_t p = 0; p < a.pages.size(); ++p)
      if (const sim::PhysAddr pte = pt_.pte_addr(a.start + p * kPageSize);
          pte != KernelPageTables::kNoTable)
        cpu.write(pte, pt_.entry_bytes());
  // free_vmap_area_noflush (6.8) / free_unmap_vmap_area_noflush (2.6.32).
  auto it = std::upper_bound(lazy_.begin(), lazy_.end(), a.start,
                             [](VirtAddr s, const LazyArea& l) { return s < l.start; });
  lazy_.insert(it, LazyArea{a.start, a.end, a.va_meta});
  lazy_nr_ += (a.end - a.start) >> kPageShift;
  // 2.6.32 free_vmap_area_noflush: try_purge_vmap_area_lazy() now. 6.x
  // free_vmap_area_noflush: schedule_work(&drain_vmap_work), a no-op while it
  // is pending; the system workqueue runs it on this CPU, after this call.
  if (lazy_nr_ > lazy_max_pages()) {
    if (flavour() == Flavour::linux_2_6)
      purge(cpu);
    else
      cpu.queue_work(drain_work_, cpu.now(), false);
  }
  if (deallocate && a.owns_pages)
    for (Pfn pfn : a.pages) pa_.free_pages(cpu, pfn, 0);
  if (a.pages_vmalloc) {
    if (find(a.pages_vmalloc) != kNpos) remove_area(cpu, a.pages_vmalloc, true);
  } else if (a.pages_meta) {
    meta_.free(cpu, a.pages_meta);
  }
  meta_.free(cpu, a.vm_meta);
  return true;
}

// __purge_vmap_area_lazy: one TLB flush over all lazy areas, then their
// address ranges are given back.
void Vmalloc::purge(sim::Cpu& cpu, bool deferred) {
  ++stats_.purges;
  (deferred ? purge_counters_.deferred : purge_counters_.sync)->add();
  if (lazy_.empty()) return;
  // Taken whole before any lock: a CPU that frees meanwhile starts a new list,
  // and a purge it starts never sees these areas again.
  std::vector<LazyArea> purging;
  purging.swap(lazy_);
  VirtAddr start(~0ull), end{};
  std::uint64_t nr = 0;
  for (const LazyArea& l : purging) {
    start = std::min(start, l.start);
    end = std::max(end, l.end);
    nr += (l.end - l.start) >> kPageShift;
    if (flavour() == Flavour::linux_2_6)  // unmap_vmap_area: every PTE of the range
      for (VirtAddr v = l.start; v < l.end; v += kPageSize)
        if (const sim::PhysAddr pte = pt_.pte_addr(v); pte != KernelPageTables::kNoTable)
          cpu.rmw(pte, pt_.entry_bytes());
  }
  lazy_nr_ -= nr;
  pt_.flush_kernel_range(cpu, start, end);
  ++stats_.tlb_flushes;
  const Charge c{&cpu};
  cpu.lock(*vmap_area_lock_);
  for (const LazyArea& l : purging) alloc_->release(c, l.start, l.end);
  cpu.unlock(*vmap_area_lock_);
  for (const LazyArea& l : purging) meta_.free(cpu, l.va_meta);  // kfree / kmem_cache_free
}

// drain_vmap_area_work (6.x): purge, then again while areas freed meanwhile
// keep vmap_lazy_nr above lazy_max_pages().
void Vmalloc::drain_vmap_area_work(sim::Cpu& cpu) {
  do {
    purge(cpu, true);
  } while (lazy_nr_ > lazy_max_pages());
}

std::optional<Pfn> Vmalloc::vmalloc_to_pfn(VirtAddr addr) const {
  const Area* a = containing(addr);
  if (!a) return std::nullopt;
  return a->pages[(addr - a->start) >> kPageShift];
}

sim::Cycles Vmalloc::access(sim::Cpu& cpu, VirtAddr v, std::uint64_t bytes, bool write) {
  const sim::Cycles t0 = cpu.now();
  while (bytes > 0) {
    const Area* a = containing(v);
    if (!a) {
      ++stats_.bad_accesses;
      break;
    }
    const std::uint64_t off = v.value() & (kPageSize - 1);
    const std::uint64_t n = std::min<std::uint64_t>(bytes, kPageSize - off);
    pt_.translate(cpu, v, false);
    const sim::PhysAddr p = pa_.pfn_to_phys(a->pages[(v - a->start) >> kPageShift]) + off;
    if (write)
      cpu.write(p, static_cast<std::uint32_t>(n));
    else
      cpu.read(p, static_cast<std::uint32_t>(n));
    v += n;
    bytes -= n;
  }
  return cpu.now() - t0;
}

}  // namespace allocsim::model
