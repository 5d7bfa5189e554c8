#include "model/slub.hpp"

#include <cerrno>
#include <stdexcept>

#include "model/kernel_math.hpp"
#include "model/slabinfo.hpp"
#include "model/slub_sheaf.hpp"

namespace allocsim::model {

namespace {
constexpr sim::Cycles kFastPathCycles = 6;   // the instructions around the cmpxchg
constexpr sim::Cycles kSlowPathCycles = 60;  // ___slab_alloc / __slab_free bookkeeping
}  // namespace

std::unique_ptr<ObjectAllocator> make_slub(PageAllocator& pa, Highmem& hm,
                                           const ObjectAllocatorConfig& cfg, DiagnosticLog& diag) {
  return std::make_unique<Slub>(pa, hm, cfg, diag);
}

Slub::Slub(PageAllocator& pa, Highmem& hm, const ObjectAllocatorConfig& cfg, DiagnosticLog& diag)
    : ObjectAllocator(pa, hm, cfg, diag), type_bits_(pa.flavour()) {
  const sim::MachineConfig& mc = pa.machine().config();
  params_.flavour = pa.flavour();
  params_.arch = mc.arch;
  params_.cache_line = mc.line_bytes;
  params_.nr_cpus = mc.cpus;
  params_.slub_min_order = cfg.slub_min_order;
  params_.slub_max_order = cfg.slub_max_order;
  params_.slub_min_objects = cfg.slub_min_objects;
  params_.cpu_partial = cfg.slub_cpu_partial;
  params_.min_partial = cfg.slub_min_partial;
  gfp_kernel_ = parse_gfp(pa.flavour(), "GFP_KERNEL");
  gfp_thisnode_ = parse_gfp(pa.flavour(), "__GFP_THISNODE");
  gfp_reclaim_bits_ = pa.flavour() != Flavour::linux_2_6 ? parse_gfp(pa.flavour(), "__GFP_RECLAIM")
                                                         : parse_gfp(pa.flavour(), "__GFP_WAIT");
  gfp_nowait_ = parse_gfp(pa.flavour(), "GFP_NOWAIT");
  // kmem_cache_init: the two bootstrap caches first, then the kmalloc caches.
  sim::Cpu& boot = pa.machine().cpu(0);
  // 6.18's kmem_cache_node gained the barn pointer: 72 bytes, a 128-byte stride.
  const std::uint32_t node_bytes =
      pa.flavour() == Flavour::linux_6_18 ? SlubNodeLayout::size + 8 : SlubNodeLayout::size;
  kmem_cache_node_ =
      create_cache(boot, "kmem_cache_node", node_bytes, 0, SLAB_HWCACHE_ALIGN, false, false);
  kmem_cache_ =
      create_cache(boot, "kmem_cache", SlubCacheLayout::size, 0, SLAB_HWCACHE_ALIGN, false, false);
  kmem_cache_node_->merge_target = kmem_cache_->merge_target = false;  // create_boot_cache
  const SlabFlags kmalloc_flags = pa.flavour() != Flavour::linux_2_6 ? SLAB_NO_MERGE : 0;
  const std::vector<KmallocCacheSpec>& specs = sizes_.caches();
  if (pa.flavour() != Flavour::linux_6_18) {
    for (const KmallocCacheSpec& k : specs)
      kmalloc_caches_.push_back(
          create_cache(boot, k.name, k.size, kmalloc_align(k.size), kmalloc_flags, false, true));
  } else {
    // create_kmalloc_caches (6.18): every type is made at boot, type after
    // type (NORMAL, RECLAIM, DMA, CGROUP), each 96 and 192 first (kmalloc_info
    // indices 1 and 2), then 8 ... 8k; new_kmalloc_cache adds
    // SLAB_RECLAIM_ACCOUNT, SLAB_CACHE_DMA or SLAB_ACCOUNT.
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < specs.size(); ++i)
      if (specs[i].size == 96 || specs[i].size == 192) order.push_back(i);
    for (std::size_t i = 0; i < specs.size(); ++i)
      if (specs[i].size != 96 && specs[i].size != 192) order.push_back(i);
    constexpr SlabFlags kTypeFlags[] = {0, SLAB_RECLAIM_ACCOUNT, SLAB_CACHE_DMA, SLAB_ACCOUNT};
    kmalloc_caches_.resize(specs.size());
    for (unsigned t = 0; t <= kKmallocExtraTypes.size(); ++t) {
      std::vector<KmemCache*>& made = t ? type_caches_[t - 1] : kmalloc_caches_;
      made.resize(specs.size());
      for (std::size_t i : order) {
        const KmallocCacheSpec& k = specs[i];
        const std::string name = t ? kmalloc_type_name(kKmallocExtraTypes[t - 1], k.name) : k.name;
        made[i] = create_cache(boot, name, k.size, kmalloc_align(k.size),
                               kmalloc_flags | kTypeFlags[t], false, true);
      }
    }
  }
  // bootstrap_kmalloc_sheaves (`all`): sheaves and barns are kmalloc'ed, so
  // the caches made so far get theirs only now.
  kmalloc_ready_ = true;
  for (const auto& c : caches_) init_sheaves(boot, *c);
}

Slub::~Slub() = default;

// --- cache creation -------------------------------------------------------------

KmemCache* Slub::kmem_cache_create(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                                   std::uint32_t align, SlabFlags flags, bool ctor) {
  check_cache_args(name, size, align);
  if (KmemCache* k = merge_alias(name, size, align, flags, ctor)) {
    // __kmem_cache_alias: the caller gets the existing cache.
    SlubCache* s = static_cast<SlubCache*>(k);
    s->g.inuse = std::max(s->g.inuse, align_up(size, bytes_per_word(params_.arch)));
    return s;
  }
  return create_cache(cpu, name, size, align, flags, ctor, false);
}

