#include "model/slab.hpp"

#include <algorithm>
#include <stdexcept>

#include "model/kernel_math.hpp"
#include "model/slabinfo.hpp"

namespace allocsim::model {

namespace {
constexpr std::uint32_t kBatchRefillLimit = 16;  // BATCHREFILL_LIMIT
constexpr std::uint32_t kAlienLimit = 12;        // alloc_alien_cache: limit 12 when limit > 1
constexpr sim::Cycles kFastPathCycles = 6;
constexpr sim::Cycles kSlowPathCycles = 60;
}  // namespace

std::unique_ptr<ObjectAllocator> make_slab(PageAllocator& pa, Highmem& hm,
                                           const ObjectAllocatorConfig& cfg, DiagnosticLog& diag) {
  return std::make_unique<Slab>(pa, hm, cfg, diag);
}

Slab::Slab(PageAllocator& pa, Highmem& hm, const ObjectAllocatorConfig& cfg, DiagnosticLog& diag)
    : ObjectAllocator(pa, hm, cfg, diag),
      jiffies_(pa.machine().config().ghz, pa.config().hz, pa.flavour()) {
  const sim::MachineConfig& mc = pa.machine().config();
  params_.flavour = pa.flavour();
  params_.arch = mc.arch;
  params_.cache_line = mc.line_bytes;
  std::uint64_t managed = 0;
  for (const Zone& z : pa.zones()) managed += z.managed_pages;
  params_.totalram_pages = managed;
  params_.possible_cpus = mc.cpus;
  params_.slab_max_order = cfg.slab_max_order;
  params_.colour_step = cfg.slab_colour_step;
  params_.colour_max = cfg.slab_colour_max;
  params_.cpucache_limit = cfg.slab_limit;
  gfp_kernel_ = parse_gfp(pa.flavour(), "GFP_KERNEL");
  gfp_thisnode_ = parse_gfp(pa.flavour(), "__GFP_THISNODE");
  // kmem_cache_init: cache_cache (on-slab, early), then the general caches.
  sim::Cpu& boot = pa.machine().cpu(0);
  const std::uint32_t word = bytes_per_word(mc.arch);
  const std::uint32_t desc_size = params_.flavour == Flavour::linux_2_6
                                      ? 136 + word * (mc.cpus + mc.nodes)  // array[] + nodelists[]
                                      : 216 + word * mc.nodes;             // 6.5 node[] at the end
  cache_cache_ = create_cache(boot, "kmem_cache", desc_size, 0, SLAB_HWCACHE_ALIGN, false, false);
  cache_cache_->merge_target = false;
  // ARCH_KMALLOC_FLAGS; 6.x kmalloc caches are not merged (as with CONFIG_MEMCG_KMEM).
  const SlabFlags kflags =
      SLAB_HWCACHE_ALIGN | (params_.flavour != Flavour::linux_2_6 ? SLAB_NO_MERGE : 0);
  for (const KmallocCacheSpec& k : sizes_.caches())
    kmalloc_caches_.push_back(
        create_cache(boot, k.name, k.size, kmalloc_align(k.size), kflags, false, true));
  general_ready_ = true;
  start_cpu_timers();  // cpucache_init, an initcall after kmem_cache_init
}

Slab::~Slab() = default;

// --- lists ---------------------------------------------------------------------

SlabList& Slab::list_of(SlabNode& n, SlabSlab::List which) {
  return which == SlabSlab::List::full      ? n.full
         : which == SlabSlab::List::partial ? n.partial
                                            : n.free;
}

void Slab::list_add(const Charge& ch, SlabList& l, sim::PhysAddr head, std::uint32_t id, bool tail,
                    SlabSlab::List which) {
  slabs_.list_add(ch, l, head, id, tail);
  slabs_[id].list = which;
}

void Slab::list_del(const Charge& ch, SlabList& l, sim::PhysAddr head, std::uint32_t id) {
  slabs_.list_del(ch, l, head, id);
  slabs_[id].list = SlabSlab::List::none;
}

// The model charges the partial list's head (the same line as the other two)
// whichever of the node's lists the slab leaves.
void Slab::list_del_any(const Charge& ch, SlabNode& n, std::uint32_t id) {
  list_del(ch, list_of(n, slabs_[id].list), n.addr + SlabNodeLayout::slabs_partial, id);
}

// --- cache creation ----------------------------------------------------------------

KmemCache* Slab::kmem_cache_create(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                                   std::uint32_t align, SlabFlags flags, bool ctor) {
  check_cache_args(name, size, align);
  // 6.x merges in slab_common.c for SLAB too; 2.6.32 SLAB never merges.
  if (params_.flavour != Flavour::linux_2_6)
    if (KmemCache* k = merge_alias(name, size, align, flags, ctor)) return k;
  return create_cache(cpu, name, size, align, flags, ctor, false);
}

KmemCache* Slab::create_with_args(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                                  std::uint32_t align, SlabFlags flags, bool ctor,
                                  const KmemCacheArgs& args) {
  check_cache_args(name, size, align);
  SlabCache* c = create_cache(cpu, name, size, align, flags, ctor, false, args);
  c->merge_target = false;  // its layout is its own
  return c;
}

SlabCache* Slab::create_cache(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                              std::uint32_t align, SlabFlags flags, bool ctor, bool general,
                              const KmemCacheArgs& args) {
  auto c = std::make_unique<SlabCache>();
  c->id = static_cast<std::uint32_t>(caches_.size());
  c->name = std::string(name);
  SlabBootState boot;
  boot.early_init = !general_ready_ && !general;
  boot.general_cache = [this](std::uint32_t bytes) -> const SlabGeometry* {
    const int idx = sizes_.index(bytes);
    if (idx < 0 || static_cast<std::size_t>(idx) >= kmalloc_caches_.size()) return nullptr;
    return &static_cast<const SlabCache*>(kmalloc_caches_[static_cast<unsigned>(idx)])->g;
  };
  SlabParams p = params_;
  if (args.slab_max_order) p.slab_max_order = static_cast<int>(*args.slab_max_order);
  if (args.colouring) p.colouring = *args.colouring;
  c->g = slab_geometry(p, size, align, flags, ctor, boot);
  c->object_size = c->g.object_size;
  c->size = c->g.size;
  c->align = c->g.align;
  c->flags = flags;
  c->has_ctor = ctor;
  c->objects_per_slab = c->g.num;
  c->general = general;
  c->colouring = (args.colouring ? *args.colouring != SlabColouring::off : cfg_.colouring) &&
                 !(flags & SLAB_NO_COLOUR);
  const sim::MachineConfig& mc = pa_.machine().config();
  c->desc = cache_cache_ ? phys(kmem_cache_alloc(cpu, *cache_cache_, gfp_kernel_))
                         : meta_alloc(cpu, 0, 256);
  c->node.resize(mc.nodes);
  for (sim::NodeId n = 0; n < mc.nodes; ++n) {
    SlabNode& nd = c->node[n];
    nd.addr = general_ready_
                  ? phys(kmalloc(cpu, SlabNodeLayout::size, gfp_kernel_, static_cast<int>(n)))
                  : meta_alloc(cpu, n, SlabNodeLayout::size);
    nd.list_lock = std::make_unique<sim::SpinLock>(
        pa_.machine().make_lock(nd.addr + SlabNodeLayout::list_lock, "kmem_list3.list_lock"));
    // alloc_kmemlist (2.6.32) / init_cache_node (6.5): the node's first
    // reap pass staggered by the descriptor's (virtual) address,
    // jiffies + REAPTIMEOUT_NODE + (unsigned long)cachep % REAPTIMEOUT_NODE.
    const std::uint64_t timeout = reaptimeout_node(jiffies_.hz());
    nd.next_reap = jiffies_.at(cpu.now()) + timeout + hm_.va(c->desc).value() % timeout;
  }
  SlabCache* raw = c.get();
  caches_.push_back(std::move(c));
  setup_arrays(cpu, *raw);
  register_cache(raw);
  return raw;
}

// enable_cpucache / do_tune_cpucache: per-CPU arrays, the shared array and the
// alien caches with the sizes of the object-size table.
void Slab::setup_arrays(sim::Cpu& cpu, SlabCache& c) {
  const sim::Machine& m = pa_.machine();
  const std::uint32_t nodes = m.config().nodes;
  c.array.resize(m.cpus());
  for (sim::CpuId i = 0; i < m.cpus(); ++i)
    make_array(cpu, c.array[i], c.g.limit, c.g.batchcount, pa_.machine().cpu(i).node());
  for (sim::NodeId n = 0; n < nodes; ++n) {
    SlabNode& nd = c.node[n];
    unsigned cpus_on_node = 0;
    for (sim::CpuId i = 0; i < m.cpus(); ++i) cpus_on_node += pa_.machine().cpu(i).node() == n;
    nd.free_limit = (1 + cpus_on_node) * c.g.batchcount + c.g.num;
    if (c.g.shared) {
      nd.shared = std::make_unique<ArrayCache>();
      make_array(cpu, *nd.shared, c.g.shared * c.g.batchcount, 0xbaadf00d, n);
    }
    // use_alien_caches; limit 0 (no arrays at all) frees straight to the remote node.
    if (nodes > 1 && c.g.limit > 0) make_alien_caches(cpu, c, n);
  }
}

void Slab::make_array(sim::Cpu& cpu, ArrayCache& ac, std::uint32_t limit, std::uint32_t batch,
                      sim::NodeId node) {
  ac.avail = 0;
  ac.touched = false;
  ac.limit = limit;
  ac.batchcount = batch;
  ac.entry.assign(limit, VirtAddr{});
  ac.addr =
      meta_alloc(cpu, node, ArrayCacheLayout::entry + ArrayCacheLayout::entry_bytes * limit, 64);
}

void Slab::make_alien_caches(sim::Cpu& cpu, SlabCache& c, sim::NodeId n) {
  const std::uint32_t nodes = pa_.machine().config().nodes;
  SlabNode& nd = c.node[n];
  nd.alien.resize(nodes);
  for (sim::NodeId r = 0; r < nodes; ++r) {
    if (r == n) continue;
    nd.alien[r] = std::make_unique<ArrayCache>();
    make_array(cpu, *nd.alien[r], c.g.limit > 1 ? kAlienLimit : 1, 0xbaadf00d, n);
    nd.alien[r]->lock = std::make_unique<sim::SpinLock>(
        pa_.machine().make_lock(nd.alien[r]->addr + ArrayCacheLayout::lock, "array_cache.lock"));
  }
}

// --- slabs -------------------------------------------------------------------------

// cache_grow (2.6.32): cache_grow_begin, then the slab on the node's free list.
std::uint32_t Slab::cache_grow(sim::Cpu& cpu, SlabCache& c, Gfp gfp, int node) {
  const std::uint32_t id = cache_grow_begin(cpu, c, gfp, node);
  if (id != kNoSlabId) cache_grow_end(cpu, c, id);
  return id;
}

// cache_grow (2.6.32) up to the list / cache_grow_begin (6.5): pages on
// `node`, the next colour, the management area, every object linked on the
// slab's free list; the slab is on no list yet.
std::uint32_t Slab::cache_grow_begin(sim::Cpu& cpu, SlabCache& c, Gfp gfp, int node) {
  cpu.spend(kSlowPathCycles);
  const std::uint32_t offset = next_colour_offset(cpu, c, node);
  // The page allocator may let other CPUs run: the slab id is taken after it.
  const std::optional<Pfn> pfn = alloc_slab_pages(cpu, gfp, c.g.order, node, kMetaOwner);
  if (!pfn) return kNoSlabId;
  const std::uint32_t id = slabs_.take();
  set_page_owner(*pfn, c.g.order, slabs_.owner(id));
  SlabSlab& s = slabs_[id];
  s.cache = c.id;
  s.pfn = *pfn;
  s.order = c.g.order;
  s.node = pa_.zones()[pa_.mem_map().page(*pfn).zone].node;
  s.inuse = 0;
  s.colouroff = offset;
  s.list = SlabSlab::List::none;
  s.prev = s.next = kNoSlabId;
  alloc_slabmgmt(cpu, c, s);
  cpu.write(pa_.page_desc(*pfn), 16);  // slab_map_pages / __SetPageSlab
  cache_init_objs(cpu, c, s);
  return id;
}

// cache_grow_end (6.5) / the end of cache_grow (2.6.32): the new slab goes on
// the list its use puts it on (slabs_free when no object was taken).
void Slab::cache_grow_end(sim::Cpu& cpu, SlabCache& c, std::uint32_t id) {
  SlabSlab& s = slabs_[id];
  SlabNode& n = c.node[s.node];
  const Charge ch{&cpu};
  cpu.lock(*n.list_lock);
  if (s.inuse == 0)
    list_add(ch, n.free, n.addr + SlabNodeLayout::slabs_free, id, true, SlabSlab::List::free);
  else if (s.free == kBufctlEnd)  // fixup_slab_list
    list_add(ch, n.full, n.addr + SlabNodeLayout::slabs_full, id, false, SlabSlab::List::full);
  else
    list_add(ch, n.partial, n.addr + SlabNodeLayout::slabs_partial, id, false,
             SlabSlab::List::partial);
  n.free_objects += c.g.num - s.inuse;
  ++n.total_slabs;
  cpu.unlock(*n.list_lock);
  ++c.stats.slabs_created;
  ++c.grown;
}

// The colour offset of the next slab, advanced under the list_lock of the
// node it is for (cachep->colour_next / l3->colour_next).
std::uint32_t Slab::next_colour_offset(sim::Cpu& cpu, SlabCache& c, int node) {
  const sim::NodeId colour_node = node >= 0 ? static_cast<sim::NodeId>(node) : cpu.node();
  SlabNode& cn = c.node[colour_node];
  cpu.lock(*cn.list_lock);
  cpu.rmw(cn.addr + SlabNodeLayout::colour_next, 4);
  std::uint32_t colour = 0;
  if (c.colouring && c.g.colour)
    colour = slab_next_colour(params_.flavour, cn.colour_next, c.g.colour);
  cpu.unlock(*cn.list_lock);
  if (c.colour_used.size() <= colour)
    c.colour_used.resize(std::max<std::size_t>(c.g.colour, colour + 1));
  ++c.colour_used[colour];
  return colour * c.g.colour_off;
}

// alloc_slabmgmt: where the management area and the first object go.
void Slab::alloc_slabmgmt(sim::Cpu& cpu, SlabCache& c, SlabSlab& s) {
  const sim::PhysAddr base = pa_.pfn_to_phys(s.pfn);
  const std::uint32_t offset = s.colouroff;
  const bool v6 = params_.flavour != Flavour::linux_2_6;
  s.offslab_obj = VirtAddr{};
  switch (c.g.mgmt) {
    case SlabMgmt::on_slab:
      if (v6) {  // freelist at the end of the slab, objects from the colour offset
        s.s_mem = offset;
        s.mgmt = base + (kPageSize << c.g.order) - c.g.mgmt_size;
      } else {  // struct slab + bufctls at the colour offset, objects after them
        s.mgmt = base + offset;
        s.s_mem = offset + c.g.mgmt_size;
      }
      break;
    case SlabMgmt::off_slab:
      s.offslab_obj = kmalloc(cpu, c.g.mgmt_size, gfp_kernel_, static_cast<int>(s.node));
      s.mgmt = s.offslab_obj ? phys(s.offslab_obj) : pa_.page_desc(s.pfn);
      s.s_mem = offset;
      break;
    case SlabMgmt::obj_freelist:  // 6.5: the freelist sits in the last object while free
      s.s_mem = offset;
      s.mgmt = base + offset + std::uint64_t{c.g.num - 1} * c.g.size;
      break;
  }
  // 6.5: struct slab is the struct page, and the model charges the index
  // array there too (not at slab->freelist).
  if (v6) s.mgmt = pa_.page_desc(s.pfn);
}

// cache_init_objs: the constructor over every object, the free list in order.
void Slab::cache_init_objs(sim::Cpu& cpu, SlabCache& c, SlabSlab& s) {
  s.bufctl.resize(c.g.num);
  s.live.reset(c.g.num);
  for (std::uint32_t i = 0; i < c.g.num; ++i) {
    if (c.has_ctor) write_object(cpu, virt(obj_phys(s, c, i)), c.object_size);
    s.bufctl[i] = i + 1 < c.g.num ? i + 1 : kBufctlEnd;
  }
  cpu.write(s.mgmt, std::min<std::uint32_t>(64, std::max<std::uint32_t>(8, c.g.mgmt_size)));
  s.free = 0;
}

void Slab::slab_destroy(sim::Cpu& cpu, SlabCache& c, std::uint32_t id) {
  SlabSlab& s = slabs_[id];
  --c.node[s.node].total_slabs;
  const VirtAddr offslab = s.offslab_obj;
  const Pfn pfn = s.pfn;
  const unsigned order = s.order;
  const sim::PhysAddr mgmt = s.mgmt;
  s.cache = kNoSlabId;
  slabs_.release(id);
  cpu.write(pa_.page_desc(pfn), 8);  // __ClearPageSlab
  if (c.flags & SLAB_TYPESAFE_BY_RCU) {
    // slab_destroy: call_rcu(kmem_rcu_free). 2.6.32 lays its struct slab_rcu
    // over the slab descriptor and kmem_rcu_free also frees an off-slab one;
    // 6.5 uses slab->rcu_head (the struct page) and kfrees the off-slab
    // freelist at once.
    if (params_.flavour == Flavour::linux_2_6) {
      free_slab_pages_rcu(cpu, c, pfn, order, mgmt, offslab);
    } else {
      free_slab_pages_rcu(cpu, c, pfn, order, pa_.page_desc(pfn));
      if (offslab) kfree(cpu, offslab);
    }
  } else {
    free_slab_pages(cpu, pfn, order);
    if (offslab) kfree(cpu, offslab);  // kmem_cache_free(cachep->slabp_cache, slabp)
  }
  ++c.stats.slabs_freed;
}

VirtAddr Slab::slab_get_obj(sim::Cpu& cpu, SlabCache& c, SlabSlab& s) {
  const std::uint32_t obj = s.free;
  cpu.read(s.mgmt + SlabMgmtLayout::counters, 16);    // slabp->inuse, slabp->free
  cpu.read(bufctl_addr(s, c, obj), c.g.bufctl_size);  // slab_bufctl(slabp)[free]
  s.free = s.bufctl[obj];
  ++s.inuse;
  cpu.write(s.mgmt + SlabMgmtLayout::counters, 16);
  return virt(obj_phys(s, c, obj));
}

void Slab::slab_put_obj(sim::Cpu& cpu, SlabCache& c, SlabSlab& s, std::uint32_t obj) {
  cpu.read(s.mgmt + SlabMgmtLayout::counters, 16);
  cpu.write(bufctl_addr(s, c, obj), c.g.bufctl_size);
  s.bufctl[obj] = s.free;
  s.free = obj;
  --s.inuse;
  cpu.write(s.mgmt + SlabMgmtLayout::counters, 16);
}

std::uint32_t Slab::slab_of(VirtAddr addr) const {
  return slabs_.id_of_owner(page_owner(addr));
}

// --- allocation --------------------------------------------------------------------

VirtAddr Slab::do_cache_alloc(sim::Cpu& cpu, KmemCache& kc, Gfp gfp, int node) {
  SlabCache& c = static_cast<SlabCache&>(kc);
  cpu.spend(kFastPathCycles);
  // __cache_alloc_node: another node's objects come straight from its lists.
  if (node >= 0 && static_cast<sim::NodeId>(node) != cpu.node() &&
      static_cast<std::size_t>(node) < c.node.size()) {
    const VirtAddr obj = cache_alloc_node(cpu, c, gfp, static_cast<sim::NodeId>(node));
    if (obj) slabs_[slab_of(obj)].live.set(obj_index(slabs_[slab_of(obj)], c, obj), true);
    return obj;
  }
  // ____cache_alloc: the per-CPU array, LIFO.
  ArrayCache& ac = c.array[cpu.id()];
  cpu.read(c.desc + SlabCacheLayout::cpu_cache, 8);  // cachep->array[smp_processor_id()]
  cpu.read(ac.addr + ArrayCacheLayout::avail, 16);
  VirtAddr obj;
  if (ac.limit == 0) {  // limit 0 (a study knob): every allocation from the node lists
    ++c.stats.refills;
    obj = cache_alloc_node(cpu, c, gfp, cpu.node());
  } else if (ac.avail) {
    ac.touched = true;
    --ac.avail;
    cpu.read(ac.entry_addr(ac.avail), 8);
    cpu.write(ac.addr + ArrayCacheLayout::avail, 16);
    obj = ac.entry[ac.avail];
    ++c.stats.alloc_fastpath;
  } else {
    obj = cache_alloc_refill(cpu, c, gfp);
    if (!obj) obj = cache_alloc_node(cpu, c, gfp, cpu.node());  // ____cache_alloc_node + fallback
  }
  if (!obj) return {};
  const std::uint32_t id = slab_of(obj);
  SlabSlab& s = slabs_[id];
  s.live.set(obj_index(s, c, obj), true);
  return obj;
}

std::uint32_t Slab::transfer_objects(sim::Cpu& cpu, ArrayCache& to, ArrayCache& from,
                                     std::uint32_t max) {
  const std::uint32_t nr = std::min({from.avail, max, to.limit - to.avail});
  if (!nr) return 0;
  for (std::uint32_t i = 0; i < nr; ++i) {
    to.entry[to.avail + i] = from.entry[from.avail - nr + i];
    cpu.read(from.entry_addr(from.avail - nr + i), 8);
    cpu.write(to.entry_addr(to.avail + i), 8);
  }
  from.avail -= nr;
  to.avail += nr;
  to.touched = true;
  cpu.write(from.addr + ArrayCacheLayout::avail, 8);
  cpu.write(to.addr + ArrayCacheLayout::avail, 8);
  return nr;
}

// cache_alloc_refill: batchcount objects from the shared array, else from the
// node's partial then free slabs; grow when there are none.
VirtAddr Slab::cache_alloc_refill(sim::Cpu& cpu, SlabCache& c, Gfp gfp) {
  ++c.stats.refills;
  cpu.spend(kSlowPathCycles);
  const sim::NodeId node = cpu.node();
  ArrayCache& ac = c.array[cpu.id()];
  SlabNode& n = c.node[node];
  const Charge ch{&cpu};
  for (;;) {
    std::uint32_t batch = ac.batchcount;
    if (!ac.touched && batch > kBatchRefillLimit) batch = kBatchRefillLimit;
    cpu.lock(*n.list_lock);
    if (!(n.shared && transfer_objects(cpu, ac, *n.shared, batch))) {
      while (batch > 0) {
        std::uint32_t id = n.partial.head;
        if (id == kNoSlabId) {
          n.free_touched = true;
          id = n.free.head;
          if (id == kNoSlabId) break;  // must_grow
        }
        SlabSlab& s = slabs_[id];
        while (s.inuse < c.g.num && batch > 0) {
          --batch;
          cpu.write(ac.entry_addr(ac.avail), 8);
          ac.entry[ac.avail++] = slab_get_obj(cpu, c, s);
        }
        list_del_any(ch, n, id);
        if (s.free == kBufctlEnd)
          list_add(ch, n.full, n.addr + SlabNodeLayout::slabs_full, id, false,
                   SlabSlab::List::full);
        else
          list_add(ch, n.partial, n.addr + SlabNodeLayout::slabs_partial, id, false,
                   SlabSlab::List::partial);
      }
      n.free_objects -= ac.avail;
    }
    cpu.unlock(*n.list_lock);
    if (ac.avail) break;
    const Gfp thisnode{gfp.bits | gfp_thisnode_.bits};
    if (params_.flavour == Flavour::linux_2_6) {
      // cache_alloc_refill (2.6.32): grow on this node and retry ("goto
      // retry") until the array holds objects: another CPU may take the new
      // slab first. NULL only when the grow fails with the array still empty.
      const bool grown = cache_grow(cpu, c, thisnode, static_cast<int>(node)) != kNoSlabId;
      if (!grown && !ac.avail) return {};
      if (ac.avail) break;
      continue;
    }
    // cache_alloc_refill (6.5): cache_grow_begin, alloc_block takes up to a
    // batch from the new slab before cache_grow_end lists it, so no other CPU
    // can take it first.
    const std::uint32_t id = cache_grow_begin(cpu, c, thisnode, static_cast<int>(node));
    if (id != kNoSlabId) {
      SlabSlab& s = slabs_[id];
      if (!ac.avail)
        while (s.inuse < c.g.num && batch > 0) {
          --batch;
          cpu.write(ac.entry_addr(ac.avail), 8);
          ac.entry[ac.avail++] = slab_get_obj(cpu, c, s);
        }
      cache_grow_end(cpu, c, id);
    }
    if (!ac.avail) return {};
    break;
  }
  ac.touched = true;
  --ac.avail;
  cpu.write(ac.addr + ArrayCacheLayout::avail, 16);
  return ac.entry[ac.avail];
}

// ____cache_alloc_node with fallback_alloc: one object from a node's lists,
// growing there, then from any node in zonelist order.
VirtAddr Slab::cache_alloc_node(sim::Cpu& cpu, SlabCache& c, Gfp gfp, sim::NodeId node) {
  const Charge ch{&cpu};
  auto take = [&](sim::NodeId nid) -> VirtAddr {
    SlabNode& n = c.node[nid];
    cpu.lock(*n.list_lock);
    std::uint32_t id = n.partial.head;
    if (id == kNoSlabId) {
      n.free_touched = true;
      id = n.free.head;
    }
    if (id == kNoSlabId) {
      cpu.unlock(*n.list_lock);
      return {};
    }
    SlabSlab& s = slabs_[id];
    const VirtAddr obj = slab_get_obj(cpu, c, s);
    --n.free_objects;
    list_del_any(ch, n, id);
    if (s.free == kBufctlEnd)
      list_add(ch, n.full, n.addr + SlabNodeLayout::slabs_full, id, false, SlabSlab::List::full);
    else
      list_add(ch, n.partial, n.addr + SlabNodeLayout::slabs_partial, id, false,
               SlabSlab::List::partial);
    cpu.unlock(*n.list_lock);
    return obj;
  };
  if (VirtAddr obj = take(node)) return obj;
  const Gfp thisnode{gfp.bits | gfp_thisnode_.bits};
  if (params_.flavour == Flavour::linux_2_6) {
    // ____cache_alloc_node (2.6.32): "goto retry" while cache_grow succeeds,
    // as another CPU may empty the new slab first.
    while (cache_grow(cpu, c, thisnode, static_cast<int>(node)) != kNoSlabId)
      if (VirtAddr obj = take(node)) return obj;
  } else {
    // ____cache_alloc_node (6.5): the object comes from the new slab before
    // cache_grow_end lists it.
    const std::uint32_t id = cache_grow_begin(cpu, c, thisnode, static_cast<int>(node));
    if (id != kNoSlabId) {
      const VirtAddr obj = slab_get_obj(cpu, c, slabs_[id]);
      cache_grow_end(cpu, c, id);
      return obj;
    }
  }
  // fallback_alloc: other nodes with free objects, then a slab from anywhere;
  // "goto retry" when another CPU emptied that slab first (both kernels).
  for (;;) {
    for (sim::NodeId other : pa_.node_order(node)) {
      if (other == node || other >= c.node.size()) continue;
      if (VirtAddr obj = take(other)) return obj;
    }
    const std::uint32_t id = cache_grow(cpu, c, gfp, -1);
    if (id == kNoSlabId) return {};
    if (VirtAddr obj = take(slabs_[id].node)) return obj;
  }
}

// --- free ----------------------------------------------------------------------------

void Slab::do_cache_free(sim::Cpu& cpu, KmemCache& kc, VirtAddr addr) {
  SlabCache& c = static_cast<SlabCache&>(kc);
  cpu.spend(kFastPathCycles);
  const std::uint32_t id = slab_of(addr);
  SlabSlab& s = slabs_[id];
  s.live.set(obj_index(s, c, addr), false);
  cpu.read(pa_.page_desc(s.pfn), 8);  // virt_to_cache / virt_to_slab
  if (s.node != cpu.node()) ++c.stats.remote_frees;
  // __cache_free: a remote node's object goes to the alien cache.
  if (c.node.size() > 1 && cache_free_alien(cpu, c, addr, s.node)) return;
  ArrayCache& ac = c.array[cpu.id()];
  cpu.read(ac.addr + ArrayCacheLayout::avail, 16);
  if (ac.limit == 0) {  // limit 0: straight back to the slab, under the list_lock
    SlabNode& n = c.node[cpu.node()];
    cpu.lock(*n.list_lock);
    free_block(cpu, c, &addr, 1, cpu.node());
    cpu.unlock(*n.list_lock);
    return;
  }
  if (ac.avail >= ac.limit)
    cache_flusharray(cpu, c, ac);
  else
    ++c.stats.free_fastpath;
  cpu.write(ac.entry_addr(ac.avail), 8);
  ac.entry[ac.avail++] = addr;
  cpu.write(ac.addr + ArrayCacheLayout::avail, 8);
}

bool Slab::cache_free_alien(sim::Cpu& cpu, SlabCache& c, VirtAddr obj, sim::NodeId slab_node) {
  const sim::NodeId node = cpu.node();
  if (slab_node == node) return false;
  SlabNode& l3 = c.node[node];
  ArrayCache* alien =
      node < c.node.size() && !l3.alien.empty() ? l3.alien[slab_node].get() : nullptr;
  if (alien) {
    cpu.lock(*alien->lock);
    if (alien->avail == alien->limit) {
      ++c.alien_overflow;
      drain_alien(cpu, c, *alien, slab_node);
    }
    cpu.write(alien->entry_addr(alien->avail), 8);
    alien->entry[alien->avail++] = obj;
    cpu.unlock(*alien->lock);
  } else {
    SlabNode& r = c.node[slab_node];
    cpu.lock(*r.list_lock);
    free_block(cpu, c, &obj, 1, slab_node);
    cpu.unlock(*r.list_lock);
  }
  return true;
}

// __drain_alien_cache: to the remote node's shared array, the rest freed there.
std::uint32_t Slab::drain_alien(sim::Cpu& cpu, SlabCache& c, ArrayCache& ac, sim::NodeId node) {
  if (!ac.avail) return 0;
  const std::uint32_t drained = ac.avail;
  SlabNode& r = c.node[node];
  cpu.lock(*r.list_lock);
  if (r.shared) transfer_objects(cpu, *r.shared, ac, ac.limit);
  free_block(cpu, c, ac.entry.data(), ac.avail, node);
  ac.avail = 0;
  cpu.write(ac.addr + ArrayCacheLayout::avail, 8);
  cpu.unlock(*r.list_lock);
  return drained;
}

// cache_flusharray: batchcount of the oldest entries to the shared array (as
// many as fit) or back to their slabs; the rest slide down.
void Slab::cache_flusharray(sim::Cpu& cpu, SlabCache& c, ArrayCache& ac) {
  std::uint32_t batch = ac.batchcount;
  const sim::NodeId node = cpu.node();
  SlabNode& n = c.node[node];
  cpu.lock(*n.list_lock);
  bool done = false;
  if (n.shared) {
    ArrayCache& sh = *n.shared;
    const std::uint32_t max = sh.limit - sh.avail;
    if (max) {
      batch = std::min(batch, max);
      for (std::uint32_t i = 0; i < batch; ++i) {
        cpu.read(ac.entry_addr(i), 8);
        cpu.write(sh.entry_addr(sh.avail + i), 8);
        sh.entry[sh.avail + i] = ac.entry[i];
      }
      sh.avail += batch;
      cpu.write(sh.addr + ArrayCacheLayout::avail, 8);
      done = true;
    }
  }
  if (!done) free_block(cpu, c, ac.entry.data(), batch, node);
  cpu.unlock(*n.list_lock);
  ac.avail -= batch;
  std::copy(ac.entry.begin() + batch, ac.entry.begin() + batch + ac.avail, ac.entry.begin());
  for (std::uint32_t i = 0; i < ac.avail; i += 8) cpu.write(ac.entry_addr(i), 64);  // memmove
}

// free_block: objects back to their slabs (the node's list_lock is held).
void Slab::free_block(sim::Cpu& cpu, SlabCache& c, const VirtAddr* objs, std::uint32_t nr,
                      sim::NodeId node) {
  SlabNode& n = c.node[node];
  const Charge ch{&cpu};
  const bool v6 = params_.flavour != Flavour::linux_2_6;
  for (std::uint32_t i = 0; i < nr; ++i) {
    const VirtAddr obj = objs[i];
    const std::uint32_t id = slab_of(obj);
    SlabSlab& s = slabs_[id];
    cpu.read(pa_.page_desc(s.pfn), 8);
    list_del_any(ch, n, id);
    slab_put_obj(cpu, c, s, obj_index(s, c, obj));
    ++n.free_objects;
    if (s.inuse == 0) {
      if (!v6 && n.free_objects > n.free_limit) {  // 2.6.32: destroyed at once
        n.free_objects -= c.g.num;
        slab_destroy(cpu, c, id);
      } else {
        list_add(ch, n.free, n.addr + SlabNodeLayout::slabs_free, id, false, SlabSlab::List::free);
      }
    } else {
      list_add(ch, n.partial, n.addr + SlabNodeLayout::slabs_partial, id, true,
               SlabSlab::List::partial);
    }
  }
  // 6.5: surplus free slabs go from the tail of slabs_free.
  while (v6 && n.free_objects > n.free_limit && n.free.tail != kNoSlabId) {
    const std::uint32_t id = n.free.tail;
    list_del(ch, n.free, n.addr + SlabNodeLayout::slabs_free, id);
    n.free_objects -= c.g.num;
    slab_destroy(cpu, c, id);
  }
}

// kmem_getpages: NR_SLAB_RECLAIMABLE for SLAB_RECLAIM_ACCOUNT caches.
ObjectAllocator::SlabAccount Slab::account_of(std::uint32_t owner) const {
  const std::uint32_t id = slabs_.id_of_owner(owner);
  if (id == kNoSlabIndex || slabs_[id].cache == kNoSlabId) return SlabAccount::none;
  return (caches_[slabs_[id].cache]->flags & SLAB_RECLAIM_ACCOUNT) ? SlabAccount::reclaimable
                                                                   : SlabAccount::unreclaimable;
}

ObjectAllocator::Lookup Slab::lookup(VirtAddr addr) const {
  Lookup l;
  const std::uint32_t id = slab_of(addr);
  if (id == kNoSlabId) return l;
  const SlabSlab& s = slabs_[id];
  const SlabCache& c = *caches_[s.cache];
  l.cache = const_cast<SlabCache*>(&c);
  const std::uint32_t obj =
      slab_object_index(pa_.pfn_to_phys(s.pfn) + s.s_mem, c.size, c.g.num, phys(addr));
  l.state = obj == kNoSlabIndex ? Lookup::interior
            : s.live.test(obj)  ? Lookup::live
                                : Lookup::free_object;
  return l;
}

std::uint64_t Slab::do_ksize(VirtAddr addr, const Lookup& l) const {
  if (l.state == Lookup::large) return kPageSize << l.order;
  (void)addr;
  // 2.6.32 ksize: obj_size(cachep) = buffer_size; 6.5: cachep->object_size.
  return params_.flavour == Flavour::linux_2_6 ? l.cache->size : l.cache->object_size;
}

// --- reaping, shrinking, destroying -------------------------------------------------

std::uint32_t Slab::drain_array(sim::Cpu& cpu, SlabCache& c, ArrayCache& ac, bool force,
                                sim::NodeId node) {
  cpu.read(ac.addr + ArrayCacheLayout::avail, 16);  // avail and touched, unlocked
  if (!ac.avail) return 0;
  if (ac.touched && !force) {
    ac.touched = false;
    cpu.write(ac.addr + ArrayCacheLayout::avail, 16);
    return 0;
  }
  SlabNode& n = c.node[node];
  cpu.lock(*n.list_lock);
  std::uint32_t tofree = force ? ac.avail : (ac.limit + 4) / 5;
  if (tofree > ac.avail) tofree = (ac.avail + 1) / 2;
  free_block(cpu, c, ac.entry.data(), tofree, node);
  ac.avail -= tofree;
  std::copy(ac.entry.begin() + tofree, ac.entry.begin() + tofree + ac.avail, ac.entry.begin());
  cpu.write(ac.addr + ArrayCacheLayout::avail, 8);
  cpu.unlock(*n.list_lock);
  return tofree;
}

std::uint32_t Slab::drain_freelist(sim::Cpu& cpu, SlabCache& c, sim::NodeId node,
                                   std::uint64_t tofree) {
  SlabNode& n = c.node[node];
  std::uint32_t freed = 0;
  while (freed < tofree && n.free.tail != kNoSlabId) {
    cpu.lock(*n.list_lock);
    const std::uint32_t id = n.free.tail;
    list_del(Charge{&cpu}, n.free, n.addr + SlabNodeLayout::slabs_free, id);
    n.free_objects -= c.g.num;
    cpu.unlock(*n.list_lock);
    slab_destroy(cpu, c, id);
    ++freed;
  }
  return freed;
}

// start_cpu_timer for every CPU, at once from the boot CPU (cpucache_init):
// the first run __round_jiffies_relative(HZ, cpu) away, so that the CPUs'
// passes are 3 jiffies apart.
void Slab::start_cpu_timers() {
  sim::Machine& m = pa_.machine();
  const sim::Cycles now = m.cpu(0).now();
  const std::uint32_t nodes = m.config().nodes;
  reap_node_.assign(m.cpus(), 0);
  for (sim::CpuId c = 0; c < m.cpus(); ++c) {
    // init_reap_node: the next online node after the CPU's own, wrapping.
    reap_node_[c] = (m.cpu(c).node() + 1) % nodes;
    reap_work_.emplace_back(*this);
    queue_reap_work(m.cpu(c), now, jiffies_.hz());
  }
}

// schedule_delayed_work_on(cpu, work, round_jiffies(j) relative to `now`).
// The work is deferrable in 6.5 (INIT_DEFERRABLE_WORK) but not in 2.6.32,
// whose start_cpu_timer uses INIT_DELAYED_WORK: an idle 2.6.32 CPU wakes for it.
void Slab::queue_reap_work(sim::Cpu& cpu, sim::Cycles now, std::uint64_t j) {
  const std::uint64_t delay = jiffies_.round_relative(j, now, cpu.id());
  cpu.queue_work(reap_work_[cpu.id()], jiffies_.due(now, delay),
                 params_.flavour != Flavour::linux_2_6);
}

void Slab::slab_reap_work(sim::Cpu& cpu) {
  cache_reap(cpu);
  // Set up the next iteration: round_jiffies_relative(REAPTIMEOUT_AC), on this CPU.
  queue_reap_work(cpu, cpu.now(), reaptimeout_ac(jiffies_.hz()));
}

// reap_alien: the alien cache of this CPU's reap node, if it has objects and
// its lock is free (spin_trylock_irq), goes home.
std::uint32_t Slab::reap_alien(sim::Cpu& cpu, SlabCache& c, SlabNode& n) {
  if (n.alien.empty()) return 0;  // one node: no alien caches
  const sim::NodeId r = reap_node_[cpu.id()];
  ArrayCache* a = n.alien[r].get();  // none for the own node
  if (!a) return 0;
  cpu.read(a->addr + ArrayCacheLayout::avail, 8);
  if (!a->avail || !cpu.trylock(*a->lock)) return 0;
  const std::uint32_t drained = drain_alien(cpu, c, *a, r);
  cpu.unlock(*a->lock);
  return drained;
}

// cache_reap. mutex_trylock(&slab_mutex) always succeeds here: whatever takes
// slab_mutex in the model (cache creation and destruction, tunable writes)
// is a whole operation, and work runs only between operations.
void Slab::cache_reap(sim::Cpu& cpu) {
  ++reap_events_.runs;
  const sim::NodeId node = cpu.node();
  const std::uint64_t node_timeout = reaptimeout_node(jiffies_.hz());
  for (auto& cp : caches_) {
    SlabCache& c = *cp;
    if (c.destroyed) continue;
    SlabNode& n = c.node[node];
    cpu.read(c.desc + SlabCacheLayout::cpu_cache, 8);
    reap_events_.objects_drained += reap_alien(cpu, c, n);
    reap_events_.objects_drained += drain_array(cpu, c, c.array[cpu.id()], false, node);
    cpu.read(n.addr + SlabNodeLayout::next_reap, 8);
    const std::uint64_t now = jiffies_.at(cpu.now());
    if (time_after(n.next_reap, now)) continue;
    n.next_reap = now + node_timeout;
    cpu.write(n.addr + SlabNodeLayout::next_reap, 8);
    if (n.shared) reap_events_.objects_drained += drain_array(cpu, c, *n.shared, false, node);
    if (n.free_touched) {
      n.free_touched = false;
    } else {
      const std::uint64_t num5 = 5ull * c.g.num;
      c.stats.reaped += drain_freelist(cpu, c, node, (n.free_limit + num5 - 1) / num5);
    }
  }
  // next_reap_node: once per pass, after every cache.
  reap_node_[cpu.id()] = (reap_node_[cpu.id()] + 1) % pa_.machine().config().nodes;
}

void Slab::cache_reap_now(sim::Cpu& cpu) {
  cache_reap(cpu);
}

int Slab::kmem_cache_shrink(sim::Cpu& cpu, KmemCache& kc) {
  // __cache_shrink: drain_cpu_caches, then every free slab.
  SlabCache& c = static_cast<SlabCache&>(kc);
  const sim::Machine& m = pa_.machine();
  for (sim::CpuId i = 0; i < m.cpus(); ++i)
    drain_array(cpu, c, c.array[i], true, pa_.machine().cpu(i).node());
  for (sim::NodeId n = 0; n < c.node.size(); ++n) {
    for (auto& a : c.node[n].alien)
      if (a && a->avail) {
        cpu.lock(*a->lock);
        drain_alien(cpu, c, *a, static_cast<sim::NodeId>(&a - c.node[n].alien.data()));
        cpu.unlock(*a->lock);
      }
  }
  int ret = 0;
  for (sim::NodeId n = 0; n < c.node.size(); ++n) {
    if (c.node[n].shared) drain_array(cpu, c, *c.node[n].shared, true, n);
    drain_freelist(cpu, c, n, ~0ull);
    ret += c.node[n].full.count || c.node[n].partial.count;
  }
  return ret ? 1 : 0;
}

void Slab::kmem_cache_destroy(sim::Cpu& cpu, KmemCache* kc) {
  if (!kc) return;
  SlabCache& c = static_cast<SlabCache&>(*kc);
  if (--c.refcount > 0) return;  // an alias went away
  if (kmem_cache_shrink(cpu, c) || c.in_use) {
    ++c.refcount;
    report(cpu, DiagKind::cache_busy, virt(c.desc), &c,
           "kmem_cache_destroy: Can't free all objects (" + std::to_string(c.in_use) + " in use)");
    return;
  }
  if (general_ready_)
    for (SlabNode& n : c.node)
      if (page_owner(virt(n.addr)) >= kFirstSlabOwner) kfree(cpu, virt(n.addr));
  if (cache_cache_ && &c != cache_cache_) kmem_cache_free(cpu, *cache_cache_, virt(c.desc));
  c.destroyed = true;
  unregister_cache(&c);
}

std::vector<SlabinfoRow> Slab::slabinfo_rows() const {
  // s_show: objects in per-CPU arrays count as active.
  std::vector<SlabinfoRow> out;
  for (const KmemCache* kc : slab_caches()) {
    const SlabCache& c = cache(*kc);
    SlabinfoRow r;
    r.name = c.name;
    r.objsize = c.size;
    r.objperslab = c.g.num;
    r.pagesperslab = 1u << c.g.order;
    r.limit = c.g.limit;
    r.batchcount = c.g.batchcount;
    r.shared = c.g.shared;
    for (const SlabNode& n : c.node) {
      r.active_objs += static_cast<std::uint64_t>(n.full.count) * c.g.num;
      for (std::uint32_t id = n.partial.head; id != kNoSlabId; id = slabs_[id].next)
        r.active_objs += slabs_[id].inuse;
      r.active_slabs += n.full.count + n.partial.count;
      r.num_slabs += n.full.count + n.partial.count + n.free.count;
      if (n.shared) r.shared_avail += n.shared->avail;
    }
    r.num_objs = r.num_slabs * c.g.num;
    out.push_back(std::move(r));
  }
  return out;
}

void Slab::check_invariants() const {
  auto fail = [](const SlabCache& c, const std::string& what) {
    throw std::logic_error("SLAB cache " + c.name + ": " + what);
  };
  for (const auto& cp : caches_) {
    const SlabCache& c = *cp;
    if (c.destroyed) continue;
    std::uint64_t user_live = 0, inuse = 0;
    std::uint64_t in_arrays = objects_above_slabs(c);
    for (const ArrayCache& ac : c.array) in_arrays += ac.avail;
    for (sim::NodeId nid = 0; nid < c.node.size(); ++nid) {
      const SlabNode& n = c.node[nid];
      if (n.shared) in_arrays += n.shared->avail;
      for (const auto& a : n.alien)
        if (a) in_arrays += a->avail;
      std::uint64_t free_objs = 0, slabs = 0;
      for (SlabSlab::List which :
           {SlabSlab::List::full, SlabSlab::List::partial, SlabSlab::List::free}) {
        const SlabList& l = which == SlabSlab::List::full      ? n.full
                            : which == SlabSlab::List::partial ? n.partial
                                                               : n.free;
        std::uint32_t count = 0;
        for (std::uint32_t id = l.head; id != kNoSlabId; id = slabs_[id].next, ++count) {
          const SlabSlab& s = slabs_[id];
          if (s.cache != c.id || s.list != which || s.node != nid)
            fail(c, "slab on the wrong list");
          std::uint32_t nfree = 0;
          std::vector<std::uint8_t> seen(c.g.num, 0);
          for (std::uint32_t o = s.free; o != kBufctlEnd; o = s.bufctl[o]) {
            if (o >= c.g.num || seen[o]) fail(c, "corrupt bufctl chain");
            seen[o] = 1;
            ++nfree;
            if (s.live.test(o)) fail(c, "a live object on the slab's free list");
          }
          if (nfree + s.inuse != c.g.num) fail(c, "inuse does not match the free list");
          if ((which == SlabSlab::List::full) != (s.inuse == c.g.num))
            fail(c, "full list mismatch");
          if ((which == SlabSlab::List::free) != (s.inuse == 0)) fail(c, "free list mismatch");
          for (std::uint32_t i = 0; i < c.g.num; ++i) user_live += s.live.test(i);
          inuse += s.inuse;
          free_objs += nfree;
          ++slabs;
        }
        if (count != l.count) fail(c, "list count is wrong");
      }
      if (free_objs != n.free_objects) fail(c, "free_objects accounting error");
      if (slabs != n.total_slabs) fail(c, "total_slabs accounting error");
    }
    if (user_live != c.in_use) fail(c, "objects in use do not match the live objects");
    if (inuse != user_live + in_arrays)
      fail(c, "objects allocated from slabs are neither with users nor in an array cache");
  }
}

}  // namespace allocsim::model
