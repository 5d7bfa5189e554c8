#pragma once
// The cache hierarchy and coherence: a private L1D and L2 per CPU (L2 inclusive
// of L1), an LLC per LLC domain (node or CCX), a directory for the private
// caches, and main memory. One call charges one access and returns its cost.
//
// Protocol (MESI-like, directory based):
// - a write to a line held S, or a write miss, takes ownership: every other private
//   copy and every other LLC domain's copy is invalidated; the requester waits
//   for the farthest acknowledgement (in parallel with the data);
// - a miss on a line another CPU holds M is a cache-to-cache transfer whose cost
//   depends on where the two CPUs are (same LLC, same node, or NUMA distance);
// - a clean miss is served by the own LLC, else another LLC domain (forwarded,
//   at cache-to-cache cost), else memory at the home node's NUMA latency;
// - dirty lines evicted from L2 go to the own LLC; dirty LLC victims to memory.
#include <array>
#include <cstdint>
#include <vector>

#include "sim/cache.hpp"
#include "sim/directory.hpp"
#include "sim/machine_config.hpp"
#include "sim/memory.hpp"
#include "sim/stats.hpp"
#include "sim/topology.hpp"

namespace allocsim::sim {

// Cache and coherence counters of one CPU (the requesting CPU of each access).
struct CacheCounters {
  Counter *l1d_hits, *l1d_misses, *l2_hits, *l2_misses, *llc_hits, *llc_misses, *llc_remote_hits;
  Counter *c2c_transfers, *false_sharing, *true_sharing, *invalidations, *upgrades;
};

// Registered per CPU in this order (docs/architecture.md section 4 numbers the protocol's steps).
inline constexpr std::array<CounterField<CacheCounters>, 12> kCacheCounters{{
    {{{"l1d.hits", "1", "L1D lookups that hit", "MemorySystem::access_line, step 1"},
      StatScope::cpu},
     &CacheCounters::l1d_hits},
    {{{"l1d.misses", "1", "L1D lookups that missed", "MemorySystem::access_line, steps 2-5"},
      StatScope::cpu},
     &CacheCounters::l1d_misses},
    {{{"l2.hits", "1", "L2 lookups that hit (after an L1D miss)",
       "MemorySystem::access_line, step 2"},
      StatScope::cpu},
     &CacheCounters::l2_hits},
    {{{"l2.misses", "1", "L2 lookups that missed", "MemorySystem::access_line, steps 3-5"},
      StatScope::cpu},
     &CacheCounters::l2_misses},
    {{{"llc.hits", "1", "lines fetched from the requester's own LLC",
       "MemorySystem::fetch, step 4 (a c2c transfer from an M owner counts in neither)"},
      StatScope::cpu},
     &CacheCounters::llc_hits},
    {{{"llc.misses", "1", "fetches the own LLC could not serve (another LLC or memory did)",
       "MemorySystem::fetch, step 4"},
      StatScope::cpu},
     &CacheCounters::llc_misses},
    {{{"llc.remote_hits", "1", "LLC misses served by another LLC domain, cache to cache",
       "MemorySystem::fetch, step 4"},
      StatScope::cpu},
     &CacheCounters::llc_remote_hits},
    {{{"coherence.c2c_transfers", "1",
       "L2 misses served cache to cache by a CPU holding the line modified",
       "MemorySystem::access_line, step 3"},
      StatScope::cpu},
     &CacheCounters::c2c_transfers},
    {{{"coherence.false_sharing", "1",
       "c2c transfers where the bytes the owner wrote do not overlap the requested ones",
       "MemorySystem::access_line, step 3: the directory's written-granule mask"},
      StatScope::cpu},
     &CacheCounters::false_sharing},
    {{{"coherence.true_sharing", "1",
       "c2c transfers where the bytes the owner wrote overlap the requested ones",
       "MemorySystem::access_line, step 3: the directory's written-granule mask"},
      StatScope::cpu},
     &CacheCounters::true_sharing},
    {{{"coherence.invalidations", "1",
       "private copies (L1D, L2) invalidated to take ownership of a line",
       "MemorySystem::take_ownership, step 6"},
      StatScope::cpu},
     &CacheCounters::invalidations},
    {{{"coherence.upgrades", "1", "writes that hit a line held S and took ownership (S to M)",
       "MemorySystem::access_line, steps 1-2"},
      StatScope::cpu},
     &CacheCounters::upgrades},
}};

inline constexpr RegistryDecl kAccessLatency{
    {"access.latency", "cycles",
     "cost of each memory access of a CPU, including those made on its behalf in lock handoffs",
     "MemorySystem::access"},
    StatScope::cpu,
    StatKind::histogram};

class MemorySystem {
 public:
  MemorySystem(const MachineConfig& config, const Topology& topology, StatsRegistry& stats,
               std::uint64_t seed);

  // The most lines the private caches hold at once (L2 is inclusive of L1D):
  // what the directory is sized for.
  static std::uint64_t private_lines(const MachineConfig& config);

  // Cost of an access of `size` bytes (one or more lines) issued at `now`.
  Cycles access(CpuId cpu, PhysAddr addr, std::uint32_t size, AccessKind kind, Cycles now);

  Cycles c2c(CpuId a, CpuId b) const { return c2c_llc_[llc_of_[a] * llcs_ + llc_of_[b]]; }
  std::uint32_t line_bytes() const { return line_bytes_; }
  std::uint64_t line_of(PhysAddr a) const { return line_index(a, line_shift_); }
  Memory& memory() { return memory_; }
  const Memory& memory() const { return memory_; }

  // Inspection, for tests and invariant checks.
  LineState l1_state(CpuId cpu, PhysAddr addr) const;
  LineState l2_state(CpuId cpu, PhysAddr addr) const;
  bool in_llc(std::uint32_t llc, PhysAddr addr) const { return llc_[llc].find(line_of(addr)) >= 0; }
  CpuId owner(PhysAddr addr) const;
  std::uint32_t sharers(PhysAddr addr) const;
  // Throws std::logic_error if inclusion or the directory disagree with the caches.
  void check_invariants() const;

 private:
  struct CpuCounters : CacheCounters {
    Histogram* latency;  // cost of each access() call
  };

  Cycles access_line(CpuId c, std::uint64_t line, std::uint64_t granules, bool write, Cycles now);
  Cycles fetch(CpuId c, std::uint64_t line, Cycles now);
  Cycles take_ownership(CpuId c, std::uint64_t line, std::int64_t slot);
  void fill_private(CpuId c, std::uint64_t line, LineState state, Cycles now);
  void set_private_state(CpuId c, std::uint64_t line, LineState state);
  void llc_insert(std::uint32_t llc, std::uint64_t line, bool dirty, Cycles now);
  std::uint64_t granule_mask(PhysAddr addr, std::uint32_t size) const;

  std::uint32_t line_bytes_;
  unsigned line_shift_;
  unsigned granule_shift_;  // a line is tracked as 64 granules for false-sharing detection
  std::uint32_t cpus_;
  std::uint32_t llcs_;
  std::vector<std::uint32_t> llc_of_;
  std::vector<NodeId> node_of_;
  std::vector<Cycles> c2c_llc_;  // llc x llc transfer cost
  std::vector<Cache> l1_, l2_, llc_;
  Directory directory_;
  Memory memory_;
  std::vector<CpuCounters> counters_;
};

}  // namespace allocsim::sim