// __kmem_cache_create_args (6.18): no alias search with usersize or an
// explicit sheaf_capacity.
KmemCache* Slub::create_with_args(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                                  std::uint32_t align, SlabFlags flags, bool ctor,
                                  const KmemCacheArgs& args) {
  check_cache_args(name, size, align);
  if (!args.usersize && !args.sheaf_capacity)
    if (KmemCache* k = merge_alias(name, size, align, flags, ctor)) return k;
  return create_cache(cpu, name, size, align, flags, ctor, false, args);
}

SlubCache* Slub::create_cache(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                              std::uint32_t align, SlabFlags flags, bool ctor, bool general,
                              const KmemCacheArgs& args) {
  auto s = std::make_unique<SlubCache>();
  s->id = static_cast<std::uint32_t>(caches_.size());
  s->name = std::string(name);
  s->g = slub_geometry(params_, size, align, flags, ctor, args);
  s->g.sheaf_capacity = slub_sheaf_capacity(params_.flavour, cfg_.sheaves, flags, s->g.size,
                                            args.sheaf_capacity, kmem_cache_ == nullptr);
  // 6.18: slab_unmergeable for caches with sheaves; 7.0 only for an explicit capacity.
  if (s->g.sheaf_capacity && (cfg_.sheaves == SlubSheaves::opt_in || args.sheaf_capacity))
    s->merge_target = false;
  s->object_size = size;
  s->size = s->g.size;
  s->align = s->g.align;
  s->flags = flags;
  s->has_ctor = ctor;
  s->objects_per_slab = s->g.objects;
  s->general = general;
  const sim::Machine& m = pa_.machine();
  s->desc = kmem_cache_ ? phys(kmem_cache_alloc(cpu, *kmem_cache_, gfp_kernel_))
                        : meta_alloc(cpu, 0, SlubCacheLayout::size);
  s->node.resize(m.config().nodes);
  for (sim::NodeId n = 0; n < s->node.size(); ++n) {
    SlubNode& nd = s->node[n];
    nd.addr = kmem_cache_node_ && kmem_cache_node_->id != s->id
                  ? phys(kmem_cache_alloc(cpu, *kmem_cache_node_, gfp_kernel_,
                                          pa_.has_normal_memory(n) ? static_cast<int>(n) : -1))
                  : meta_alloc(cpu, n, SlubNodeLayout::size);
    nd.list_lock = std::make_unique<sim::SpinLock>(
        pa_.machine().make_lock(nd.addr + SlubNodeLayout::list_lock, "kmem_cache_node.list_lock"));
  }
  s->cpu.resize(m.cpus());
  for (sim::CpuId c = 0; c < m.cpus(); ++c)
    s->cpu[c].addr = percpu_alloc(cpu, c, KmemCacheCpuLayout::size, 16);
  SlubCache* raw = s.get();
  caches_.push_back(std::move(s));
  register_cache(raw);
  if (kmalloc_ready_) init_sheaves(cpu, *raw);
  return raw;
}

VirtAddr Slub::do_kmalloc(sim::Cpu& cpu, std::uint64_t size, Gfp gfp, int node) {
  const KmallocType t =
      type_caches_[0].empty() ? KmallocType::normal : kmalloc_type(type_bits_, gfp, false);
  const int idx = sizes_.index(size);
  if (t == KmallocType::normal || idx < 0) return ObjectAllocator::do_kmalloc(cpu, size, gfp, node);
  KmemCache& c = *type_caches_[static_cast<unsigned>(t) - 1][static_cast<unsigned>(idx)];
  const VirtAddr obj = do_cache_alloc(cpu, c, gfp, node);
  if (obj)
    count_alloc(c, size);
  else
    ++c.stats.alloc_failures;
  return obj;
}

// --- slabs ------------------------------------------------------------------------

std::uint32_t Slub::new_slab(sim::Cpu& cpu, SlubCache& s, Gfp gfp, int node) {
  // allocate_slab: the preferred order without retrying hard, then s->min.
  const Flavour f = params_.flavour;
  const Gfp nowarn = parse_gfp(f, "__GFP_NOWARN|__GFP_NORETRY");
  Gfp first{gfp.bits | nowarn.bits};
  if (f != Flavour::linux_2_6 && s.g.order > s.g.min_order)
    first.bits &= ~gfp_reclaim_bits_.bits;  // 6.8: no reclaim for the optional higher order
  unsigned order = s.g.order;
  // The page allocator may let other CPUs run: the slab id is taken after it.
  std::optional<Pfn> pfn = alloc_slab_pages(cpu, first, order, node, kMetaOwner);
  if (!pfn && s.g.min_order != s.g.order) {
    order = s.g.min_order;
    pfn = alloc_slab_pages(cpu, gfp, order, node, kMetaOwner);
  }
  if (!pfn) return kNoSlab;
  const std::uint32_t id = slabs_.take();
  set_page_owner(*pfn, order, slabs_.owner(id));
  SlubSlab& sl = slabs_[id];
  sl.cache = s.id;
  sl.pfn = *pfn;
  sl.order = order;
  sl.node = pa_.zones()[pa_.mem_map().page(*pfn).zone].node;
  sl.objects = static_cast<std::uint32_t>((kPageSize << order) / s.size);
  sl.inuse = 0;
  sl.where = SlubSlab::Where::none;
  sl.frozen = false;
  sl.prev = sl.next = kNoSlab;
  sl.next_free.resize(sl.objects);
  sl.live.reset(sl.objects);
  // shuffle_freelist is off by default: objects linked in address order, each
  // free pointer written by setup_object / set_freepointer.
  cpu.write(slab_desc(sl) + SlubSlabLayout::head, 32);  // slab->slab_cache, freelist, counters
  for (std::uint32_t i = 0; i < sl.objects; ++i) {
    if (s.has_ctor) write_object(cpu, virt(obj_phys(sl, s, i)), s.object_size);
    cpu.write(obj_phys(sl, s, i) + s.g.offset, bytes_per_word(params_.arch));
    sl.next_free[i] = i + 1 < sl.objects ? i + 1 : kNoObject;
  }
  sl.freelist = 0;
  SlubNode& n = s.node[sl.node];
  ++n.nr_slabs;  // inc_slabs_node
  n.total_objects += sl.objects;
  cpu.rmw(n.addr + SlubNodeLayout::nr_slabs, 16);
  ++s.stats.slabs_created;
  return id;
}

