#include "sim/memory_system.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

namespace allocsim::sim {

std::uint64_t MemorySystem::private_lines(const MachineConfig& c) {
  return c.l2.size_bytes / c.line_bytes * c.cpus;
}

MemorySystem::MemorySystem(const MachineConfig& config, const Topology& topology,
                           StatsRegistry& stats, std::uint64_t seed)
    : line_bytes_(config.line_bytes),
      cpus_(config.cpus),
      llcs_(topology.llc_domains()),
      directory_(private_lines(config), config.cpus),
      memory_(config, topology, stats) {
  if (!std::has_single_bit(line_bytes_) || line_bytes_ < 8)
    throw std::invalid_argument("cache line size must be a power of two >= 8");
  if (config.l2.size_bytes < config.l1d.size_bytes)
    throw std::invalid_argument("L2 must be at least as large as L1D (it is inclusive)");
  line_shift_ = static_cast<unsigned>(std::countr_zero(line_bytes_));
  granule_shift_ = line_bytes_ > 64 ? line_shift_ - 6 : 0;

  for (CpuId c = 0; c < cpus_; ++c) {
    llc_of_.push_back(topology.llc_of_cpu(c));
    node_of_.push_back(topology.node_of_cpu(c));
    l1_.emplace_back(config.l1d, line_bytes_, seed ^ (0x1000u + c));
    l2_.emplace_back(config.l2, line_bytes_, seed ^ (0x2000u + c));
    CpuCounters& k = counters_.emplace_back();
    stats.register_counters<CacheCounters>(k, kCacheCounters, static_cast<int>(c));
    k.latency = &stats.histogram(kAccessLatency, static_cast<int>(c));
  }
  for (std::uint32_t d = 0; d < llcs_; ++d)
    llc_.emplace_back(config.llc, line_bytes_, seed ^ (0x3000u + d));

  // Cache-to-cache cost between LLC domains: beyond the node it scales with the
  // SLIT distance, c2c_remote being the cost at the nearest remote distance.
  c2c_llc_.resize(static_cast<std::size_t>(llcs_) * llcs_);
  const auto& co = config.coherence;
  for (std::uint32_t a = 0; a < llcs_; ++a)
    for (std::uint32_t b = 0; b < llcs_; ++b) {
      const NodeId na = topology.node_of_llc(a), nb = topology.node_of_llc(b);
      Cycles cost = co.c2c_same_llc;
      if (a != b && na == nb) cost = co.c2c_same_node;
      if (na != nb)
        cost = static_cast<Cycles>(
            std::llround(static_cast<double>(co.c2c_remote) * topology.distance(na, nb) /
                         topology.nearest_remote_distance()));
      c2c_llc_[a * llcs_ + b] = cost;
    }
}

std::uint64_t MemorySystem::granule_mask(PhysAddr addr, std::uint32_t size) const {
  const std::uint64_t off = line_offset(addr, line_bytes_ - 1);
  const unsigned first = static_cast<unsigned>(off >> granule_shift_);
  const unsigned last = static_cast<unsigned>((off + size - 1) >> granule_shift_);
  const unsigned n = std::min(last, 63u) - first + 1;
  return (n >= 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << n) - 1)) << first;
}

Cycles MemorySystem::access(CpuId cpu, PhysAddr addr, std::uint32_t size, AccessKind kind,
                            Cycles now) {
  if (size == 0) return 0;
  const bool write = kind != AccessKind::read;
  Cycles total = 0;
  PhysAddr a = addr;
  const PhysAddr end = addr + size;
  while (a < end) {
    const PhysAddr line_end = line_start(a, line_bytes_ - 1) + line_bytes_;
    const auto chunk = static_cast<std::uint32_t>(std::min(end, line_end) - a);
    total += access_line(cpu, line_of(a), granule_mask(a, chunk), write, now + total);
    a = line_end;
  }
  counters_[cpu].latency->record(total);
  return total;
}

