// SLAB's tunables at run time: the /proc/slabinfo write (mm/slab.c:
// slabinfo_write) and do_tune_cpucache, which it and a config's per-cache
// tunables end in.
#include <cerrno>

#include "model/slab.hpp"

namespace allocsim::model {

void Slab::slabinfo_write(sim::Cpu& cpu, std::string_view text) {
  const SlabinfoWrite w = parse_slabinfo_write(text);
  // The caches on slab_caches (aliases are not), matched with strcmp.
  SlabCache* found = nullptr;
  for (const KmemCache* kc : slab_caches())
    if (kc->name == w.name) found = static_cast<SlabCache*>(const_cast<KmemCache*>(kc));
  if (!found) throw SlabTuneError(EINVAL, "no cache named '" + w.name + "' in /proc/slabinfo");
  const std::string ignored = slabinfo_write_ignored(w);
  if (!ignored.empty())  // res = 0: the write "succeeds"; the model will not let it pass unseen
    throw std::invalid_argument("slabinfo_write ignores '" + std::string(text) + "' (" + ignored +
                                "): the kernel returns success and changes nothing");
  const CpucacheTunables t{static_cast<std::uint32_t>(w.limit),
                           static_cast<std::uint32_t>(w.batchcount),
                           static_cast<std::uint32_t>(w.shared)};
  if (t.limit > max_cpucache_limit(params_.flavour) ||
      std::uint64_t{t.shared} * t.batchcount > max_shared_entries())
    throw SlabTuneError(ENOMEM, "do_tune_cpucache cannot allocate arrays of limit " +
                                    std::to_string(t.limit) + ", shared " +
                                    std::to_string(t.shared) + " x batchcount " +
                                    std::to_string(t.batchcount));
  do_tune_cpucache(cpu, *found, t);
}

void Slab::set_tunables(sim::Cpu& cpu, KmemCache& kc, const CacheTunables& given) {
  SlabCache& c = static_cast<SlabCache&>(kc);
  if (!given.limit && !given.batchcount && !given.shared) return;
  CpucacheTunables t{c.g.limit, c.g.batchcount, c.g.shared};
  const std::string why = resolve_cpucache(given, params_.flavour, t);
  if (!why.empty()) throw std::invalid_argument("cache " + c.name + ": " + why);
  do_tune_cpucache(cpu, c, t);
}

void Slab::do_tune_cpucache(sim::Cpu& cpu, SlabCache& c, const CpucacheTunables& t) {
  sim::Machine& m = pa_.machine();
  const std::uint32_t nodes = m.config().nodes;
  c.g.limit = t.limit;
  c.g.batchcount = t.batchcount;
  c.g.shared = t.shared;
  cpu.write(c.desc + SlabCacheLayout::cpu_cache, 8);  // cachep->cpu_cache, limit, batchcount
  // The old per-CPU arrays' objects go back to their slabs (free_block under
  // each CPU's node list_lock), then the new, empty arrays replace them.
  for (sim::CpuId i = 0; i < m.cpus(); ++i) {
    ArrayCache& ac = c.array[i];
    const sim::NodeId node = m.cpu(i).node();
    if (ac.avail) {
      SlabNode& n = c.node[node];
      cpu.read(ac.addr + ArrayCacheLayout::avail, 16);
      cpu.lock(*n.list_lock);
      free_block(cpu, c, ac.entry.data(), ac.avail, node);
      cpu.unlock(*n.list_lock);
    }
    make_array(cpu, ac, t.limit, t.batchcount, node);
  }
  // setup_kmem_cache_node(force_change): a new shared array (the old one's
  // objects freed), free_limit from the new batchcount. Alien caches stay as
  // they are, as in the kernel; limit 0 drops them (no arrays at all).
  for (sim::NodeId nid = 0; nid < nodes; ++nid) {
    SlabNode& n = c.node[nid];
    cpu.lock(*n.list_lock);
    if (n.shared && n.shared->avail)
      free_block(cpu, c, n.shared->entry.data(), n.shared->avail, nid);
    unsigned cpus_on_node = 0;
    for (sim::CpuId i = 0; i < m.cpus(); ++i) cpus_on_node += m.cpu(i).node() == nid;
    n.free_limit = (1 + cpus_on_node) * std::uint64_t{t.batchcount} + c.g.num;
    cpu.write(n.addr, 8);
    cpu.unlock(*n.list_lock);
    n.shared.reset();
    if (t.shared && t.limit) {
      n.shared = std::make_unique<ArrayCache>();
      make_array(cpu, *n.shared, t.shared * t.batchcount, 0xbaadf00d, nid);
    }
  }
  for (sim::NodeId nid = 0; nid < nodes && nodes > 1; ++nid) {
    SlabNode& n = c.node[nid];
    if (t.limit == 0) {
      for (sim::NodeId r = 0; r < n.alien.size(); ++r)
        if (n.alien[r] && n.alien[r]->avail) {
          cpu.lock(*n.alien[r]->lock);
          drain_alien(cpu, c, *n.alien[r], r);
          cpu.unlock(*n.alien[r]->lock);
        }
      n.alien.clear();
    } else if (n.alien.empty()) {
      make_alien_caches(cpu, c, nid);
    }
  }
}

}  // namespace allocsim::model