void Slub::discard_slab(sim::Cpu& cpu, SlubCache& s, std::uint32_t id) {
  SlubSlab& sl = slabs_[id];
  SlubNode& n = s.node[sl.node];
  --n.nr_slabs;  // dec_slabs_node
  n.total_objects -= sl.objects;
  cpu.rmw(n.addr + SlubNodeLayout::nr_slabs, 16);
  cpu.write(slab_desc(sl) + SlubSlabLayout::head, 8);  // __ClearPageSlab
  if (s.flags & SLAB_TYPESAFE_BY_RCU)
    // free_slab: call_rcu(rcu_free_slab), the rcu_head in the struct page
    // (2.6.32: page->lru; 6.x: slab->rcu_head over slab_list).
    free_slab_pages_rcu(cpu, s, sl.pfn, sl.order, slab_desc(sl) + SlubSlabLayout::head + 8);
  else
    free_slab_pages(cpu, sl.pfn, sl.order);
  ++s.stats.slabs_freed;
  sl.cache = kNoSlab;
  slabs_.release(id);
}

void Slub::add_partial(const Charge& ch, SlubNode& n, std::uint32_t id, bool tail) {
  slabs_.list_add(ch, n.partial, n.addr + SlubNodeLayout::partial, id, tail);
  n.partial_free += slabs_[id].objects - slabs_[id].inuse;
}

void Slub::remove_partial(const Charge& ch, SlubNode& n, std::uint32_t id) {
  slabs_.list_del(ch, n.partial, n.addr + SlubNodeLayout::partial, id);
  n.partial_free -= slabs_[id].objects - slabs_[id].inuse;
}

// get_partial_node: the first node-partial slab becomes the CPU's; 6.x also
// refills the per-CPU partial list up to half of cpu_partial_slabs.
std::uint32_t Slub::get_partial_node(sim::Cpu& cpu, SlubCache& s, SlubCpu& c, sim::NodeId node) {
  SlubNode& n = s.node[node];
  cpu.read(n.addr + SlubNodeLayout::nr_partial, 8);
  if (!n.partial.count) return kNoSlab;
  const Charge ch{&cpu};
  cpu.lock(*n.list_lock);
  std::uint32_t got = kNoSlab;
  unsigned partial_slabs = 0;
  while (n.partial.head != kNoSlab) {
    const std::uint32_t id = n.partial.head;
    remove_partial(ch, n, id);
    slabs_[id].where = SlubSlab::Where::none;
    if (got == kNoSlab) {
      got = id;
      slabs_[id].frozen = true;  // acquire_slab: the CPU owns it before the lock drops
      slabs_[id].where = SlubSlab::Where::cpu;
    } else {
      put_cpu_partial(cpu, s, c, id);
      ++partial_slabs;
    }
    if (params_.flavour == Flavour::linux_2_6 || s.g.cpu_partial == 0 ||
        partial_slabs > s.g.cpu_partial_slabs / 2)
      break;
  }
  cpu.unlock(*n.list_lock);
  return got;
}

std::uint32_t Slub::get_partial(sim::Cpu& cpu, SlubCache& s, SlubCpu& c, int node) {
  const sim::NodeId search = node < 0 ? cpu.node() : static_cast<sim::NodeId>(node);
  if (search < s.node.size()) {
    const std::uint32_t id = get_partial_node(cpu, s, c, search);
    if (id != kNoSlab) return id;
  }
  if (node >= 0 && node < static_cast<int>(s.node.size())) return kNoSlab;  // __GFP_THISNODE-like
  // get_any_partial: remote_node_defrag_ratio 1000 against get_cycles() % 1024,
  // then nodes in zonelist order with more than min_partial partial slabs.
  if (s.node.size() < 2 || cpu.now() % 1024 > 1000) return kNoSlab;
  sim::NodeId last = ~0u;
  for (unsigned zi : pa_.zonelist(cpu.node())) {
    const sim::NodeId nid = pa_.zones()[zi].node;
    if (nid == last || nid == search) continue;
    last = nid;
    if (s.node[nid].partial.count > s.g.min_partial) {
      const std::uint32_t id = get_partial_node(cpu, s, c, nid);
      if (id != kNoSlab) return id;
    }
  }
  return kNoSlab;
}

// put_cpu_partial (6.8): push on the CPU's partial list; a full list is first
// moved to the node lists (when called from a free).
void Slub::put_cpu_partial(sim::Cpu& cpu, SlubCache& /*s*/, SlubCpu& c, std::uint32_t id) {
  cpu.rmw(c.addr + KmemCacheCpuLayout::partial, 8);
  slabs_.list_add(Charge{nullptr}, c.partial, sim::PhysAddr{}, id, false);
  cpu.write(slab_desc(slabs_[id]) + SlubSlabLayout::next, 16);  // slab->next, slab->slabs
  slabs_[id].where = SlubSlab::Where::cpu_partial;
}