Cycles MemorySystem::access_line(CpuId c, std::uint64_t line, std::uint64_t granules, bool write,
                                 Cycles now) {
  CpuCounters& k = counters_[c];
  Cache& l1 = l1_[c];
  const std::int64_t s1 = l1.find(line);
  if (s1 >= 0) {
    k.l1d_hits->add();
    l1.touch(s1);
    const LineState st = l1.state(s1);
    if (!write) return l1.latency();
    Directory::Entry& e = directory_.entry(directory_.find(line));
    if (st == LineState::shared) {
      k.upgrades->add();
      const Cycles extra = take_ownership(c, line, directory_.find(line));
      e.owner = c;
      e.written = granules;
      set_private_state(c, line, LineState::modified);
      return l1.latency() + extra;
    }
    if (st == LineState::exclusive) set_private_state(c, line, LineState::modified);
    e.written |= granules;
    return l1.latency();
  }
  k.l1d_misses->add();

  Cache& l2 = l2_[c];
  const std::int64_t s2 = l2.find(line);
  if (s2 >= 0) {
    k.l2_hits->add();
    l2.touch(s2);
    LineState st = l2.state(s2);
    Cycles cost = l2.latency();
    if (write) {
      const std::int64_t slot = directory_.find(line);
      Directory::Entry& e = directory_.entry(slot);
      if (st == LineState::shared) {
        k.upgrades->add();
        cost += take_ownership(c, line, slot);
        e.owner = c;
        e.written = 0;
      }
      e.written |= granules;
      st = LineState::modified;
      l2.set_state(s2, st);
    }
    l1.insert(line, st);  // the L1 victim stays in L2, with the same state
    return cost;
  }
  k.l2_misses->add();

  Cycles cost = 0;
  std::int64_t slot = directory_.find(line);
  if (slot >= 0 && directory_.entry(slot).owner != kNoCpu) {
    Directory::Entry& e = directory_.entry(slot);
    const CpuId o = e.owner;
    const LineState os = l2_[o].state(l2_[o].find(line));
    if (os == LineState::modified) {
      k.c2c_transfers->add();
      ((e.written & granules) ? k.true_sharing : k.false_sharing)->add();
      cost = c2c(c, o);
    } else {
      cost = fetch(c, line, now);
    }
    if (!write) {  // the owner keeps a shared copy; dirty data goes to its LLC
      set_private_state(o, line, LineState::shared);
      if (os == LineState::modified) llc_insert(llc_of_[o], line, true, now);
      e.owner = kNoCpu;
      e.written = 0;
    }
  } else {
    cost = fetch(c, line, now);
  }

  slot = directory_.find_or_insert(line);
  directory_.add(slot, c);
  Directory::Entry& e = directory_.entry(slot);
  LineState st;
  if (write) {
    cost = std::max(cost, take_ownership(c, line, slot));
    e.owner = c;
    e.written = granules;
    st = LineState::modified;
  } else if (e.sharers == 1) {
    e.owner = c;
    e.written = 0;
    st = LineState::exclusive;
  } else {
    st = LineState::shared;
  }
  fill_private(c, line, st, now + cost);  // may move directory slots: `e` is dead from here
  return cost;
}

// Invalidates every other private copy and every other LLC domain's copy; returns
// the latency of the farthest acknowledgement. The requester must already be a
// sharer, so the entry survives the removals.
Cycles MemorySystem::take_ownership(CpuId c, std::uint64_t line, std::int64_t slot) {
  Cycles worst = 0;
  CpuCounters& k = counters_[c];
  if (directory_.entry(slot).sharers > 1) {
    directory_.for_each_sharer(slot, [&](CpuId o) {
      if (o == c) return;
      l1_[o].invalidate(line);
      l2_[o].invalidate(line);
      directory_.remove(slot, o);
      k.invalidations->add();
      worst = std::max(worst, c2c(c, o));
    });
  }
  const std::uint32_t own = llc_of_[c];
  for (std::uint32_t d = 0; d < llcs_; ++d) {
    if (d == own || llc_[d].invalidate(line) == LineState::invalid) continue;
    k.invalidations->add();
    worst = std::max(worst, c2c_llc_[own * llcs_ + d]);
  }
  return worst;
}

Cycles MemorySystem::fetch(CpuId c, std::uint64_t line, Cycles now) {
  CpuCounters& k = counters_[c];
  const std::uint32_t own = llc_of_[c];
  const std::int64_t s = llc_[own].find(line);
  if (s >= 0) {
    k.llc_hits->add();
    llc_[own].touch(s);
    return llc_[own].latency();
  }
  k.llc_misses->add();
  // Another LLC domain may forward the line; take the cheapest (lowest index on ties).
  Cycles best = kNever;
  for (std::uint32_t d = 0; d < llcs_; ++d)
    if (d != own && llc_[d].find(line) >= 0) best = std::min(best, c2c_llc_[own * llcs_ + d]);
  Cycles cost;
  if (best != kNever) {
    k.llc_remote_hits->add();
    cost = best;
  } else {
    cost = memory_.access(node_of_[c], line_addr(line, line_shift_), now);
  }
  llc_insert(own, line, false, now);
  return cost;
}

