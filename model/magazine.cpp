#include "model/magazine.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "model/kernel_math.hpp"

namespace allocsim::model {

namespace {
constexpr sim::Cycles kFastPathCycles = 6;  // as SLAB's
constexpr sim::Cycles kSlowPathCycles = 60;
// kmem_cpu_cache_t as the model lays it out: cc_lock, then cc_loaded,
// cc_rounds, cc_ploaded, cc_prounds; one cache line per CPU.
constexpr std::uint32_t kCpuCacheLock = 0, kCpuCacheMags = 8, kCpuCacheMagsBytes = 24;
constexpr std::uint32_t kCpuCacheBytes = 64;
// The depot: cache_depot_lock, cache_full.ml_list, cache_empty.ml_list.
constexpr std::uint32_t kDepotLock = 0, kDepotFull = 8, kDepotEmpty = 16;
}  // namespace

std::unique_ptr<ObjectAllocator> make_magazine(PageAllocator& pa, Highmem& hm,
                                               const ObjectAllocatorConfig& cfg,
                                               DiagnosticLog& diag) {
  return std::make_unique<Magazine>(pa, hm, cfg, diag);
}

Magazine::Magazine(PageAllocator& pa, Highmem& hm, const ObjectAllocatorConfig& cfg,
                   DiagnosticLog& diag)
    : Slab(pa, hm, cfg, diag) {
  if (cfg.magazine_rounds > kMaxMagazineRounds)
    throw std::invalid_argument("magazine_rounds must be between 1 and " +
                                std::to_string(kMaxMagazineRounds));
  word_ = bytes_per_word(pa.machine().config().arch);
  gfp_nowait_ = parse_gfp(pa.flavour(), "GFP_NOWAIT");
  sim::Cpu& boot = pa.machine().cpu(0);
  // SLAB's boot ran with its per-CPU arrays; the magazine layer takes their
  // place, so they go back to the slabs and stay empty.
  for (auto& c : caches_) Slab::kmem_cache_shrink(boot, *c);
  for (auto& c : caches_) setup_magazines(boot, *c);
  // kmem_cache_init: a magazine cache per magazine type (one for a fixed M).
  if (cfg.magazine_rounds)
    magazine_cache(boot, cfg.magazine_rounds);
  else
    for (const MagazineType& t : kMagazineTypes) magazine_cache(boot, t.rounds);
  for (std::size_t i = 0; i < mag_.size(); ++i)  // by index: magazine_cache() may grow mag_
    if (mag_[i].rounds) mag_[i].magazine_cache = magazine_cache(boot, mag_[i].rounds);
}

KmemCache* Magazine::magazine_cache(sim::Cpu& cpu, std::uint32_t rounds) {
  for (const auto& [r, c] : magazine_caches_)
    if (r == rounds) return c;
  // kmem_magazine_<M>: mag_next and M rounds, mt_align aligned.
  SlabCache* c = create_cache(cpu, "kmem_magazine_" + std::to_string(rounds), (rounds + 1) * word_,
                              magazine_align(rounds), 0, false, false);
  c->merge_target = false;
  if (mag_.size() <= c->id) mag_.resize(c->id + 1);
  mag_[c->id].ready = true;  // rounds 0: magazines come from the slab layer
  magazine_caches_.emplace_back(rounds, c);
  return c;
}

void Magazine::setup_magazines(sim::Cpu& cpu, SlabCache& c) {
  if (mag_.size() <= c.id) mag_.resize(c.id + 1);
  MagazineCache& m = mag_[c.id];
  if (m.ready) return;
  m.ready = true;
  // kmem_cache_create: cache_magtype by chunk size, or kernel.magazine_rounds.
  m.rounds = cfg_.magazine_rounds ? cfg_.magazine_rounds : magazine_type_for(c.size).rounds;
  const sim::Machine& machine = pa_.machine();
  m.cpu.resize(machine.cpus());
  for (sim::CpuId i = 0; i < machine.cpus(); ++i)
    m.cpu[i].addr = percpu_alloc(cpu, i, kCpuCacheBytes, kCpuCacheBytes);
  m.depot = meta_alloc(cpu, 0, 64);
  m.depot_lock = std::make_unique<sim::SpinLock>(
      pa_.machine().make_lock(m.depot + kDepotLock, "kmem_cache.cache_depot_lock"));
  for (const auto& [r, mc] : magazine_caches_)
    if (r == m.rounds) m.magazine_cache = mc;
}

KmemCache* Magazine::kmem_cache_create(sim::Cpu& cpu, std::string_view name, std::uint32_t size,
                                       std::uint32_t align, SlabFlags flags, bool ctor) {
  KmemCache* k = Slab::kmem_cache_create(cpu, name, size, align, flags, ctor);
  if (k) {
    SlabCache& c = static_cast<SlabCache&>(*k);
    setup_magazines(cpu, c);
    MagazineCache& m = mag_[c.id];
    if (m.rounds && !m.magazine_cache) m.magazine_cache = magazine_cache(cpu, m.rounds);
  }
  return k;
}

// --- the slab layer --------------------------------------------------------------

VirtAddr Magazine::slab_alloc(sim::Cpu& cpu, SlabCache& c, Gfp gfp, sim::NodeId node) {
  ++c.stats.refills;
  ++mag_[c.id].slab_allocs;
  cpu.spend(kSlowPathCycles);
  return cache_alloc_node(cpu, c, gfp, node);
}

// kmem_slab_free: the object back to its slab, under its node's list_lock.
void Magazine::slab_free(sim::Cpu& cpu, SlabCache& c, VirtAddr obj) {
  ++mag_[c.id].slab_frees;
  const sim::NodeId node = slabs_[slab_of(obj)].node;
  SlabNode& n = c.node[node];
  cpu.lock(*n.list_lock);
  free_block(cpu, c, &obj, 1, node);
  cpu.unlock(*n.list_lock);
}

// --- the depot ---------------------------------------------------------------------

// kmem_depot_alloc: the top magazine of the full or empty list.
std::uint32_t Magazine::depot_alloc(sim::Cpu& cpu, MagazineCache& m, bool full) {
  const sim::PhysAddr head = m.depot + (full ? kDepotFull : kDepotEmpty);
  cpu.lock(*m.depot_lock);
  cpu.read(head, 8);
  std::uint32_t& top = full ? m.full : m.empty;
  const std::uint32_t id = top;
  if (id != kNoMagazine) {
    KmemMagazine& mg = mags_[id];
    cpu.read(phys(mg.addr), word_);  // mag_next
    top = mg.next;
    mg.next = kNoMagazine;
    cpu.write(head, 8);
    if (full) {
      --m.nfull;
      ++m.full_taken;
    } else {
      --m.nempty;
      ++m.empty_taken;
    }
  }
  cpu.unlock(*m.depot_lock);
  return id;
}

// kmem_depot_free: a magazine onto the full or empty list.
void Magazine::depot_free(sim::Cpu& cpu, MagazineCache& m, std::uint32_t id, bool full) {
  const sim::PhysAddr head = m.depot + (full ? kDepotFull : kDepotEmpty);
  cpu.lock(*m.depot_lock);
  cpu.read(head, 8);
  std::uint32_t& top = full ? m.full : m.empty;
  KmemMagazine& mg = mags_[id];
  mg.next = top;
  cpu.write(phys(mg.addr), word_);
  top = id;
  cpu.write(head, 8);
  ++(full ? m.nfull : m.nempty);
  cpu.unlock(*m.depot_lock);
}

// kmem_cpu_reload: `mag` becomes the loaded magazine, the loaded one the previous.
void Magazine::reload(sim::Cpu& cpu, MagazineCpu& cc, std::uint32_t mag, int rounds) {
  cc.prev = cc.loaded;
  cc.prounds = cc.rounds;
  cc.loaded = mag;
  cc.rounds = rounds;
  cpu.write(cc.addr + kCpuCacheMags, kCpuCacheMagsBytes);
}

// An empty magazine from the magazine cache (KM_NOSLEEP); kNoMagazine if none.
std::uint32_t Magazine::new_magazine(sim::Cpu& cpu, MagazineCache& m) {
  const VirtAddr addr = kmem_cache_alloc(cpu, *m.magazine_cache, gfp_nowait_);
  if (!addr) return kNoMagazine;
  std::uint32_t id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {
    id = static_cast<std::uint32_t>(mags_.size());
    mags_.emplace_back();
  }
  KmemMagazine& mg = mags_[id];
  mg.addr = addr;
  mg.round.assign(m.rounds, VirtAddr{});
  mg.next = kNoMagazine;
  ++m.magazines_allocated;
  return id;
}

// --- allocation and free ---------------------------------------------------------

// kmem_cache_alloc: the loaded magazine, the previous one if full, a full one
// from the depot, else the slab layer. Another node's object (node >= 0) comes
// from that node's slabs, as SLAB's __cache_alloc_node does.
VirtAddr Magazine::do_cache_alloc(sim::Cpu& cpu, KmemCache& kc, Gfp gfp, int node) {
  SlabCache& c = static_cast<SlabCache&>(kc);
  MagazineCache& m = mag_[c.id];
  cpu.spend(kFastPathCycles);
  const bool other_node = node >= 0 && static_cast<sim::NodeId>(node) != cpu.node() &&
                          static_cast<std::size_t>(node) < c.node.size();
  VirtAddr obj{};
  if (m.rounds && !other_node) {
    MagazineCpu& cc = m.cpu[cpu.id()];
    cpu.rmw(cc.addr + kCpuCacheLock, 8);  // cc_lock
    cpu.read(cc.addr + kCpuCacheMags, kCpuCacheMagsBytes);
    for (;;) {
      if (cc.rounds > 0) {
        const KmemMagazine& mg = mags_[cc.loaded];
        --cc.rounds;
        cpu.read(round_addr(mg, cc.rounds), word_);
        obj = mg.round[static_cast<std::size_t>(cc.rounds)];
        cpu.write(cc.addr + kCpuCacheMags, kCpuCacheMagsBytes);
        ++m.loaded_allocs;
        ++c.stats.alloc_fastpath;
        break;
      }
      if (cc.prounds > 0) {  // the previous magazine is full: swap
        reload(cpu, cc, cc.prev, cc.prounds);
        ++m.swaps;
        continue;
      }
      const std::uint32_t full = depot_alloc(cpu, m, true);
      if (full == kNoMagazine) break;
      if (cc.prev != kNoMagazine) depot_free(cpu, m, cc.prev, false);  // empty
      reload(cpu, cc, full, static_cast<int>(m.rounds));
    }
    cpu.write(cc.addr + kCpuCacheLock, 8);
  }
  if (!obj) obj = slab_alloc(cpu, c, gfp, other_node ? static_cast<sim::NodeId>(node) : cpu.node());
  if (!obj) return {};
  SlabSlab& s = slabs_[slab_of(obj)];
  s.live.set(obj_index(s, c, obj), true);
  return obj;
}

// kmem_cache_free: the loaded magazine, the previous one if empty, an empty
// one from the depot (a new one from the magazine cache if it has none), else
// the slab layer.
void Magazine::do_cache_free(sim::Cpu& cpu, KmemCache& kc, VirtAddr addr) {
  SlabCache& c = static_cast<SlabCache&>(kc);
  MagazineCache& m = mag_[c.id];
  cpu.spend(kFastPathCycles);
  SlabSlab& s = slabs_[slab_of(addr)];
  s.live.set(obj_index(s, c, addr), false);
  cpu.read(pa_.page_desc(s.pfn), 8);  // the object's cache and slab
  if (s.node != cpu.node()) ++c.stats.remote_frees;
  if (m.rounds) {
    MagazineCpu& cc = m.cpu[cpu.id()];
    cpu.rmw(cc.addr + kCpuCacheLock, 8);
    cpu.read(cc.addr + kCpuCacheMags, kCpuCacheMagsBytes);
    bool stored = false;
    for (;;) {
      if (cc.rounds >= 0 && static_cast<std::uint32_t>(cc.rounds) < m.rounds) {
        KmemMagazine& mg = mags_[cc.loaded];
        cpu.write(round_addr(mg, cc.rounds), word_);
        mg.round[static_cast<std::size_t>(cc.rounds)] = addr;
        ++cc.rounds;
        cpu.write(cc.addr + kCpuCacheMags, kCpuCacheMagsBytes);
        ++m.loaded_frees;
        ++c.stats.free_fastpath;
        stored = true;
        break;
      }
      if (cc.prounds == 0) {  // the previous magazine is empty: swap
        reload(cpu, cc, cc.prev, cc.prounds);
        ++m.swaps;
        continue;
      }
      std::uint32_t empty = depot_alloc(cpu, m, false);
      if (empty != kNoMagazine) {
        if (cc.prev != kNoMagazine) depot_free(cpu, m, cc.prev, true);  // full
        reload(cpu, cc, empty, 0);
        continue;
      }
      // No empty magazine in the depot: allocate one and put it there.
      empty = new_magazine(cpu, m);
      if (empty == kNoMagazine) break;
      depot_free(cpu, m, empty, false);
    }
    cpu.write(cc.addr + kCpuCacheLock, 8);
    if (stored) return;
  }
  slab_free(cpu, c, addr);
}

// --- purge, reports, checks ------------------------------------------------------------

void Magazine::free_magazine(sim::Cpu& cpu, SlabCache& c, std::uint32_t id, int rounds) {
  for (int i = 0; i < rounds; ++i) {
    cpu.read(round_addr(mags_[id], i), word_);
    slab_free(cpu, c, mags_[id].round[static_cast<std::size_t>(i)]);
  }
  kmem_cache_free(cpu, *mag_[c.id].magazine_cache, mags_[id].addr);
  mags_[id].addr = VirtAddr{};
  free_ids_.push_back(id);
}

void Magazine::purge(sim::Cpu& cpu, SlabCache& c) {
  MagazineCache& m = mag_[c.id];
  if (!m.rounds) return;
  for (MagazineCpu& cc : m.cpu) {
    cpu.rmw(cc.addr + kCpuCacheLock, 8);
    const std::uint32_t loaded = cc.loaded, prev = cc.prev;
    const int rounds = cc.rounds, prounds = cc.prounds;
    cc.loaded = cc.prev = kNoMagazine;
    cc.rounds = cc.prounds = -1;
    cpu.write(cc.addr + kCpuCacheMags, kCpuCacheMagsBytes);
    cpu.write(cc.addr + kCpuCacheLock, 8);
    if (loaded != kNoMagazine) free_magazine(cpu, c, loaded, rounds);
    if (prev != kNoMagazine) free_magazine(cpu, c, prev, prounds);
  }
  for (std::uint32_t id; (id = depot_alloc(cpu, m, true)) != kNoMagazine;)
    free_magazine(cpu, c, id, static_cast<int>(m.rounds));
  for (std::uint32_t id; (id = depot_alloc(cpu, m, false)) != kNoMagazine;)
    free_magazine(cpu, c, id, 0);
}

int Magazine::kmem_cache_shrink(sim::Cpu& cpu, KmemCache& kc) {
  purge(cpu, static_cast<SlabCache&>(kc));
  return Slab::kmem_cache_shrink(cpu, kc);
}

std::uint64_t Magazine::objects_above_slabs(const SlabCache& c) const {
  if (c.id >= mag_.size()) return 0;
  const MagazineCache& m = mag_[c.id];
  std::uint64_t n = m.nfull * m.rounds;
  for (const MagazineCpu& cc : m.cpu)
    n += static_cast<std::uint64_t>(std::max(cc.rounds, 0) + std::max(cc.prounds, 0));
  return n;
}

// SLAB's rows; the tunables say what the magazine layer does: <limit> and
// <batchcount> are M (a magazine's rounds, what one depot exchange moves),
// <sharedfactor> 0 and <sharedavail> the rounds in the depot's full magazines.
// The magazine caches, without a magazine layer, show 0 0 0.
std::vector<SlabinfoRow> Magazine::slabinfo_rows() const {
  std::vector<SlabinfoRow> rows = Slab::slabinfo_rows();
  const std::vector<const KmemCache*> caches = slab_caches();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const MagazineCache& m = magazines(*caches[i]);
    rows[i].limit = rows[i].batchcount = m.rounds;
    rows[i].shared = 0;
    rows[i].shared_avail = m.nfull * m.rounds;
  }
  return rows;
}