void Slub::unfreeze_partials(sim::Cpu& cpu, SlubCache& s, SlubCpu& c) {
  // __put_partials: to the node lists, discarding empty slabs beyond min_partial.
  const Charge ch{&cpu};
  while (c.partial.head != kNoSlab) {
    const std::uint32_t id = c.partial.head;
    SlubSlab& sl = slabs_[id];
    SlubNode& n = s.node[sl.node];
    // Still on this CPU's list while waiting for the lock: frees elsewhere leave it alone.
    cpu.lock(*n.list_lock);
    slabs_.list_del(Charge{nullptr}, c.partial, sim::PhysAddr{}, id);
    sl.where = SlubSlab::Where::none;
    if (sl.inuse == 0 && n.partial.count >= s.g.min_partial) {
      cpu.unlock(*n.list_lock);
      discard_slab(cpu, s, id);
      continue;
    }
    add_partial(ch, n, id, true);
    sl.where = SlubSlab::Where::node_partial;
    cpu.unlock(*n.list_lock);
  }
  cpu.write(c.addr + KmemCacheCpuLayout::partial, 8);
}

// deactivate_slab: the CPU's freelist goes back into the slab, which then goes
// to its node's partial list, is discarded (empty) or left alone (full).
void Slub::deactivate_slab(sim::Cpu& cpu, SlubCache& s, SlubCpu& c) {
  const std::uint32_t id = c.slab;
  SlubSlab& sl = slabs_[id];
  const bool v6 = params_.flavour != Flavour::linux_2_6;
  bool tail = v6 ? sl.freelist != kNoObject : true;  // 6.8: remote frees -> tail
  std::uint32_t returned = 0;
  for (std::uint32_t o = c.freelist; o != kNoObject;) {
    const std::uint32_t next = sl.next_free[o];
    cpu.read(obj_phys(sl, s, o) + s.g.offset, 8);  // freelist_iter / walking the free pointers
    ++returned;
    o = next;
  }
  if (returned) {
    if (!v6) tail = false;  // 2.6.32: hot objects came back, put the slab first
    // Splice the CPU freelist in front of the slab's (one cmpxchg in 6.8).
    std::uint32_t last = c.freelist;
    while (sl.next_free[last] != kNoObject) last = sl.next_free[last];
    cpu.write(obj_phys(sl, s, last) + s.g.offset, 8);
    sl.next_free[last] = sl.freelist;
    sl.freelist = c.freelist;
    sl.inuse -= returned;
  }
  cpu.rmw(slab_desc(sl) + SlubSlabLayout::head, 16);  // freelist and counters
  c.slab = kNoSlab;
  c.freelist = kNoObject;
  cpu.write(c.addr + KmemCacheCpuLayout::freelist, 16);
  // The slab stays frozen (frees elsewhere only push objects) until it is on
  // its list: the kernel unfreezes and lists it in one step.
  SlubNode& n = s.node[sl.node];
  if (sl.inuse == 0 && n.partial.count >= s.g.min_partial) {
    sl.frozen = false;
    sl.where = SlubSlab::Where::none;
    discard_slab(cpu, s, id);
  } else if (sl.freelist != kNoObject) {
    cpu.lock(*n.list_lock);
    sl.frozen = false;
    add_partial(Charge{&cpu}, n, id, tail);
    sl.where = SlubSlab::Where::node_partial;
    cpu.unlock(*n.list_lock);
  } else {
    sl.frozen = false;
    sl.where = SlubSlab::Where::none;
  }
}

void Slub::flush_all(sim::Cpu& cpu, SlubCache& s) {
  flush_sheaves(cpu, s, false);  // 6.18 pcs_flush_all, with barn_shrink
  for (SlubCpu& c : s.cpu) {
    if (c.slab != kNoSlab) deactivate_slab(cpu, s, c);
    unfreeze_partials(cpu, s, c);
  }
}

// --- allocation -----------------------------------------------------------------

// slab_alloc_node: 6.18 caches with sheaves try alloc_from_pcs first.
VirtAddr Slub::do_cache_alloc(sim::Cpu& cpu, KmemCache& kc, Gfp gfp, int node) {
  SlubCache& s = static_cast<SlubCache&>(kc);
  if (!s.pcs.empty() && !bypass_sheaves_)
    if (const VirtAddr obj = alloc_from_pcs(cpu, s, gfp, node)) return obj;
  return slab_alloc_node(cpu, s, gfp, node);
}

VirtAddr Slub::slab_alloc_node(sim::Cpu& cpu, SlubCache& s, Gfp gfp, int node) {
  SlubCpu& c = s.cpu[cpu.id()];
  cpu.spend(kFastPathCycles);
  cpu.read(s.desc + SlubCacheLayout::cpu_slab, 8);
  cpu.read(c.addr + KmemCacheCpuLayout::freelist, 16);  // c->freelist, c->tid
  if (c.freelist != kNoObject &&
      (node < 0 || slabs_[c.slab].node == static_cast<sim::NodeId>(node))) {
    SlubSlab& sl = slabs_[c.slab];
    const std::uint32_t obj = c.freelist;
    cpu.read(obj_phys(sl, s, obj) + s.g.offset, 8);  // get_freepointer_safe
    c.freelist = sl.next_free[obj];
    cpu.rmw(c.addr + KmemCacheCpuLayout::freelist, 16);  // this_cpu_cmpxchg_double(freelist, tid)
    sl.live.set(obj, true);
    ++s.stats.alloc_fastpath;
    return virt(obj_phys(sl, s, obj));
  }
  return slab_alloc_slow(cpu, s, c, gfp, node);
}