void MemorySystem::fill_private(CpuId c, std::uint64_t line, LineState state, Cycles now) {
  const Cache::Victim v = l2_[c].insert(line, state);
  if (v.line != Cache::kNoLine) {
    l1_[c].invalidate(v.line);  // inclusion
    if (v.state == LineState::modified) llc_insert(llc_of_[c], v.line, true, now);
    const std::int64_t vs = directory_.find(v.line);
    if (vs >= 0) directory_.remove(vs, c);
  }
  l1_[c].insert(line, state);
}

void MemorySystem::set_private_state(CpuId c, std::uint64_t line, LineState state) {
  const std::int64_t s1 = l1_[c].find(line);
  if (s1 >= 0) l1_[c].set_state(s1, state);
  const std::int64_t s2 = l2_[c].find(line);
  if (s2 >= 0) l2_[c].set_state(s2, state);
}

void MemorySystem::llc_insert(std::uint32_t llc, std::uint64_t line, bool dirty, Cycles now) {
  Cache& cache = llc_[llc];
  const std::int64_t s = cache.find(line);
  if (s >= 0) {
    if (dirty) cache.set_state(s, LineState::modified);
    cache.touch(s);
    return;
  }
  const Cache::Victim v = cache.insert(line, dirty ? LineState::modified : LineState::shared);
  if (v.line != Cache::kNoLine && v.state == LineState::modified)
    memory_.writeback(line_addr(v.line, line_shift_), now);
}

LineState MemorySystem::l1_state(CpuId cpu, PhysAddr addr) const {
  const std::int64_t s = l1_[cpu].find(line_of(addr));
  return s < 0 ? LineState::invalid : l1_[cpu].state(s);
}

LineState MemorySystem::l2_state(CpuId cpu, PhysAddr addr) const {
  const std::int64_t s = l2_[cpu].find(line_of(addr));
  return s < 0 ? LineState::invalid : l2_[cpu].state(s);
}

CpuId MemorySystem::owner(PhysAddr addr) const {
  const std::int64_t s = directory_.find(line_of(addr));
  return s < 0 ? kNoCpu : directory_.entry(s).owner;
}

std::uint32_t MemorySystem::sharers(PhysAddr addr) const {
  const std::int64_t s = directory_.find(line_of(addr));
  return s < 0 ? 0 : directory_.entry(s).sharers;
}

void MemorySystem::check_invariants() const {
  auto fail = [](const std::string& m) { throw std::logic_error("memory system: " + m); };
  std::uint64_t private_copies = 0;
  for (CpuId c = 0; c < cpus_; ++c) {
    const Cache& l2 = l2_[c];
    for (std::int64_t slot = 0; slot < static_cast<std::int64_t>(l2.sets()) * l2.ways(); ++slot) {
      if (l2.state(slot) == LineState::invalid) continue;
      ++private_copies;
      const std::uint64_t line = l2.line_at(slot);
      const std::int64_t d = directory_.find(line);
      if (d < 0 || !directory_.has(d, c)) fail("L2 line missing from the directory");
      const auto& e = directory_.entry(d);
      const bool exclusive = l2.state(slot) != LineState::shared;
      if (exclusive != (e.owner == c)) fail("exclusive state disagrees with directory owner");
      if (exclusive && e.sharers != 1) fail("exclusive line has other sharers");
      const std::int64_t s1 = l1_[c].find(line);
      if (s1 >= 0 && l1_[c].state(s1) != l2.state(slot)) fail("L1 and L2 states differ");
    }
    const Cache& l1 = l1_[c];
    for (std::int64_t slot = 0; slot < static_cast<std::int64_t>(l1.sets()) * l1.ways(); ++slot)
      if (l1.state(slot) != LineState::invalid && l2.find(l1.line_at(slot)) < 0)
        fail("L1 line not in L2 (inclusion)");
  }
  // Every directory sharer bit must be backed by one of the L2 copies counted above.
  if (private_copies != directory_.total_sharers())
    fail("directory sharers (" + std::to_string(directory_.total_sharers()) + ") != L2 copies (" +
         std::to_string(private_copies) + ")");
}

}  // namespace allocsim::sim
