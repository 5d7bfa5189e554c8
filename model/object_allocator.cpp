#include "model/object_allocator.hpp"

#include <algorithm>
#include <stdexcept>

#include "model/costs.hpp"
#include "model/jiffies.hpp"
#include "model/kernel_math.hpp"
#include "model/slub_geometry.hpp"

namespace allocsim::model {

std::unique_ptr<ObjectAllocator> ObjectAllocator::create(PageAllocator& pa, Highmem& hm,
                                                         const ObjectAllocatorConfig& cfg,
                                                         DiagnosticLog& diag) {
  return slab_design(cfg.design).make(pa, hm, cfg, diag);
}

ObjectAllocator::ObjectAllocator(PageAllocator& pa, Highmem& hm, const ObjectAllocatorConfig& cfg,
                                 DiagnosticLog& diag)
    : pa_(pa),
      hm_(hm),
      cfg_(cfg),
      design_(slab_design(cfg.design).traits),
      diag_(diag),
      sizes_(pa.flavour(), design_.kmalloc, pa.machine().config().arch,
             pa.machine().config().line_bytes),
      owner_(pa.mem_map().size(), 0) {
  const KernelConfig& k = pa.config();
  const sim::Cycles grace =
      k.rcu_grace_period
          ? k.rcu_grace_period
          : kDefaultRcuGraceJiffies *
                Jiffies(pa.machine().config().ghz, k.hz, k.flavour).cycles_per_jiffy();
  rcu_ = std::make_unique<Rcu>(pa.machine(), grace);
  gfp_zero_ = parse_gfp(pa.flavour(), "__GFP_ZERO");
  gfp_comp_ = parse_gfp(pa.flavour(), "__GFP_COMP");
  // VMALLOC_START/END (arch/x86/include/asm/pgtable_{32,64}_types.h); i386: high_memory + 8 MiB up
  // to PKMAP_BASE - 2 pages. The vmalloc layer sets its exact range.
  if (pa.machine().config().arch == sim::Arch::x86_64) {
    vmalloc_start_ = VirtAddr(0xffffc90000000000ull);
    vmalloc_end_ = VirtAddr(0xffffe90000000000ull);
  } else {
    vmalloc_start_ =
        hm.va(pa.machine().lowmem_limit()) + (8ull << 20);  // high_memory + VMALLOC_OFFSET
    vmalloc_end_ = VirtAddr(0xff800000ull - 2 * kPageSize);
  }
}

ObjectAllocator::Lookup ObjectAllocator::classify(VirtAddr addr) const {
  if (page_owner(addr) == kLargeOwner) {
    Lookup l;
    const Pfn pfn = pa_.phys_to_pfn(phys(addr));
    const Page& p = pa_.mem_map().page(pfn);
    if ((addr.value() & (kPageSize - 1)) || !(p.flags & PG_head)) {
      l.state = Lookup::interior;
    } else {
      l.state = Lookup::large;
      l.order = p.order;
    }
    return l;
  }
  return lookup(addr);
}

std::uint32_t ObjectAllocator::kmalloc_align(std::uint32_t size) const {
  const std::uint32_t min = sizes_.kmalloc_minalign();
  if (pa_.flavour() != Flavour::linux_2_6 && (size & (size - 1)) == 0) return std::max(min, size);
  return min;
}

VirtAddr ObjectAllocator::virt(sim::PhysAddr phys) const {
  return hm_.va(phys);
}

sim::PhysAddr ObjectAllocator::phys(VirtAddr virt) const {
  return hm_.pa(virt);
}

std::uint32_t ObjectAllocator::page_owner_pfn(Pfn pfn) const {
  const MemMap& map = pa_.mem_map();
  return map.contains(pfn) ? owner_[map.index(pfn)] : 0;
}

std::uint32_t ObjectAllocator::page_owner(VirtAddr addr) const {
  if (addr < hm_.page_offset()) return 0;
  return page_owner_pfn(pa_.phys_to_pfn(phys(addr)));
}

std::optional<Pfn> ObjectAllocator::alloc_slab_pages(sim::Cpu& cpu, Gfp gfp, unsigned order,
                                                     int node, std::uint32_t owner) {
  const std::optional<Pfn> pfn =
      node >= 0 ? pa_.alloc_pages_node(cpu, static_cast<sim::NodeId>(node), gfp, order)
                : pa_.alloc_pages(cpu, gfp, order);
  if (!pfn) return pfn;
  const std::uint32_t idx = pa_.mem_map().index(*pfn);
  std::fill_n(owner_.begin() + idx, 1u << order, owner);
  pages_held_ += 1u << order;
  return pfn;
}

// kmem_getpages / allocate_slab (2.6.32: mod_zone_page_state(NR_SLAB_*)),
// account_slab (6.x, NR_SLAB_*_B in bytes, read back in pages), and 6.x's
// __kmalloc_large_node, which counts large kmallocs as unreclaimable slab.
// meta_alloc pages stand for per-CPU chunks and boot memory: not counted.
SlabPages ObjectAllocator::slab_pages(int zone) const {
  const MemMap& map = pa_.mem_map();
  std::uint32_t first = 0, end = static_cast<std::uint32_t>(map.size());
  if (zone >= 0) {
    const Zone& z = pa_.zones().at(static_cast<std::size_t>(zone));
    first = map.index(std::max(z.zone_start_pfn, map.first_pfn()));
    end = map.index(std::min(z.zone_start_pfn + z.spanned_pages, map.end_pfn()));
  }
  SlabPages out;
  for (std::uint32_t i = first; i < end; ++i) {
    const std::uint32_t owner = owner_[i];
    if (owner == 0 || owner == kMetaOwner) continue;
    if (zone >= 0 && map[i].zone != zone) continue;
    SlabAccount a = SlabAccount::unreclaimable;
    if (owner == kLargeOwner) {
      if (pa_.flavour() == Flavour::linux_2_6) continue;
    } else if (owner == kRcuOwner || owner == kRcuReclaimOwner) {
      a = rcu_account(owner == kRcuReclaimOwner);
    } else {
      a = account_of(owner);
    }
    if (a == SlabAccount::reclaimable) ++out.reclaimable;
    if (a == SlabAccount::unreclaimable) ++out.unreclaimable;
  }
  return out;
}

void ObjectAllocator::set_page_owner(Pfn pfn, unsigned order, std::uint32_t owner) {
  std::fill_n(owner_.begin() + pa_.mem_map().index(pfn), 1u << order, owner);
}

void ObjectAllocator::free_slab_pages(sim::Cpu& cpu, Pfn pfn, unsigned order) {
  const std::uint32_t idx = pa_.mem_map().index(pfn);
  std::fill_n(owner_.begin() + idx, 1u << order, 0u);
  pages_held_ -= 1u << order;
  pa_.free_pages(cpu, pfn, order);
}

void ObjectAllocator::free_slab_pages_rcu(sim::Cpu& cpu, const KmemCache& c, Pfn pfn,
                                          unsigned order, sim::PhysAddr head, VirtAddr offslab) {
  set_page_owner(pfn, order, (c.flags & SLAB_RECLAIM_ACCOUNT) ? kRcuReclaimOwner : kRcuOwner);
  rcu_->call_rcu(cpu, head, slab_free_cb_, pfn.value() | std::uint64_t{order} << 56,
                 offslab.value());
}

void ObjectAllocator::SlabFreeCb::invoke(sim::Cpu& cpu, std::uint64_t a, std::uint64_t b) {
  oa.free_slab_pages(cpu, Pfn(a & ((std::uint64_t{1} << 56) - 1)), static_cast<unsigned>(a >> 56));
  if (b) oa.kfree(cpu, VirtAddr(b));
  oa.rcu_->count_slab_freed();
}

void ObjectAllocator::KfreeCb::invoke(sim::Cpu& cpu, std::uint64_t a, std::uint64_t /*b*/) {
  oa.kfree(cpu, VirtAddr(a));
}

void ObjectAllocator::CacheFreeCb::invoke(sim::Cpu& cpu, std::uint64_t a, std::uint64_t b) {
  oa.kmem_cache_free(cpu, *reinterpret_cast<KmemCache*>(a), VirtAddr(b));
}

void ObjectAllocator::kfree_rcu(sim::Cpu& cpu, VirtAddr addr) {
  // kvfree_rcu_arg_2: a NULL pointer queues nothing. The rcu_head is inside
  // the object; the model puts it at the start. 6.x batches kfree_rcu pointers
  // in per-CPU pages drained by kfree_rcu_monitor (kvfree_call_rcu); the model
  // queues each as one callback, as 3.0's __kfree_rcu did. 6.18's
  // kvfree_call_rcu first offers a local slab object of a cache with sheaves
  // to its CPU's rcu_free sheaf (kfree_rcu_sheaf, mm/slab_common.c).
  if (!addr || addr == kZeroSizePtr) return;
  const Lookup l = classify(addr);
  if (l.state != Lookup::live && l.state != Lookup::large) {
    kfree(cpu, addr);  // not an object: reported now, as a kfree would be
    return;
  }
  if (l.state == Lookup::live && kfree_rcu_sheaf(cpu, *l.cache, addr)) return;
  rcu_->call_rcu(cpu, phys(addr), kfree_cb_, addr.value(), 0);
}

void ObjectAllocator::rcu_batch_freed(sim::Cpu& cpu, KmemCache& c, VirtAddr addr) {
  ++c.stats.frees;
  --c.in_use;
  notify(cpu, AllocEvent::Kind::kfree, addr, 0, 0, {}, -1, nullptr);
}

void ObjectAllocator::kmem_cache_free_rcu(sim::Cpu& cpu, KmemCache& c, VirtAddr addr) {
  if (!addr) return;
  const Lookup l = classify(addr);
  if (l.state != Lookup::live || l.cache != &c) {
    kmem_cache_free(cpu, c, addr);  // not an object of `c`: reported now
    return;
  }
  rcu_->call_rcu(cpu, phys(addr), cache_free_cb_, reinterpret_cast<std::uint64_t>(&c),
                 addr.value());
}

void ObjectAllocator::report(sim::Cpu& cpu, DiagKind kind, VirtAddr addr, const KmemCache* c,
                             std::string detail) {
  diag_.report(
      {kind, cpu.now(), cpu.id(), addr.value(), c ? c->name : std::string(), std::move(detail)});
}

void ObjectAllocator::write_object(sim::Cpu& cpu, VirtAddr addr, std::uint32_t bytes) {
  cpu.access_range(phys(addr), bytes, sim::AccessKind::write);
}

sim::PhysAddr ObjectAllocator::bump(sim::Cpu& cpu, MetaChunk& m, sim::NodeId node,
                                    std::uint32_t bytes, std::uint32_t align) {
  sim::PhysAddr at = align_up(m.next, align);
  if (m.next == sim::PhysAddr{} || at + bytes > m.end) {
    const unsigned order = get_order(bytes);
    const std::optional<Pfn> pfn = alloc_slab_pages(cpu, parse_gfp(pa_.flavour(), "GFP_KERNEL"),
                                                    order, static_cast<int>(node), kMetaOwner);
    if (!pfn) throw std::runtime_error("out of memory for slab metadata at boot");
    at = pa_.pfn_to_phys(*pfn);
    m.end = at + (kPageSize << order);
  }
  m.next = at + bytes;
  return at;
}

sim::PhysAddr ObjectAllocator::meta_alloc(sim::Cpu& cpu, sim::NodeId node, std::uint32_t bytes,
                                          std::uint32_t align) {
  if (meta_.size() < pa_.machine().config().nodes) meta_.resize(pa_.machine().config().nodes);
  return bump(cpu, meta_.at(node), node, bytes, align);
}

sim::PhysAddr ObjectAllocator::percpu_alloc(sim::Cpu& cpu, sim::CpuId owner, std::uint32_t bytes,
                                            std::uint32_t align) {
  if (percpu_.size() < pa_.machine().cpus()) percpu_.resize(pa_.machine().cpus());
  return bump(cpu, percpu_.at(owner), pa_.machine().cpu(owner).node(), bytes, align);
}

KmemCache* ObjectAllocator::merge_alias(std::string_view name, std::uint32_t size,
                                        std::uint32_t align, SlabFlags flags, bool ctor) {
  // SLAB_NEVER_MERGE and SLAB_MERGE_SAME (slab_common.c).
  constexpr SlabFlags never = SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_TYPESAFE_BY_RCU |
                              SLAB_NOLEAKTRACE | SLAB_NO_MERGE |
                              SLAB_NO_COLOUR;  // (allocsim: an uncoloured cache stays its own)
  constexpr SlabFlags same =
      SLAB_RECLAIM_ACCOUNT | SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | SLAB_ACCOUNT;
  if (!cfg_.merge || ctor || (flags & never)) return nullptr;
  const std::uint32_t object_size = size;
  const sim::MachineConfig& mc = pa_.machine().config();
  const std::uint32_t word = bytes_per_word(mc.arch);
  size = align_up(size, word);
  align = slab_calculate_alignment(pa_.flavour(), mc.arch, mc.line_bytes, flags, align, size);
  size = align_up(size, align);
  auto fits = [&](const KmemCache* s) {
    return s->merge_target && !s->has_ctor && !(s->flags & never) && size <= s->size &&
           (flags & same) == (s->flags & same) && (s->size & ~(align - 1)) == s->size &&
           s->size - size < word;
  };
  // 6.x walks slab_caches in reverse (the oldest match wins); 2.6.32 SLUB
  // walks it forward from the newest.
  KmemCache* found = nullptr;
  if (pa_.flavour() != Flavour::linux_2_6) {
    for (KmemCache* s : all_caches_)
      if (fits(s)) {
        found = s;
        break;
      }
  } else {
    for (auto it = all_caches_.rbegin(); it != all_caches_.rend(); ++it)
      if (fits(*it)) {
        found = *it;
        break;
      }
  }
  if (!found) return nullptr;
  ++found->refcount;
  found->object_size = std::max(found->object_size, object_size);
  found->aliases.emplace_back(name);
  return found;
}

void ObjectAllocator::check_cache_args(std::string_view name, std::uint32_t size,
                                       std::uint32_t align) {
  if (size == 0 || size > kMaxCacheObjectSize)
    throw std::invalid_argument("kmem_cache_create: object size " + std::to_string(size) +
                                " out of range for cache " + std::string(name));
  if (align & (align - 1))
    throw std::invalid_argument("kmem_cache_create: align " + std::to_string(align) +
                                " is not a power of 2");
}

KmemCache* ObjectAllocator::kmem_cache_create(sim::Cpu& cpu, std::string_view name,
                                              std::uint32_t size, std::uint32_t align,
                                              SlabFlags flags, bool ctor,
                                              const KmemCacheArgs& args) {
  if (pa_.flavour() != Flavour::linux_6_18 || args.empty()) {
    // SLAB's per-cache layout knobs; the other designs ignore them.
    if (args.slab_layout()) return create_with_args(cpu, name, size, align, flags, ctor, args);
    return kmem_cache_create(cpu, name, size, align, flags, ctor);
  }
  const std::string why = check_kmem_cache_args(pa_.flavour(), size, flags, args);
  if (!why.empty())
    throw std::invalid_argument("kmem_cache_create: " + why + " (cache " + std::string(name) + ")");
  return create_with_args(cpu, name, size, align, flags, ctor, args);
}

void ObjectAllocator::cache_reap_now(sim::Cpu& /*cpu*/) {
  throw std::invalid_argument("cache_reap: not supported by this allocator design (SLAB has it)");
}

void ObjectAllocator::sysfs_slab_write(sim::Cpu& /*cpu*/, KmemCache& /*c*/,
                                       std::string_view /*attr*/, std::string_view /*text*/) {
  throw std::invalid_argument(
      "/sys/kernel/slab: not supported by this allocator design (SLUB has it)");
}

void ObjectAllocator::slabinfo_write(sim::Cpu& /*cpu*/, std::string_view /*text*/) {
  throw std::invalid_argument(
      "/proc/slabinfo writes: not supported by this allocator design (SLAB has them)");
}

void ObjectAllocator::register_cache(KmemCache* c) {
  all_caches_.push_back(c);
}

void ObjectAllocator::unregister_cache(KmemCache* c) {
  std::erase(all_caches_, c);
}

// slab_caches / cache_chain are built with list_add: the newest cache first.
std::string ObjectAllocator::slabinfo() const {
  if (!design_.proc_slabinfo) return "";  // CONFIG_SLOB has no /proc/slabinfo
  std::string out = slabinfo_header(false);
  for (const SlabinfoRow& r : slabinfo_rows()) out += slabinfo_row(r);
  return out;
}

std::vector<const KmemCache*> ObjectAllocator::slab_caches() const {
  return {all_caches_.rbegin(), all_caches_.rend()};
}

KmemCache* ObjectAllocator::find_cache(std::string_view name) const {
  for (KmemCache* c : all_caches_)
    if (c->name == name) return c;
  return nullptr;
}

void ObjectAllocator::count_alloc(KmemCache& c, std::uint64_t bytes_req) {
  ++c.stats.allocs;
  ++c.in_use;
  c.stats.bytes_req += bytes_req;
  c.stats.bytes_alloc += c.size;
}

void ObjectAllocator::free_object(sim::Cpu& cpu, KmemCache& c, VirtAddr addr) {
  do_cache_free(cpu, c, addr);
  ++c.stats.frees;
  --c.in_use;
}

VirtAddr ObjectAllocator::kmem_cache_alloc(sim::Cpu& cpu, KmemCache& c, Gfp gfp, int node) {
  const VirtAddr obj = do_cache_alloc(cpu, c, gfp, node);
  if (!obj) {
    ++c.stats.alloc_failures;
    report(cpu, DiagKind::alloc_failure, VirtAddr{}, &c, "kmem_cache_alloc returned NULL");
    return VirtAddr{};
  }
  const std::uint64_t before = c.stats.bytes_alloc;  // the design may correct its own entry
  count_alloc(c, c.object_size);
  if (gfp.bits & gfp_zero_.bits) write_object(cpu, obj, c.object_size);
  notify(cpu, AllocEvent::Kind::kmem_cache_alloc, obj, c.object_size, c.stats.bytes_alloc - before,
         gfp, node, &c);
  return obj;
}

bool ObjectAllocator::kmem_cache_free(sim::Cpu& cpu, KmemCache& c, VirtAddr addr) {
  const Lookup l = classify(addr);
  switch (l.state) {
    case Lookup::live:
      if (l.cache != &c) {
        report(cpu, DiagKind::wrong_cache, addr, &c,
               "object belongs to " + (l.cache ? l.cache->name : std::string("?")));
        return false;
      }
      free_object(cpu, c, addr);
      notify(cpu, AllocEvent::Kind::kmem_cache_free, addr, 0, 0, {}, -1, &c);
      return true;
    case Lookup::free_object:
      report(cpu, DiagKind::double_free, addr, l.cache, "object already free");
      return false;
    case Lookup::interior:
      report(cpu, DiagKind::invalid_free, addr, l.cache, "pointer is not the start of an object");
      return false;
    case Lookup::large:
      report(cpu, DiagKind::wrong_cache, addr, &c, "a large kmalloc, not an object of this cache");
      return false;
    case Lookup::unknown:
      break;
  }
  report(cpu, DiagKind::invalid_free, addr, &c, "address was not allocated from any slab cache");
  return false;
}

VirtAddr ObjectAllocator::large_kmalloc(sim::Cpu& cpu, std::uint64_t size, Gfp gfp, int node) {
  // kmalloc_large (6.x) / kmalloc_order (2.6.32 SLUB): a compound page of get_order(size).
  const unsigned order = get_order(size);
  Gfp g{gfp.bits | gfp_comp_.bits};
  const std::optional<Pfn> pfn = alloc_slab_pages(cpu, g, order, node, kLargeOwner);
  if (!pfn) return VirtAddr{};
  large_pages_ += 1u << order;
  return virt(pa_.pfn_to_phys(*pfn));
}

VirtAddr ObjectAllocator::do_kmalloc(sim::Cpu& cpu, std::uint64_t size, Gfp gfp, int node) {
  const int idx = sizes_.index(size);
  if (idx >= 0) {
    KmemCache& c = *kmalloc_caches_[static_cast<unsigned>(idx)];
    const VirtAddr obj = do_cache_alloc(cpu, c, gfp, node);
    if (obj) {
      count_alloc(c, size);
    } else {
      ++c.stats.alloc_failures;
    }
    return obj;
  }
  if (!sizes_.large_to_page_allocator() || size > sizes_.max_size()) return VirtAddr{};
  return large_kmalloc(cpu, size, gfp, node);
}

VirtAddr ObjectAllocator::kmalloc(sim::Cpu& cpu, std::uint64_t size, Gfp gfp, int node) {
  if (size == 0) return kZeroSizePtr;
  const VirtAddr obj = do_kmalloc(cpu, size, gfp, node);
  if (!obj) {
    report(cpu, DiagKind::alloc_failure, VirtAddr{}, nullptr,
           "kmalloc(" + std::to_string(size) + ") returned NULL");
    return VirtAddr{};
  }
  if (gfp.bits & gfp_zero_.bits) write_object(cpu, obj, static_cast<std::uint32_t>(size));
  notify(cpu, AllocEvent::Kind::kmalloc, obj, size, sizes_.bytes_alloc(size), gfp, node, nullptr);
  return obj;
}

VirtAddr ObjectAllocator::kzalloc(sim::Cpu& cpu, std::uint64_t size, Gfp gfp, int node) {
  return kmalloc(cpu, size, Gfp{gfp.bits | gfp_zero_.bits}, node);
}

bool ObjectAllocator::do_kfree(sim::Cpu& cpu, VirtAddr addr, const Lookup& l) {
  if (l.state == Lookup::large) {
    large_pages_ -= 1u << l.order;
    free_slab_pages(cpu, pa_.phys_to_pfn(phys(addr)), l.order);
    return true;
  }
  free_object(cpu, *l.cache, addr);
  return true;
}

bool ObjectAllocator::kfree(sim::Cpu& cpu, VirtAddr addr) {
  if (!addr || addr == kZeroSizePtr) return true;  // ZERO_OR_NULL_PTR
  const Lookup l = classify(addr);
  switch (l.state) {
    case Lookup::live:
    case Lookup::large:
      if (!do_kfree(cpu, addr, l)) return false;
      notify(cpu, AllocEvent::Kind::kfree, addr, 0, 0, {}, -1, nullptr);
      return true;
    case Lookup::free_object:
      report(cpu, DiagKind::double_free, addr, l.cache, "kfree of a free object");
      return false;
    case Lookup::interior:
      report(cpu, DiagKind::invalid_free, addr, l.cache, "kfree of a pointer inside an object");
      return false;
    case Lookup::unknown:
      break;
  }
  if (is_vmalloc_addr(addr)) {
    report(cpu, DiagKind::kfree_vmalloc, addr, nullptr, "use vfree() for vmalloc memory");
    return false;
  }
  report(cpu, DiagKind::invalid_free, addr, nullptr, "kfree of an address kmalloc never returned");
  return false;
}

std::uint64_t ObjectAllocator::do_ksize(VirtAddr /*addr*/, const Lookup& l) const {
  if (l.state == Lookup::large) return kPageSize << l.order;
  return l.cache->size;
}

std::uint64_t ObjectAllocator::ksize(VirtAddr addr) const {
  if (!addr || addr == kZeroSizePtr) return 0;
  const Lookup l = classify(addr);
  if (l.state != Lookup::live && l.state != Lookup::large) return 0;
  return do_ksize(addr, l);
}

VirtAddr ObjectAllocator::krealloc(sim::Cpu& cpu, VirtAddr addr, std::uint64_t new_size, Gfp gfp) {
  // mm/slab_common.c:krealloc: size 0 frees; a block that is big enough is kept.
  if (new_size == 0) {
    kfree(cpu, addr);
    return kZeroSizePtr;
  }
  const std::uint64_t ks = ksize(addr);
  if (ks >= new_size) return addr;
  const VirtAddr fresh = kmalloc(cpu, new_size, gfp);
  if (!fresh) return VirtAddr{};
  if (ks) {  // memcpy of the old contents
    const std::uint32_t line = pa_.machine().config().line_bytes;
    for (std::uint64_t off = 0; off < ks; off += line) {
      cpu.read(phys(addr + off),
               static_cast<std::uint32_t>(std::min<std::uint64_t>(line, ks - off)));
      cpu.write(phys(fresh + off),
                static_cast<std::uint32_t>(std::min<std::uint64_t>(line, ks - off)));
    }
    kfree(cpu, addr);
  }
  return fresh;
}

bool ObjectAllocator::is_vmalloc_addr(VirtAddr addr) const {
  return addr >= vmalloc_start_ && addr < vmalloc_end_;
}

}  // namespace allocsim::model