// get_freelist: what remote frees put on the CPU slab's own freelist becomes
// the CPU's, and its first object is returned. A full slab (0) leaves the CPU
// on no list (DEACTIVATE_BYPASS).
VirtAddr Slub::get_freelist(sim::Cpu& cpu, SlubCache& s, SlubCpu& c) {
  SlubSlab& sl = slabs_[c.slab];
  cpu.rmw(slab_desc(sl) + SlubSlabLayout::head, 16);
  if (sl.freelist != kNoObject) {
    const std::uint32_t obj = sl.freelist;
    cpu.read(obj_phys(sl, s, obj) + s.g.offset, 8);
    c.freelist = sl.next_free[obj];
    sl.freelist = kNoObject;
    sl.inuse = sl.objects;
    cpu.write(c.addr + KmemCacheCpuLayout::freelist, 16);
    sl.live.set(obj, true);
    return virt(obj_phys(sl, s, obj));
  }
  sl.frozen = false;
  sl.where = SlubSlab::Where::none;
  c.slab = kNoSlab;
  c.freelist = kNoObject;
  return {};
}

// slub_percpu_partial (6.x): the first per-CPU partial slab becomes the CPU
// slab if it is on `node`; one on another node goes back to its node's list
// (__put_partials of one slab). True when the CPU has a slab again.
bool Slub::take_cpu_partial(sim::Cpu& cpu, SlubCache& s, SlubCpu& c, int node) {
  const std::uint32_t id = c.partial.head;
  slabs_.list_del(Charge{nullptr}, c.partial, sim::PhysAddr{}, id);
  cpu.rmw(c.addr + KmemCacheCpuLayout::partial, 8);
  SlubSlab& sl = slabs_[id];
  if (node < 0 || sl.node == static_cast<sim::NodeId>(node)) {
    sl.where = SlubSlab::Where::cpu;
    sl.frozen = true;
    c.slab = id;
    return true;
  }
  SlubNode& n = s.node[sl.node];
  sl.where = SlubSlab::Where::none;
  cpu.lock(*n.list_lock);
  add_partial(Charge{&cpu}, n, id, true);
  sl.where = SlubSlab::Where::node_partial;
  cpu.unlock(*n.list_lock);
  return false;
}

// ___slab_alloc.
VirtAddr Slub::slab_alloc_slow(sim::Cpu& cpu, SlubCache& s, SlubCpu& c, Gfp gfp, int node) {
  ++s.stats.refills;
  cpu.spend(kSlowPathCycles);
  const bool v6 = params_.flavour != Flavour::linux_2_6;
  // ___slab_alloc: a node outside slab_nodes (no N_NORMAL_MEMORY, like an
  // all-HIGHMEM i386 node) drops the node constraint; else its slabs, which
  // come from another node, would never match.
  if (node >= static_cast<int>(s.node.size()) ||
      (node >= 0 && !pa_.has_normal_memory(static_cast<sim::NodeId>(node))))
    node = -1;
  for (;;) {
    if (c.slab != kNoSlab) {
      SlubSlab& sl = slabs_[c.slab];
      if (node >= 0 && sl.node != static_cast<sim::NodeId>(node)) {
        deactivate_slab(cpu, s, c);  // ALLOC_NODE_MISMATCH
      } else if (const VirtAddr obj = get_freelist(cpu, s, c)) {
        return obj;
      }
    }
    if (v6 && c.partial.head != kNoSlab && take_cpu_partial(cpu, s, c, node)) continue;
    std::uint32_t id = get_partial(cpu, s, c, node);
    if (id == kNoSlab) {
      id = new_slab(cpu, s, gfp, node);
      if (id == kNoSlab) return {};  // slab_out_of_memory
    }
    SlubSlab& sl = slabs_[id];
    sl.frozen = true;
    sl.where = SlubSlab::Where::cpu;
    if (c.slab != kNoSlab) deactivate_slab(cpu, s, c);
    c.slab = id;
  }
}

// --- free -------------------------------------------------------------------------

// slab_free: 6.18 caches with sheaves free a local object to free_to_pcs.
void Slub::do_cache_free(sim::Cpu& cpu, KmemCache& kc, VirtAddr addr) {
  SlubCache& s = static_cast<SlubCache&>(kc);
  if (!s.pcs.empty() && !bypass_sheaves_) {
    SlubSlab& sl = slabs_[slabs_.id_of_owner(page_owner(addr))];
    if (sl.node == cpu.node()) {
      sl.live.set(static_cast<std::uint32_t>((phys(addr) - pa_.pfn_to_phys(sl.pfn)) / s.size),
                  false);
      if (free_to_pcs(cpu, s, addr)) return;
    }
  }
  do_slab_free(cpu, s, addr);
}

void Slub::do_slab_free(sim::Cpu& cpu, SlubCache& s, VirtAddr addr) {
  const sim::PhysAddr p = phys(addr);
  const std::uint32_t id = slabs_.id_of_owner(page_owner(addr));
  SlubSlab& sl = slabs_[id];
  const std::uint32_t obj = static_cast<std::uint32_t>((p - pa_.pfn_to_phys(sl.pfn)) / s.size);
  sl.live.set(obj, false);
  cpu.spend(kFastPathCycles);
  cpu.read(slab_desc(sl) + SlubSlabLayout::head, 8);  // virt_to_slab, slab->slab_cache
  if (sl.node != cpu.node()) ++s.stats.remote_frees;
  SlubCpu& c = s.cpu[cpu.id()];
  cpu.read(c.addr + KmemCacheCpuLayout::freelist, 16);
  if (c.slab == id) {
    cpu.write(p + s.g.offset, 8);  // set_freepointer
    sl.next_free[obj] = c.freelist;
    c.freelist = obj;
    cpu.rmw(c.addr + KmemCacheCpuLayout::freelist, 16);
    ++s.stats.free_fastpath;
    return;
  }
  slab_free_slow(cpu, s, id, obj);
}

