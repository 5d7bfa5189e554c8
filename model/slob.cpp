#include "model/slob.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "model/gfp.hpp"
#include "model/kernel_math.hpp"
#include "sim/machine.hpp"

namespace allocsim::model {

std::unique_ptr<ObjectAllocator> make_slob(PageAllocator& pa, Highmem& hm,
                                           const ObjectAllocatorConfig& cfg, DiagnosticLog& diag) {
  return std::make_unique<Slob>(pa, hm, cfg, diag);
}

Slob::Slob(PageAllocator& pa, Highmem& hm, const ObjectAllocatorConfig& cfg, DiagnosticLog& diag)
    : ObjectAllocator(pa, hm, cfg, diag) {
  const sim::MachineConfig& mc = pa.machine().config();
  linux6_ = pa.flavour() != Flavour::linux_2_6;
  ptr_ = bytes_per_word(mc.arch);
  // §4b.6: 2.6.32 __alignof__(unsigned long) (4 on i386), later
  // __alignof__(unsigned long long) = 8.
  align_ = !linux6_ && mc.arch == sim::Arch::i386 ? 4 : 8;
  SlobRules rules;
  rules.free_to_small_list = !linux6_;  // slob_free: 2.6.32 always free_slob_small
  rules.rotate_52 = linux6_;            // slob_alloc: list_rotate_to_front (5.2+)
  // slob_lock and the three list heads (static data in the kernel image).
  const sim::PhysAddr globals = meta_alloc(pa.machine().cpu(0), 0, 64, 64);
  heap_ = std::make_unique<SlobHeap>(pa, static_cast<SlobHeap::PageSource&>(*this), rules, ptr_,
                                     globals);
  auto k = std::make_unique<SlobCache>();
  k->name = "kmalloc";
  k->general = true;
  k->align = align_;
  k->id = kKmallocId;
  caches_.push_back(std::move(k));
}

Slob::~Slob() = default;

// --- pages -------------------------------------------------------------------------

std::optional<Pfn> Slob::get_page(sim::Cpu& cpu, Gfp gfp, int node, std::uint32_t id) {
  // slob_new_pages(gfp, 0, node): alloc_pages_exact_node if node != -1.
  return alloc_slab_pages(cpu, gfp, 0, node, kFirstSlabOwner + id);
}

void Slob::put_page(sim::Cpu& cpu, Pfn pfn) {
  free_slab_pages(cpu, pfn, 0);  // slob_free_pages(b, 0)
}

// --- sizes -------------------------------------------------------------------------

std::uint64_t Slob::kmalloc_bytes_alloc(std::uint64_t size) const {
  // __kmalloc_node / __do_kmalloc_node: size + header on the heap (not
  // rounded to units), PAGE_SIZE << order on the page path.
  if (size == 0) return 0;
  if (size < kPageSize - align_) return size + align_;
  return kPageSize << get_order(size);
}

std::uint64_t Slob::cache_bytes_alloc(const KmemCache& c) const {
  // kmem_cache_alloc_node: SLOB_UNITS(c->size) * SLOB_UNIT, or the pages.
  if (c.size < kPageSize) return static_cast<std::uint64_t>(SlobHeap::units(c.size)) * 2;
  return kPageSize << get_order(c.size);
}

// --- kmem_cache ---------------------------------------------------------------------

KmemCache* Slob::kmem_cache_create(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                                   std::uint32_t align, SlabFlags flags, bool ctor) {
  check_cache_args(name, size, align);
  const std::uint32_t line = pa_.machine().config().line_bytes;
  auto c = std::make_unique<SlobCache>();
  std::uint32_t desc_align = 0;
  if (linux6_) {
    // The descriptor comes from the "kmem_cache" boot cache (SLAB_HWCACHE_ALIGN):
    // 6.x struct kmem_cache for SLOB is 64 B x86-64 / 44 B i386.
    c->desc_size = ptr_ == 8 ? 64 : 44;
    desc_align = c->desc_size <= line / 2 ? line / 2 : line;
  } else {
    // 2.6.32 slob.c kmem_cache_create: slob_alloc(sizeof(struct kmem_cache),
    // flags, ARCH_KMALLOC_MINALIGN, -1); {size, align, flags, name, ctor}.
    c->desc_size = ptr_ == 8 ? 32 : 20;
    desc_align = align_;
  }
  const sim::PhysAddr d = heap_->alloc(cpu, c->desc_size, parse_gfp(pa_.flavour(), "GFP_KERNEL"),
                                       desc_align, 0, -1, kDescId, 0, 0);
  if (d == SlobHeap::kNoBlock) return nullptr;
  cpu.write(d, c->desc_size);
  c->name = std::string(name);
  c->object_size = size;
  c->flags = flags;
  c->has_ctor = ctor;
  c->desc = d;
  c->id = static_cast<std::uint32_t>(caches_.size());
  const std::uint32_t rcu = (flags & SLAB_TYPESAFE_BY_RCU) ? rcu_footer() : 0;
  if (linux6_) {
    // calculate_alignment (slab_common.c): HWCACHE halving, at least
    // arch_slab_minalign(), a multiple of sizeof(void *).
    std::uint32_t a = align;
    if (flags & SLAB_HWCACHE_ALIGN) {
      std::uint32_t ralign = line;
      while (size <= ralign / 2) ralign /= 2;
      a = std::max(a, ralign);
    }
    a = std::max<std::uint32_t>(a, 8);
    c->align = align_up(a, ptr_);
    // __kmem_cache_create (6.1+): RCU footer, then c->size rounded to units.
    c->size = static_cast<std::uint32_t>(SlobHeap::units(size + rcu) * SlobHeap::kUnit);
  } else {
    // 2.6.32 kmem_cache_create: c->size = size (+ struct slob_rcu);
    // c->align = SLOB_ALIGN if SLAB_HWCACHE_ALIGN, at least
    // ARCH_SLAB_MINALIGN and the caller's align.
    c->size = size + rcu;
    std::uint32_t a = (flags & SLAB_HWCACHE_ALIGN) ? line : 0;
    a = std::max(a, align_);
    c->align = std::max(a, align);
  }
  KmemCache* raw = c.get();
  caches_.push_back(std::move(c));
  register_cache(raw);
  return raw;
}

void Slob::kmem_cache_destroy(sim::Cpu& cpu, KmemCache* kc) {
  if (!kc) return;
  auto& c = static_cast<SlobCache&>(*kc);
  if (c.in_use) {
    // SLOB itself never checks (__kmem_cache_shutdown returns 0); the model
    // keeps the cache so its live objects stay valid.
    report(cpu, DiagKind::cache_busy, virt(c.desc), &c,
           std::to_string(c.in_use) + " objects still allocated");
    return;
  }
  // kmem_cache_destroy: rcu_barrier() for RCU caches (the model does not
  // wait: a pending kmem_rcu_free needs nothing of the cache), then
  // slob_free(c, sizeof(struct kmem_cache)).
  const std::uint32_t owner = page_owner(virt(c.desc));
  heap_->free(cpu, owner - kFirstSlabOwner, c.desc, c.desc_size);
  unregister_cache(&c);
  caches_[c.id].reset();
}

std::vector<const KmemCache*> Slob::slab_caches() const {
  return {all_caches_.rbegin(), all_caches_.rend()};
}

VirtAddr Slob::do_cache_alloc(sim::Cpu& cpu, KmemCache& kc, Gfp gfp, int node) {
  // kmem_cache_alloc_node (slob_alloc_node in 6.x).
  auto& c = static_cast<SlobCache&>(kc);
  const Gfp g{gfp.bits & ~gfp_zero_.bits};  // the caller's __GFP_ZERO is charged by the base
  VirtAddr obj{};
  if (c.size < kPageSize) {
    const sim::PhysAddr b = heap_->alloc(cpu, c.size, g, c.align, 0, node, c.id, 0, 0);
    if (b != SlobHeap::kNoBlock) obj = virt(b);
  } else {
    // slob_new_pages(flags, get_order(c->size), node): no __GFP_COMP.
    const std::optional<Pfn> pfn =
        alloc_slab_pages(cpu, g, get_order(c.size), node, kBigOwnerBit | c.id);
    if (pfn) obj = virt(pa_.pfn_to_phys(*pfn));
  }
  if (!obj) return {};
  if (c.has_ctor) write_object(cpu, obj, c.object_size);  // c->ctor(b) on every allocation
  // The base adds object_size and size; the tracepoint's numbers (§4b.5, §4b.7)
  // are c->size (2.6.32) / object_size (6.x) and SLOB_UNITS(c->size) * 2.
  if (!linux6_) c.stats.bytes_req += c.size - c.object_size;
  c.stats.bytes_alloc += cache_bytes_alloc(c) - c.size;
  return obj;
}

void Slob::do_cache_free(sim::Cpu& cpu, KmemCache& kc, VirtAddr addr) {
  auto& c = static_cast<SlobCache&>(kc);
  const sim::PhysAddr b = phys(addr);
  if (c.flags & SLAB_TYPESAFE_BY_RCU) {
    // kmem_cache_free: the struct slob_rcu footer {rcu_head, size} at
    // b + c->size - sizeof(struct slob_rcu), then call_rcu(kmem_rcu_free).
    // Until then the block stays allocated, marked so that a second free is
    // a double free; a big object's pages become slab pages of no cache.
    const sim::PhysAddr footer = b + c.size - rcu_footer();
    if (c.size < kPageSize)
      heap_->mark_rcu(page_owner(addr) - kFirstSlabOwner, b);
    else
      set_page_owner(pa_.phys_to_pfn(b), get_order(c.size), kRcuOwner);
    rcu().call_rcu(cpu, footer, rcu_free_, b.value(),
                   c.size);  // the rcu_head write covers the footer
    return;
  }
  kmem_cache_free_now(cpu, b, c.size);
}

void Slob::kmem_cache_free_now(sim::Cpu& cpu, sim::PhysAddr b, std::uint32_t size) {
  // __kmem_cache_free(b, size).
  if (size < kPageSize)
    heap_->free(cpu, page_owner(virt(b)) - kFirstSlabOwner, b, size);
  else
    free_slab_pages(cpu, pa_.phys_to_pfn(b), get_order(size));
}

void Slob::RcuFree::invoke(sim::Cpu& cpu, std::uint64_t a, std::uint64_t b) {
  const sim::PhysAddr block(a);
  cpu.read(block + b - slob.rcu_footer() + 2 * slob.ptr_, 4);  // slob_rcu->size
  slob.kmem_cache_free_now(cpu, block, static_cast<std::uint32_t>(b));
}

// --- kmalloc -----------------------------------------------------------------------

VirtAddr Slob::do_kmalloc(sim::Cpu& cpu, std::uint64_t size, Gfp gfp, int node) {
  const Gfp g{gfp.bits & ~gfp_zero_.bits};
  // __kmalloc_node: `if (size < PAGE_SIZE - align)` -> the heap with a header.
  if (size < kPageSize - align_) {
    std::uint32_t align = align_, offset = 0;
    if (linux6_ && !(size & (size - 1))) {
      // 5.4+: power-of-two sizes naturally aligned; the pointer, not the
      // header, is aligned (align_offset = minalign).
      align = std::max<std::uint32_t>(align_, static_cast<std::uint32_t>(size));
      offset = align_;
    } else if (linux6_) {
      offset = align_;
    }
    const auto total = static_cast<std::uint32_t>(size + align_);
    const sim::PhysAddr m =
        heap_->alloc(cpu, total, g, align, offset, node, kKmallocId,
                     static_cast<std::uint16_t>(align_), static_cast<std::uint16_t>(size));
    if (m == SlobHeap::kNoBlock) return {};
    cpu.write(m, 4);  // *m = size
    SlobCache& k = *caches_[kKmallocId];
    ++k.stats.allocs;
    ++k.in_use;
    k.stats.bytes_req += size;
    k.stats.bytes_alloc += total;
    return virt(m) + align_;
  }
  // The page path: get_order(size), __GFP_COMP (2.6.32 always; 6.x kmalloc_large).
  if (get_order(size) > kMaxOrder) return {};
  const VirtAddr p = large_kmalloc(cpu, size, g, node);
  if (p && !linux6_) {
    // 2.6.32: page->private = size (ksize reports it).
    const Pfn pfn = pa_.phys_to_pfn(phys(p));
    cpu.write(pa_.page_desc(pfn) + 40, 8);
    private_[pfn] = size;
  }
  return p;
}

bool Slob::do_kfree(sim::Cpu& cpu, VirtAddr addr, const Lookup& l) {
  if (l.state == Lookup::large) {
    // put_page(page) (2.6.32) / __free_pages(page, order) (6.x).
    const Pfn pfn = pa_.phys_to_pfn(phys(addr));
    if (!linux6_) {
      cpu.read(pa_.page_desc(pfn) + 40, 8);
      private_.erase(pfn);
    }
    large_pages_ -= 1u << l.order;
    free_slab_pages(cpu, pfn, l.order);
    return true;
  }
  if (l.cache != caches_[kKmallocId].get()) {
    // kfree of a kmem_cache object: SLOB would read a header that is not there.
    report(cpu, DiagKind::wrong_cache, addr, l.cache,
           "kfree of a kmem_cache object: SLOB needs kmem_cache_free");
    return false;
  }
  // m = p - align; slob_free(m, *m + align).
  const sim::PhysAddr m = phys(addr) - align_;
  cpu.read(m, 4);
  const std::uint32_t id = page_owner(addr) - kFirstSlabOwner;
  const SlobHeap::Found f = heap_->find(id, phys(addr));
  heap_->free(cpu, id, m, f.block.req + align_);
  SlobCache& k = *caches_[kKmallocId];
  ++k.stats.frees;
  --k.in_use;
  return true;
}

std::uint64_t Slob::do_ksize(VirtAddr addr, const Lookup& l) const {
  if (l.state == Lookup::large) {
    if (linux6_) return kPageSize << l.order;  // the folio size (5.x+)
    const auto it = private_.find(pa_.phys_to_pfn(phys(addr)));
    return it == private_.end() ? 0 : it->second;  // page->private: the exact request
  }
  const auto& c = static_cast<const SlobCache&>(*l.cache);
  if (c.id == kKmallocId) {
    // SLOB_UNITS(*m) * SLOB_UNIT: the request rounded up to 2 bytes.
    const std::uint32_t id = page_owner(addr) - kFirstSlabOwner;
    const SlobHeap::Found f = heap_->find(id, phys(addr));
    return static_cast<std::uint64_t>(SlobHeap::units(f.block.req)) * SlobHeap::kUnit;
  }
  return c.size < kPageSize ? static_cast<std::uint64_t>(SlobHeap::units(c.size)) * SlobHeap::kUnit
                            : kPageSize << get_order(c.size);
}

// --- lookup and checks ---------------------------------------------------------------

// slob_new_pages: 6.x counts every SLOB page in NR_SLAB_UNRECLAIMABLE_B;
// 2.6.32 counted none.
ObjectAllocator::SlabAccount Slob::account_of(std::uint32_t /*owner*/) const {
  return linux6_ ? SlabAccount::unreclaimable : SlabAccount::none;
}

ObjectAllocator::Lookup Slob::lookup(VirtAddr addr) const {
  Lookup l;
  const std::uint32_t owner = page_owner(addr);
  if (owner & kBigOwnerBit) {
    const std::uint32_t id = owner & ~kBigOwnerBit;
    l.cache = id < caches_.size() ? caches_[id].get() : nullptr;
    const Pfn pfn = pa_.phys_to_pfn(phys(addr));
    const bool head =
        !(addr.value() & (kPageSize - 1)) && (pa_.mem_map().page(pfn).flags & PG_head);
    l.state = head ? Lookup::live : Lookup::interior;
    return l;
  }
  if (owner < kFirstSlabOwner) return l;
  const SlobHeap::Found f = heap_->find(owner - kFirstSlabOwner, phys(addr));
  switch (f.state) {
    case SlobHeap::Found::live:
    case SlobHeap::Found::interior:
      if (f.block.cache == kDescId) return l;  // a kmem_cache descriptor
      l.cache = f.block.cache < caches_.size() ? caches_[f.block.cache].get() : nullptr;
      l.state = f.state == SlobHeap::Found::live ? Lookup::live : Lookup::interior;
      if (f.block.rcu && l.state == Lookup::live) l.state = Lookup::free_object;
      return l;
    case SlobHeap::Found::freed:
      l.state = Lookup::free_object;
      return l;
    case SlobHeap::Found::unknown:
      break;
  }
  return l;
}

void Slob::check_invariants() const {
  heap_->check_invariants();
  // Live blocks per cache against in_use; descriptors of the live caches.
  std::vector<std::uint64_t> live(caches_.size(), 0);
  std::uint64_t descs = 0;
  heap_->for_each_live([&](Pfn, const SlobHeap::LiveBlock& b) {
    if (b.rcu) return;  // freed, waiting for its grace period
    if (b.cache == kDescId) {
      ++descs;
    } else {
      if (b.cache >= caches_.size() || !caches_[b.cache])
        throw std::logic_error("SLOB: a live block of a destroyed cache");
      ++live[b.cache];
    }
  });
  std::uint64_t heap_pages = 0, big_pages = 0, other = 0;
  std::vector<std::uint64_t> big(caches_.size(), 0);
  const MemMap& map = pa_.mem_map();
  for (std::size_t i = 0; i < owner_.size(); ++i) {
    const std::uint32_t o = owner_[i];
    if (!o) continue;
    if (o & kBigOwnerBit) {
      ++big_pages;
      const std::uint32_t id = o & ~kBigOwnerBit;
      if (id >= caches_.size() || !caches_[id])
        throw std::logic_error("SLOB: pages of a destroyed cache");
      if (map.page(map.first_pfn() + i).flags & PG_head) ++big[id];
    } else if (o >= kFirstSlabOwner) {
      ++heap_pages;
    } else {
      ++other;
    }
  }
  if (heap_pages != heap_->nr_pages()) throw std::logic_error("SLOB: heap page owners mismatch");
  if (heap_pages + big_pages + other != pages_held_)
    throw std::logic_error("SLOB: pages_held mismatch");
  std::uint64_t caches = 0;
  for (const auto& c : caches_) {
    if (!c) continue;
    if (c->id != kKmallocId) ++caches;
    if (live[c->id] + big[c->id] != c->in_use)
      throw std::logic_error("SLOB: cache " + c->name + " in_use " + std::to_string(c->in_use) +
                             " but " + std::to_string(live[c->id] + big[c->id]) + " live blocks");
  }
  if (descs != caches) throw std::logic_error("SLOB: descriptor count mismatch");
}

}  // namespace allocsim::model