void Magazine::check_invariants() const {
  Slab::check_invariants();
  std::vector<std::uint8_t> seen(mags_.size(), 0);
  std::uint64_t referenced = 0;
  for (const auto& cp : caches_) {
    const SlabCache& c = *cp;
    const MagazineCache& m = mag_[c.id];
    auto fail = [&](const std::string& what) {
      throw std::logic_error("magazine cache " + c.name + ": " + what);
    };
    if (!m.ready) fail("no magazine layer set up");
    auto visit = [&](std::uint32_t id, int rounds) {
      if (id >= mags_.size() || seen[id]) fail("a magazine in two places");
      seen[id] = 1;
      ++referenced;
      if (rounds < 0 || static_cast<std::uint32_t>(rounds) > m.rounds) fail("rounds out of range");
      for (int i = 0; i < rounds; ++i) {
        const Lookup l = lookup(mags_[id].round[static_cast<std::size_t>(i)]);
        if (l.cache != &c || l.state != Lookup::free_object)
          fail("a round that is not a free object of the cache");
      }
    };
    for (const MagazineCpu& cc : m.cpu) {
      if ((cc.loaded == kNoMagazine) != (cc.rounds < 0) ||
          (cc.prev == kNoMagazine) != (cc.prounds < 0))
        fail("a CPU's magazine and its rounds disagree");
      if (cc.loaded != kNoMagazine) visit(cc.loaded, cc.rounds);
      if (cc.prev != kNoMagazine) visit(cc.prev, cc.prounds);
    }
    std::uint64_t nfull = 0, nempty = 0;
    for (std::uint32_t id = m.full; id != kNoMagazine; id = mags_[id].next, ++nfull)
      visit(id, static_cast<int>(m.rounds));
    for (std::uint32_t id = m.empty; id != kNoMagazine; id = mags_[id].next, ++nempty) visit(id, 0);
    if (nfull != m.nfull || nempty != m.nempty) fail("depot counts are wrong");
  }
  std::uint64_t magazine_objects = 0;
  for (const auto& [r, mc] : magazine_caches_) magazine_objects += mc->in_use;
  if (referenced != magazine_objects)
    throw std::logic_error("magazines held do not match the magazine caches' objects");
}

}  // namespace allocsim::model