// __slab_free: the object goes on the slab's own freelist; the slab may move
// between lists or be discarded.
void Slub::slab_free_slow(sim::Cpu& cpu, SlubCache& s, std::uint32_t id, std::uint32_t obj) {
  cpu.spend(kSlowPathCycles);
  SlubSlab& sl = slabs_[id];
  const bool v6 = params_.flavour != Flavour::linux_2_6;
  const sim::PhysAddr desc = slab_desc(sl);
  if (!v6)
    cpu.rmw(desc + SlubSlabLayout::head, 8);  // 2.6.32 slab_lock: bit spinlock in page->flags
  const std::uint32_t prior = sl.freelist;
  cpu.write(obj_phys(sl, s, obj) + s.g.offset, 8);
  sl.next_free[obj] = prior;
  sl.freelist = obj;
  --sl.inuse;
  if (sl.where == SlubSlab::Where::node_partial) ++s.node[sl.node].partial_free;
  cpu.rmw(desc + SlubSlabLayout::freelist, 16);  // cmpxchg_double_slab(freelist, counters)
  if (sl.frozen) return;                         // FREE_FROZEN: the owning CPU deals with it
  if (v6)
    slab_free_lists_6(cpu, s, id, prior);
  else
    slab_free_lists_2_6(cpu, s, id, prior);
}

// __slab_free's list moves (6.8): a slab that was full goes to this CPU's
// partial list; an empty one on the node list beyond min_partial is discarded.
void Slub::slab_free_lists_6(sim::Cpu& cpu, SlubCache& s, std::uint32_t id, std::uint32_t prior) {
  SlubSlab& sl = slabs_[id];
  if (sl.where == SlubSlab::Where::cpu_partial) return;
  if (prior == kNoObject) {  // was full, on no list: onto this CPU's partial list
    SlubCpu& c = s.cpu[cpu.id()];
    if (c.partial.count >= s.g.cpu_partial_slabs) unfreeze_partials(cpu, s, c);  // drain
    put_cpu_partial(cpu, s, c, id);
    return;
  }
  if (sl.inuse != 0) return;
  SlubNode& n = s.node[sl.node];
  cpu.lock(*n.list_lock);
  // Re-checked under the lock: another CPU may have taken the slab meanwhile.
  if (sl.inuse == 0 && !sl.frozen && sl.where == SlubSlab::Where::node_partial &&
      n.partial.count >= s.g.min_partial) {
    remove_partial(Charge{&cpu}, n, id);
    sl.where = SlubSlab::Where::none;
    cpu.unlock(*n.list_lock);
    discard_slab(cpu, s, id);
    return;
  }
  cpu.unlock(*n.list_lock);
}

// __slab_free's list moves (2.6.32): an empty slab is freed at once; a full
// one joins the partial list. (2.6.32 holds slab_lock across all of this; here
// the state is re-checked under the list lock, in case another CPU took the
// slab meanwhile.)
void Slub::slab_free_lists_2_6(sim::Cpu& cpu, SlubCache& s, std::uint32_t id, std::uint32_t prior) {
  SlubSlab& sl = slabs_[id];
  SlubNode& n = s.node[sl.node];
  const Charge ch{&cpu};
  if (sl.inuse == 0) {
    if (prior != kNoObject) {
      cpu.lock(*n.list_lock);
      if (sl.frozen || sl.where != SlubSlab::Where::node_partial || sl.inuse != 0) {
        cpu.unlock(*n.list_lock);
        return;
      }
      remove_partial(ch, n, id);
      cpu.unlock(*n.list_lock);
    }
    sl.where = SlubSlab::Where::none;
    discard_slab(cpu, s, id);
    return;
  }
  if (prior == kNoObject) {
    cpu.lock(*n.list_lock);
    if (!sl.frozen && sl.where == SlubSlab::Where::none && sl.freelist != kNoObject) {
      add_partial(ch, n, id, true);
      sl.where = SlubSlab::Where::node_partial;
    }
    cpu.unlock(*n.list_lock);
  }
}

// allocate_slab (2.6.32) / account_slab (6.x): by SLAB_RECLAIM_ACCOUNT.
ObjectAllocator::SlabAccount Slub::account_of(std::uint32_t owner) const {
  const std::uint32_t id = slabs_.id_of_owner(owner);
  if (id == kNoSlabIndex || slabs_[id].cache == kNoSlab) return SlabAccount::none;
  return (caches_[slabs_[id].cache]->flags & SLAB_RECLAIM_ACCOUNT) ? SlabAccount::reclaimable
                                                                   : SlabAccount::unreclaimable;
}

ObjectAllocator::Lookup Slub::lookup(VirtAddr addr) const {
  Lookup l;
  const std::uint32_t id = slabs_.id_of_owner(page_owner(addr));
  if (id == kNoSlab) return l;
  const SlubSlab& sl = slabs_[id];
  const SlubCache& s = *caches_[sl.cache];
  l.cache = const_cast<SlubCache*>(&s);
  const std::uint32_t obj =
      slab_object_index(pa_.pfn_to_phys(sl.pfn), s.size, sl.objects, phys(addr));
  l.state = obj == kNoSlabIndex ? Lookup::interior
            : sl.live.test(obj) ? Lookup::live
                                : Lookup::free_object;
  return l;
}

// --- shrink, destroy, reports --------------------------------------------------------

int Slub::kmem_cache_shrink(sim::Cpu& cpu, KmemCache& kc) {
  SlubCache& s = static_cast<SlubCache&>(kc);
  flush_all(cpu, s);
  int busy = 0;
  for (SlubNode& n : s.node) {
    cpu.lock(*n.list_lock);
    for (std::uint32_t id = n.partial.head; id != kNoSlab;) {
      const std::uint32_t next = slabs_[id].next;
      if (slabs_[id].inuse == 0) {
        remove_partial(Charge{&cpu}, n, id);
        slabs_[id].where = SlubSlab::Where::none;
        discard_slab(cpu, s, id);
      }
      id = next;
    }
    cpu.unlock(*n.list_lock);
    if (n.partial.count || n.nr_slabs) busy = 1;
  }
  return busy;
}

