// linux-6.18 SLUB per-CPU sheaves and per-node barns (mm/slub.c, "SLUB percpu
// sheaves" v8, merged for 6.18): alloc_from_pcs, free_to_pcs and the sheaf
// and barn helpers under them. The per-CPU slab machinery of 6.8 stays
// underneath: sheaves are refilled and flushed through it.
#include <algorithm>
#include <bit>

#include "model/kernel_math.hpp"
#include "model/slub.hpp"

namespace allocsim::model {

namespace {
constexpr sim::Cycles kSheafPathCycles = 4;  // trylock, the size check and the pointer move
constexpr SlabFlags kSlabDebugFlags =
    SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_CONSISTENCY_CHECKS;
}  // namespace

unsigned slub_sheaf_capacity(Flavour f, SlubSheaves mode, SlabFlags flags, std::uint32_t size,
                             unsigned requested, bool bootstrap) {
  if (f != Flavour::linux_6_18 || mode == SlubSheaves::none || (flags & kSlabDebugFlags)) return 0;
  if (mode == SlubSheaves::opt_in) return requested;  // do_kmem_cache_create (6.18)
  if (bootstrap || (flags & SLAB_NOLEAKTRACE)) return 0;
  // calculate_sheaf_capacity (7.0): about half the cpu_partial objects, as
  // there are two per-CPU sheaves, then what fills the sheaf's kmalloc bucket.
  const unsigned base = size >= kPageSize ? 4 : size >= 1024 ? 12 : size >= 256 ? 26 : 60;
  const std::uint32_t bytes = SlabSheafLayout::bytes(base);
  const std::uint32_t bucket = std::max<std::uint32_t>(64, std::bit_ceil(bytes));
  const unsigned filled = (bucket - SlabSheafLayout::objects) / 8;
  return std::max(filled, requested);
}

void Slub::set_live(VirtAddr addr, bool live) {
  SlubSlab& sl = slabs_[slabs_.id_of_owner(page_owner(addr))];
  const SlubCache& s = *caches_[sl.cache];
  sl.live.set(static_cast<std::uint32_t>((phys(addr) - pa_.pfn_to_phys(sl.pfn)) / s.size), live);
}

// alloc_empty_sheaf: kzalloc(struct_size(sheaf, objects, capacity)). Sheaf
// memory bypasses sheaves of its own kmalloc cache (`all` mode), which the
// kernel arranges with its bootstrap sheaf.
std::uint32_t Slub::alloc_empty_sheaf(sim::Cpu& cpu, SlubCache& s, Gfp gfp) {
  bypass_sheaves_ = true;
  const VirtAddr va = kzalloc(cpu, SlabSheafLayout::bytes(s.g.sheaf_capacity), gfp);
  bypass_sheaves_ = false;
  if (!va) return kNoSheaf;
  std::uint32_t i;
  if (!s.free_sheaf_slots.empty()) {
    i = s.free_sheaf_slots.back();
    s.free_sheaf_slots.pop_back();
  } else {
    i = static_cast<std::uint32_t>(s.sheaf_pool.size());
    s.sheaf_pool.emplace_back();
    s.sheaf_pool.back().objects.resize(s.g.sheaf_capacity);
  }
  SlubSheaf& sh = s.sheaf_pool[i];
  sh.va = va;
  sh.addr = phys(va);
  sh.size = 0;
  ++s.sheaf_stats.sheaf_alloc;
  return i;
}

void Slub::free_empty_sheaf(sim::Cpu& cpu, SlubCache& s, std::uint32_t i) {
  SlubSheaf& sh = s.sheaf_pool[i];
  bypass_sheaves_ = true;
  kfree(cpu, sh.va);
  bypass_sheaves_ = false;
  sh.va = VirtAddr{};
  s.free_sheaf_slots.push_back(i);
  ++s.sheaf_stats.sheaf_free;
}

// refill_sheaf: bulk allocation from the slabs up to capacity; all or nothing.
bool Slub::refill_sheaf(sim::Cpu& cpu, SlubCache& s, std::uint32_t i, Gfp gfp) {
  SlubSheaf& sh = s.sheaf_pool[i];
  const std::uint32_t start = sh.size;
  while (sh.size < s.g.sheaf_capacity) {
    const VirtAddr obj = slab_alloc_node(cpu, s, gfp, -1);
    if (!obj) {  // __kmem_cache_alloc_bulk frees what it got
      while (sh.size > start) {
        const VirtAddr o = sh.objects[--sh.size];
        do_slab_free(cpu, s, o);
      }
      return false;
    }
    set_live(obj, false);  // in a sheaf: allocated for the slab, not held by a user
    cpu.write(sh.addr + SlabSheafLayout::objects + 8 * sh.size, 8);
    sh.objects[sh.size++] = obj;
  }
  cpu.write(sh.addr + SlabSheafLayout::size, 4);
  s.sheaf_stats.sheaf_refill += sh.size - start;
  return true;
}

// sheaf_flush_unused / sheaf_flush_main: objects back to their slabs (the
// main sheaf in PCS_BATCH_MAX batches from its end, each under the local lock).
void Slub::flush_sheaf(sim::Cpu& cpu, SlubCache& s, std::uint32_t i) {
  SlubSheaf& sh = s.sheaf_pool[i];
  s.sheaf_stats.sheaf_flush += sh.size;
  while (sh.size) {
    const std::uint32_t batch = std::min(sh.size, kPcsBatchMax);
    for (std::uint32_t k = 0; k < batch; ++k) {
      const VirtAddr o = sh.objects[--sh.size];
      cpu.read(sh.addr + SlabSheafLayout::objects + 8 * sh.size, 8);
      do_slab_free(cpu, s, o);
    }
    cpu.write(sh.addr + SlabSheafLayout::size, 4);
  }
}

SlubBarn& Slub::barn_of(SlubCache& s, sim::Cpu& cpu) {
  return s.barn[std::min<std::size_t>(cpu.node(), s.barn.size() - 1)];
}

// Barn list moves under the barn's spinlock (taken irqsave in the kernel).
void Slub::barn_lock(sim::Cpu& cpu, SlubBarn& b) {
  cpu.read(b.addr + NodeBarnLayout::nr_full, 8);  // the racy nr_full/nr_empty check first
  cpu.lock(*b.lock);
}

// The head of a barn list, taken under the lock (re-checked there: another
// CPU may have emptied it while this one waited); kNoSheaf if empty.
std::uint32_t Slub::barn_take(sim::Cpu& cpu, SlubCache& s, SlubBarn& b, bool full) {
  std::vector<std::uint32_t>& list = full ? b.full : b.empty;
  if (list.empty()) return kNoSheaf;  // the racy check: no lock taken
  barn_lock(cpu, b);
  if (list.empty()) {
    cpu.unlock(*b.lock);
    return kNoSheaf;
  }
  const std::uint32_t i = list.back();
  list.pop_back();
  barn_move(cpu, b, s.sheaf_pool[i],
            full ? NodeBarnLayout::sheaves_full : NodeBarnLayout::sheaves_empty);
  cpu.unlock(*b.lock);
  return i;
}

void Slub::barn_put(sim::Cpu& cpu, SlubCache& s, SlubBarn& b, std::uint32_t i, bool full) {
  barn_lock(cpu, b);
  (full ? b.full : b.empty).push_back(i);
  barn_move(cpu, b, s.sheaf_pool[i],
            full ? NodeBarnLayout::sheaves_full : NodeBarnLayout::sheaves_empty);
  cpu.unlock(*b.lock);
}

void Slub::barn_move(sim::Cpu& cpu, SlubBarn& b, const SlubSheaf& sh, std::uint32_t list) {
  cpu.rmw(b.addr + list, 16);  // list_add / list_del at the head
  cpu.rmw(sh.addr + SlabSheafLayout::barn_list, 16);
  cpu.rmw(b.addr + NodeBarnLayout::nr_full, 8);  // nr_full / nr_empty
}

// __pcs_replace_empty_main: main is empty. True when main has objects again.
bool Slub::pcs_replace_empty_main(sim::Cpu& cpu, SlubCache& s, SlubPcs& pcs, Gfp gfp) {
  if (pcs.spare != kNoSheaf && s.sheaf_pool[pcs.spare].size) {
    std::swap(pcs.main, pcs.spare);
    cpu.write(pcs.addr + SlubPercpuSheavesLayout::main, 16);
    return true;
  }
  SlubBarn& b = barn_of(s, cpu);
  // barn_replace_empty_sheaf: a full sheaf for the empty main.
  const std::uint32_t full = barn_take(cpu, s, b, true);
  if (full != kNoSheaf) {
    barn_put(cpu, s, b, pcs.main, false);
    pcs.main = full;
    cpu.write(pcs.addr + SlubPercpuSheavesLayout::main, 8);
    ++s.sheaf_stats.barn_get;
    return true;
  }
  ++s.sheaf_stats.barn_get_fail;
  if (!gfp_traits(params_.flavour, gfp).direct_reclaim) return false;  // gfpflags_allow_blocking
  std::uint32_t fill = kNoSheaf;
  if (pcs.spare != kNoSheaf) {  // empty here
    fill = pcs.spare;
    pcs.spare = kNoSheaf;
    cpu.write(pcs.addr + SlubPercpuSheavesLayout::spare, 8);
  } else {
    fill = barn_take(cpu, s, b, false);                           // barn_get_empty_sheaf
    if (fill == kNoSheaf) fill = alloc_empty_sheaf(cpu, s, gfp);  // alloc_full_sheaf
    if (fill == kNoSheaf) return false;
  }
  if (!refill_sheaf(cpu, s, fill, gfp)) {
    free_empty_sheaf(cpu, s, fill);  // the kernel frees it rather than keep it
    return false;
  }
  // Install: the empty main goes to the barn's empty list (no limit checked).
  barn_put(cpu, s, b, pcs.main, false);
  pcs.main = fill;
  cpu.write(pcs.addr + SlubPercpuSheavesLayout::main, 8);
  return true;
}

// alloc_from_pcs: the last pointer of main (LIFO). 0: take the slab path.
VirtAddr Slub::alloc_from_pcs(sim::Cpu& cpu, SlubCache& s, Gfp gfp, int node) {
  if (node >= 0 && static_cast<sim::NodeId>(node) != cpu.node()) return {};  // remote: bypass
  SlubPcs& pcs = s.pcs[cpu.id()];
  cpu.spend(kSheafPathCycles);
  cpu.read(s.desc + SlubCacheLayout::cpu_slab, 8);         // s->cpu_sheaves
  cpu.read(pcs.addr + SlubPercpuSheavesLayout::lock, 16);  // local_trylock, pcs->main
  SlubSheaf* main = &s.sheaf_pool[pcs.main];
  cpu.read(main->addr + SlabSheafLayout::size, 4);
  if (main->size == 0) {
    if (!pcs_replace_empty_main(cpu, s, pcs, gfp)) return {};
    main = &s.sheaf_pool[pcs.main];
  }
  const VirtAddr obj = main->objects[--main->size];
  cpu.read(main->addr + SlabSheafLayout::objects + 8 * main->size, 8);
  cpu.write(main->addr + SlabSheafLayout::size, 4);
  set_live(obj, true);
  ++s.sheaf_stats.alloc_cpu_sheaf;
  return obj;
}

// __pcs_replace_full_main: main is full. False: free to the slab instead.
bool Slub::pcs_replace_full_main(sim::Cpu& cpu, SlubCache& s, SlubPcs& pcs) {
  SlubBarn& b = barn_of(s, cpu);
  const Gfp nowait = gfp_nowait_;
  {
    std::uint32_t empty = kNoSheaf;
    if (pcs.spare == kNoSheaf) {
      empty = barn_take(cpu, s, b, false);  // barn_get_empty_sheaf
      if (empty != kNoSheaf) {
        pcs.spare = pcs.main;
        pcs.main = empty;
        cpu.write(pcs.addr + SlubPercpuSheavesLayout::main, 16);
        return true;
      }
    } else if (s.sheaf_pool[pcs.spare].size < s.g.sheaf_capacity) {
      std::swap(pcs.main, pcs.spare);
      cpu.write(pcs.addr + SlubPercpuSheavesLayout::main, 16);
      return true;
    } else if (b.full.size() >= kMaxFullSheaves) {
      // barn_replace_full_sheaf: -E2BIG. The full spare is flushed and reused.
      ++s.sheaf_stats.barn_put_fail;
      empty = pcs.spare;
      pcs.spare = kNoSheaf;
      flush_sheaf(cpu, s, empty);
      pcs.spare = pcs.main;
      pcs.main = empty;
      cpu.write(pcs.addr + SlubPercpuSheavesLayout::main, 16);
      return true;
    } else if ((empty = barn_take(cpu, s, b, false)) != kNoSheaf) {
      barn_put(cpu, s, b, pcs.main, true);  // barn_replace_full_sheaf
      pcs.main = empty;
      cpu.write(pcs.addr + SlubPercpuSheavesLayout::main, 8);
      ++s.sheaf_stats.barn_put;
      return true;
    } else {
      ++s.sheaf_stats.barn_put_fail;  // -ENOMEM: no empty sheaf in the barn
    }
    // No empty sheaf anywhere: allocate one (GFP_NOWAIT), else flush main.
    empty = alloc_empty_sheaf(cpu, s, nowait);
    if (empty != kNoSheaf) {
      // __pcs_install_empty_sheaf
      if (pcs.spare == kNoSheaf) {
        pcs.spare = pcs.main;
      } else {  // the full main goes to the barn, limits ignored
        barn_put(cpu, s, b, pcs.main, true);
        ++s.sheaf_stats.barn_put;
      }
      pcs.main = empty;
      cpu.write(pcs.addr + SlubPercpuSheavesLayout::main, 16);
      return true;
    }
    flush_sheaf(cpu, s, pcs.main);  // sheaf_flush_main
    return true;
  }
}

// free_to_pcs: append to main, replacing a full one first.
bool Slub::free_to_pcs(sim::Cpu& cpu, SlubCache& s, VirtAddr addr) {
  SlubPcs& pcs = s.pcs[cpu.id()];
  cpu.spend(kSheafPathCycles);
  cpu.read(s.desc + SlubCacheLayout::cpu_slab, 8);
  cpu.read(pcs.addr + SlubPercpuSheavesLayout::lock, 16);
  cpu.read(s.sheaf_pool[pcs.main].addr + SlabSheafLayout::size, 4);
  if (s.sheaf_pool[pcs.main].size == s.g.sheaf_capacity && !pcs_replace_full_main(cpu, s, pcs))
    return false;
  SlubSheaf& main = s.sheaf_pool[pcs.main];
  cpu.write(main.addr + SlabSheafLayout::objects + 8 * main.size, 8);
  main.objects[main.size++] = addr;
  cpu.write(main.addr + SlabSheafLayout::size, 4);
  ++s.sheaf_stats.free_cpu_sheaf;
  return true;
}

// kfree_rcu_sheaf (mm/slab_common.c, 6.18): only an object of a cache with
// sheaves whose slab is on this CPU's node; remote objects take the common
// kvfree_rcu path without a count.
bool Slub::kfree_rcu_sheaf(sim::Cpu& cpu, KmemCache& kc, VirtAddr addr) {
  SlubCache& s = static_cast<SlubCache&>(kc);
  if (s.pcs.empty()) return false;
  const SlubSlab& sl = slabs_[slabs_.id_of_owner(page_owner(addr))];
  cpu.read(slab_desc(sl) + SlubSlabLayout::head, 8);  // virt_to_folio, slab->slab_cache
  if (sl.node != cpu.node()) return false;
  // __kfree_rcu_sheaf: without an rcu_free sheaf, an empty spare becomes
  // it, else an empty sheaf from the barn, else a new one (GFP_NOWAIT).
  SlubPcs& pcs = s.pcs[cpu.id()];
  cpu.spend(kSheafPathCycles);
  cpu.read(s.desc + SlubCacheLayout::cpu_slab, 8);  // s->cpu_sheaves
  cpu.read(pcs.addr + SlubPercpuSheavesLayout::lock, 8);
  cpu.read(pcs.addr + SlubPercpuSheavesLayout::rcu_free, 8);
  if (pcs.rcu_free == kNoSheaf) {
    std::uint32_t empty = kNoSheaf;
    if (pcs.spare != kNoSheaf) cpu.read(s.sheaf_pool[pcs.spare].addr + SlabSheafLayout::size, 4);
    if (pcs.spare != kNoSheaf && s.sheaf_pool[pcs.spare].size == 0) {
      empty = pcs.spare;
      pcs.spare = kNoSheaf;
      cpu.write(pcs.addr + SlubPercpuSheavesLayout::spare, 16);  // spare and rcu_free
    } else {
      empty = barn_take(cpu, s, barn_of(s, cpu), false);  // barn_get_empty_sheaf
      if (empty == kNoSheaf) empty = alloc_empty_sheaf(cpu, s, gfp_nowait_);
      if (empty == kNoSheaf) {
        ++s.sheaf_stats.free_rcu_sheaf_fail;
        return false;
      }
      cpu.write(pcs.addr + SlubPercpuSheavesLayout::rcu_free, 8);
    }
    pcs.rcu_free = empty;
    s.sheaf_pool[empty].rcu = true;
  }
  const std::uint32_t i = pcs.rcu_free;
  SlubSheaf& sh = s.sheaf_pool[i];
  cpu.write(sh.addr + SlabSheafLayout::objects + 8 * sh.size, 8);
  sh.objects[sh.size++] = addr;
  cpu.write(sh.addr + SlabSheafLayout::size, 4);
  if (sh.size == s.g.sheaf_capacity) {  // full: off to RCU, the next kfree_rcu starts another
    pcs.rcu_free = kNoSheaf;
    cpu.write(pcs.addr + SlubPercpuSheavesLayout::rcu_free, 8);
    sh.node = cpu.node();  // numa_mem_id()
    cpu.write(sh.addr + SlabSheafLayout::node, 4);
    submit_rcu_sheaf(cpu, s, i, true);
  }
  ++s.sheaf_stats.free_rcu_sheaf;
  return true;
}

void Slub::submit_rcu_sheaf(sim::Cpu& cpu, SlubCache& s, std::uint32_t i, bool to_barn) {
  rcu_->call_rcu(cpu, s.sheaf_pool[i].addr + SlabSheafLayout::rcu_head, rcu_sheaf_cb_, s.id,
                 i | std::uint64_t{to_barn} << 32);
}

void Slub::RcuSheafCb::invoke(sim::Cpu& cpu, std::uint64_t a, std::uint64_t b) {
  slub.rcu_free_sheaf(cpu, *slub.caches_[a], static_cast<std::uint32_t>(b), (b >> 32) != 0);
}

// rcu_free_sheaf: after the grace period the objects are freed
// (__rcu_free_sheaf_prepare runs the free hooks) but stay in the sheaf, which
// goes to its node's barn as a full sheaf unless the barn holds
// MAX_FULL_SHEAVES (racy check, no re-check under the lock); then it is
// flushed to the slabs and kept as an empty one below MAX_EMPTY_SHEAVES, else
// freed. rcu_free_sheaf_nobarn (a flush's rcu_free sheaf): flushed and freed.
void Slub::rcu_free_sheaf(sim::Cpu& cpu, SlubCache& s, std::uint32_t i, bool to_barn) {
  SlubSheaf& sh = s.sheaf_pool[i];
  sh.rcu = false;
  for (std::uint32_t k = 0; k < sh.size;) {
    cpu.read(sh.addr + SlabSheafLayout::objects + 8 * k, 8);
    const VirtAddr obj = sh.objects[k];
    if (classify(obj).state != Lookup::live) {
      // kfree_rcu'ed twice into this sheaf: slab_free_hook refuses it and
      // __rcu_free_sheaf_prepare drops it (p[i] = p[--size]).
      report(cpu, DiagKind::double_free, obj, &s, "kfree_rcu of an object already freed");
      sh.objects[k] = sh.objects[--sh.size];
      cpu.write(sh.addr + SlabSheafLayout::size, 4);
      continue;
    }
    set_live(obj, false);
    rcu_batch_freed(cpu, s, obj);
    ++k;
  }
  if (!to_barn) {
    flush_sheaf(cpu, s, i);
    free_empty_sheaf(cpu, s, i);
    return;
  }
  SlubBarn& b = s.barn[std::min<std::size_t>(sh.node, s.barn.size() - 1)];
  cpu.read(b.addr + NodeBarnLayout::nr_full, 8);  // data_race(barn->nr_full)
  // A sheaf the free hooks shortened still counts as full, unless emptied.
  if (sh.size && b.full.size() < kMaxFullSheaves) {
    ++s.sheaf_stats.barn_put;
    barn_put(cpu, s, b, i, true);
    return;
  }
  if (sh.size) {
    ++s.sheaf_stats.barn_put_fail;
    flush_sheaf(cpu, s, i);  // sheaf_flush_unused
  }
  if (b.empty.size() < kMaxEmptySheaves) {
    barn_put(cpu, s, b, i, false);
    return;
  }
  free_empty_sheaf(cpu, s, i);
}

// init_percpu_sheaves and init_kmem_cache_nodes: an empty main sheaf for
// every CPU, a barn (kmalloc-64) per node.
void Slub::init_sheaves(sim::Cpu& cpu, SlubCache& s) {
  if (!s.g.sheaf_capacity || !s.pcs.empty()) return;
  const sim::Machine& m = pa_.machine();
  s.pcs.resize(m.cpus());
  for (sim::CpuId c = 0; c < m.cpus(); ++c) {
    s.pcs[c].addr = percpu_alloc(cpu, c, SlubPercpuSheavesLayout::size, 8);
    s.pcs[c].main = alloc_empty_sheaf(cpu, s, gfp_kernel_);
  }
  s.barn.resize(s.node.size());
  for (sim::NodeId n = 0; n < s.barn.size(); ++n) {
    SlubBarn& b = s.barn[n];
    bypass_sheaves_ = true;
    b.va = kmalloc(cpu, NodeBarnLayout::bytes, gfp_kernel_, static_cast<int>(n));
    bypass_sheaves_ = false;
    b.addr = phys(b.va);
    b.full.reserve(kMaxFullSheaves * 2);
    b.empty.reserve(kMaxEmptySheaves * 2 + m.cpus());
    b.lock = std::make_unique<sim::SpinLock>(
        pa_.machine().make_lock(b.addr + NodeBarnLayout::lock, "node_barn.lock"));
  }
}

// pcs_flush_all and barn_shrink (flush_all, kmem_cache_shrink, destroy): the
// objects of every sheaf go back to their slabs; spares and barn sheaves are
// freed, each CPU keeps its (empty) main.
void Slub::flush_sheaves(sim::Cpu& cpu, SlubCache& s, bool free_main) {
  for (SlubPcs& pcs : s.pcs) {
    // pcs_flush_all: a partly filled rcu_free sheaf goes to RCU now, to be
    // flushed and freed after the grace period (rcu_free_sheaf_nobarn).
    if (pcs.rcu_free != kNoSheaf) {
      submit_rcu_sheaf(cpu, s, pcs.rcu_free, false);
      pcs.rcu_free = kNoSheaf;
    }
    if (pcs.spare != kNoSheaf) {
      flush_sheaf(cpu, s, pcs.spare);
      free_empty_sheaf(cpu, s, pcs.spare);
      pcs.spare = kNoSheaf;
    }
    flush_sheaf(cpu, s, pcs.main);
    if (free_main) {
      free_empty_sheaf(cpu, s, pcs.main);
      pcs.main = kNoSheaf;
    }
  }
  for (SlubBarn& b : s.barn) {
    // Taken off the barn first: flushing waits for locks, and other CPUs may
    // meanwhile put sheaves back (they stay for the next shrink).
    for (bool full : {true, false})
      for (std::uint32_t i; (i = barn_take(cpu, s, b, full)) != kNoSheaf;) {
        flush_sheaf(cpu, s, i);
        free_empty_sheaf(cpu, s, i);
      }
  }
}

std::uint64_t Slub::sheaf_objects(const SlubCache& s) const {
  std::uint64_t n = 0;
  for (const SlubSheaf& sh : s.sheaf_pool)
    if (sh.va && !sh.rcu) n += sh.size;
  return n;
}

std::uint64_t Slub::sheaf_bytes(const SlubCache& s) const {
  std::uint64_t n = 0;
  for (const SlubSheaf& sh : s.sheaf_pool)
    if (sh.va) n += ksize(sh.va);
  for (const SlubBarn& b : s.barn) n += ksize(b.va);
  return n;
}

const SheafStats* Slub::sheaf_stats(const KmemCache& c) const {
  const SlubCache& s = cache(c);
  return s.g.sheaf_capacity ? &s.sheaf_stats : nullptr;
}

SheafUsage Slub::sheaf_usage(const KmemCache& c) const {
  const SlubCache& s = cache(c);
  SheafUsage u{sheaf_objects(s), sheaf_bytes(s), 0, 0};
  for (const SlubBarn& b : s.barn) {
    u.barn_full += b.full.size();
    u.barn_empty += b.empty.size();
  }
  return u;
}

}  // namespace allocsim::model