void Slub::kmem_cache_destroy(sim::Cpu& cpu, KmemCache* kc) {
  if (!kc) return;
  SlubCache& s = static_cast<SlubCache&>(*kc);
  if (--s.refcount > 0) return;  // an alias went away
  flush_all(cpu, s);
  kmem_cache_shrink(cpu, s);
  if (s.in_use) {
    ++s.refcount;
    report(cpu, DiagKind::cache_busy, virt(s.desc), &s,
           "kmem_cache_destroy: " + std::to_string(s.in_use) + " objects remaining");
    return;
  }
  flush_sheaves(cpu, s, true);  // __kmem_cache_shutdown: the mains and barns go too
  for (SlubBarn& b : s.barn) kfree(cpu, b.va);
  s.barn.clear();
  s.pcs.clear();
  for (std::uint32_t n = 0; n < s.node.size(); ++n)
    if (kmem_cache_node_ && s.id != kmem_cache_node_->id &&
        page_owner(virt(s.node[n].addr)) >= kFirstSlabOwner)
      kmem_cache_free(cpu, *kmem_cache_node_, virt(s.node[n].addr));
  if (kmem_cache_ && page_owner(virt(s.desc)) >= kFirstSlabOwner)
    kmem_cache_free(cpu, *kmem_cache_, virt(s.desc));
  s.destroyed = true;
  unregister_cache(&s);
}

std::vector<SlabinfoRow> Slub::slabinfo_rows() const {
  // get_slabinfo: objects free on the node partial lists are the inactive ones.
  std::vector<SlabinfoRow> out;
  for (const KmemCache* kc : slab_caches()) {
    const SlubCache& s = cache(*kc);
    SlabinfoRow r;
    r.name = s.name;
    r.objsize = s.size;
    r.objperslab = s.g.objects;
    r.pagesperslab = 1u << s.g.order;
    std::uint64_t free = 0;
    for (const SlubNode& n : s.node) {
      r.num_slabs += n.nr_slabs;
      r.num_objs += n.total_objects;
      free += n.partial_free;
    }
    r.active_objs = r.num_objs - free;
    r.active_slabs = r.num_slabs;
    out.push_back(std::move(r));
  }
  return out;
}

void Slub::sysfs_slab_write(sim::Cpu& cpu, KmemCache& kc, std::string_view attr,
                            std::string_view text) {
  SlubCache& s = static_cast<SlubCache&>(kc);
  const bool v26 = params_.flavour == Flavour::linux_2_6;
  // unsigned long is 32 bits on i386.
  const std::uint64_t ulong_max = params_.arch == sim::Arch::i386 ? 0xffffffffull : ~0ull;
  if (attr == "cpu_partial" && !v26) {
    // cpu_partial_store (3.2+): kstrtouint; nonzero needs kmem_cache_has_cpu_partial, which the
    // model's caches (no slub_debug) all have; then flush_all.
    const auto objects = static_cast<unsigned>(kstrtoul(text, 0xffffffffull));
    slub_set_cpu_partial(s.g, objects);
    flush_all(cpu, s);
    return;
  }
  if (attr == "min_partial") {  // min_partial_store
    slub_set_min_partial(params_.flavour, s.g, kstrtoul(text, ulong_max));
    return;
  }
  if (attr == "shrink") {  // shrink_store: only "1" shrinks
    if (text.empty() || text[0] != '1')
      throw SlabTuneError(EINVAL, "shrink takes 1 (kmem_cache_shrink)");
    kmem_cache_shrink(cpu, s);
    return;
  }
  for (const auto& entry : sysfs(s))
    if (entry.first == attr)  // kernfs_fop_open: no store method
      throw SlabTuneError(EACCES, std::string(attr) + " is read-only");
  throw SlabTuneError(
      ENOENT, "/sys/kernel/slab/" + s.name + "/" + std::string(attr) +
                  (attr == "cpu_partial" ? " does not exist in linux-2.6 (per-CPU partial lists "
                                           "came with 3.2)"
                                         : " does not exist"));
}

void Slub::set_tunables(sim::Cpu& cpu, KmemCache& kc, const CacheTunables& t) {
  SlubCache& s = static_cast<SlubCache&>(kc);
  if (t.cpu_partial && params_.flavour != Flavour::linux_2_6) {
    slub_set_cpu_partial(s.g, *t.cpu_partial);
    flush_all(cpu, s);
  }
  if (t.min_partial) slub_set_min_partial(params_.flavour, s.g, *t.min_partial);
}

std::vector<std::pair<std::string, std::string>> Slub::sysfs(const KmemCache& kc) const {
  const SlubCache& s = cache(kc);
  std::uint64_t objects = 0, slabs = 0, partial = 0, objects_partial = 0;
  for (const SlubNode& n : s.node) {
    objects += n.total_objects;
    slabs += n.nr_slabs;
    partial += n.partial.count;
    for (std::uint32_t id = n.partial.head; id != kNoSlab; id = slabs_[id].next)
      objects_partial += slabs_[id].inuse;
  }
  std::uint64_t cpu_slabs = 0;
  for (const SlubCpu& c : s.cpu) cpu_slabs += (c.slab != kNoSlab) + c.partial.count;
  auto u = [](std::uint64_t v) { return std::to_string(v); };
  std::vector<std::pair<std::string, std::string>> out = {{"object_size", u(s.object_size)},
                                                          {"slab_size", u(s.size)},
                                                          {"align", u(s.align)},
                                                          {"order", u(s.g.order)}};
  if (params_.flavour == Flavour::linux_6_18)  // 6.18: right after order, for every cache
    out.emplace_back("sheaf_capacity", u(s.g.sheaf_capacity));
  out.insert(out.end(), {{"objs_per_slab", u(s.g.objects)}, {"min_partial", u(s.g.min_partial)}});
  if (params_.flavour != Flavour::linux_2_6)  // cpu_partial came with 3.2
    out.emplace_back("cpu_partial", u(s.g.cpu_partial));
  out.insert(out.end(), {{"objects", u(objects)},
                         {"objects_partial", u(objects_partial)},
                         {"partial", u(partial)},
                         {"slabs", u(slabs)},
                         {"cpu_slabs", u(cpu_slabs)},
                         {"aliases", u(s.refcount - 1)},
                         {"ctor", s.has_ctor ? "ctor" : ""},
                         {"reclaim_account", (s.flags & SLAB_RECLAIM_ACCOUNT) ? "1" : "0"},
                         {"hwcache_align", (s.flags & SLAB_HWCACHE_ALIGN) ? "1" : "0"},
                         {"cache_dma", (s.flags & SLAB_CACHE_DMA) ? "1" : "0"},
                         {"destroy_by_rcu", (s.flags & SLAB_TYPESAFE_BY_RCU) ? "1" : "0"}});
  // The CONFIG_SLUB_STATS sheaf counters (6.18) of caches with sheaves.
  if (s.g.sheaf_capacity)
    for (const auto& f : SheafStats::kFields)
      out.emplace_back(std::string(f.stat.name), u(s.sheaf_stats.*f.member));
  return out;
}

void Slub::check_invariants() const {
  auto fail = [](const SlubCache& s, const std::string& what) {
    throw std::logic_error("SLUB cache " + s.name + ": " + what);
  };
  std::vector<std::uint8_t> seen(slabs_.size(), 0);
  for (const auto& sp : caches_) {
    const SlubCache& s = *sp;
    if (s.destroyed) continue;
    std::uint64_t slabs = 0, user_live = 0;
    for (std::uint32_t id = 0; id < slabs_.size(); ++id) {
      const SlubSlab& sl = slabs_[id];
      if (sl.cache != s.id) continue;
      ++slabs;
      // Every object is exactly one of: on slab->freelist, on a CPU freelist, or live.
      std::vector<std::uint8_t> state(sl.objects, 0);
      std::uint32_t on_slab_list = 0;
      for (std::uint32_t o = sl.freelist; o != kNoObject; o = sl.next_free[o]) {
        if (o >= sl.objects || state[o]) fail(s, "corrupt slab freelist");
        state[o] = 1;
        ++on_slab_list;
      }
      if (sl.objects - on_slab_list != sl.inuse) fail(s, "slab inuse does not match its freelist");
      for (std::uint32_t i = 0; i < sl.objects; ++i)
        if (sl.live.test(i)) {
          ++user_live;
          if (state[i]) fail(s, "a live object is on a freelist");
        }
      if (sl.where == SlubSlab::Where::node_partial && sl.freelist == kNoObject)
        fail(s, "a full slab on the partial list");
      if (sl.where != SlubSlab::Where::cpu && sl.frozen) fail(s, "a frozen slab off the CPU");
    }
    std::uint64_t node_slabs = 0;
    for (const SlubNode& n : s.node) {
      node_slabs += n.nr_slabs;
      std::uint32_t count = 0;
      std::uint64_t free = 0;
      for (std::uint32_t id = n.partial.head; id != kNoSlab; id = slabs_[id].next, ++count) {
        if (slabs_[id].where != SlubSlab::Where::node_partial || slabs_[id].cache != s.id)
          fail(s, "node partial list holds a foreign slab");
        free += slabs_[id].objects - slabs_[id].inuse;
      }
      if (count != n.partial.count) fail(s, "node partial count is wrong");
      if (free != n.partial_free) fail(s, "node partial free-object count is wrong");
    }
    for (const SlubCpu& c : s.cpu) {
      if (c.slab != kNoSlab) {
        const SlubSlab& sl = slabs_[c.slab];
        if (sl.where != SlubSlab::Where::cpu || !sl.frozen) fail(s, "CPU slab not frozen");
        for (std::uint32_t o = c.freelist; o != kNoObject; o = sl.next_free[o])
          if (sl.live.test(o)) fail(s, "a live object on a CPU freelist");
      }
      std::uint32_t count = 0;
      for (std::uint32_t id = c.partial.head; id != kNoSlab; id = slabs_[id].next, ++count)
        if (slabs_[id].where != SlubSlab::Where::cpu_partial) fail(s, "CPU partial list corrupt");
      if (count != c.partial.count) fail(s, "CPU partial count is wrong");
    }
    for (const SlubSheaf& sh : s.sheaf_pool) {
      if (!sh.va) continue;
      if (sh.size > s.g.sheaf_capacity) fail(s, "a sheaf holds more than its capacity");
      for (std::uint32_t k = 0; k < sh.size; ++k) {
        const SlubSlab& sl = slabs_[slabs_.id_of_owner(page_owner(sh.objects[k]))];
        if (sl.cache != s.id) fail(s, "a sheaf holds another cache's object");
        // An rcu_free sheaf's objects are the users' until their grace period ends.
        if (sh.rcu != sl.live.test(static_cast<std::uint32_t>(
                          (phys(sh.objects[k]) - pa_.pfn_to_phys(sl.pfn)) / s.size)))
          fail(s, sh.rcu ? "an rcu_free sheaf holds a free object" : "a sheaf holds a live object");
      }
    }
    for (const SlubBarn& b : s.barn)
      for (std::uint32_t i : b.full)
        if (s.sheaf_pool[i].size == 0) fail(s, "a barn's full sheaf is empty");
    if (node_slabs != slabs) fail(s, "nr_slabs does not match the slabs that exist");
    if (user_live != s.in_use) fail(s, "objects in use do not match the live objects");
  }
}

}  // namespace allocsim::model
