#pragma once
// Small machines for the page-allocator tests: few pages, so the invariant
// checker can run after every operation.
#include "model/gfp.hpp"
#include "model/page_alloc.hpp"
#include "model/zone_type.hpp"
#include "sim/machine.hpp"

namespace allocsim::model::testing {

// x86_64, `nodes` nodes of `mib` MiB each, 2 CPUs per node, timing as asked.
inline sim::MachineConfig small_machine(unsigned nodes, std::uint64_t mib, bool timing = false) {
  sim::MachineConfig c;
  c.name = "small";
  c.ghz = 1.0;
  c.nodes = nodes;
  c.cpus = 2 * nodes;
  c.l1d = {4096, 4, 4, sim::Replacement::lru};
  c.l2 = {16384, 4, 12, sim::Replacement::lru};
  c.llc = {{65536, 8, 40, sim::Replacement::lru}, 0};
  c.memory.latency = 100;
  c.coherence = {50, 70, 120};
  if (nodes > 1) c.links = {{0, 1, 21}};
  for (unsigned n = 2; n < nodes; ++n) c.links.push_back({n - 1, n, 21});
  c.timing = timing;
  sim::assign_contiguous_memory(c, mib << 20);
  return c;
}

inline KernelConfig kernel(Flavour f) {
  KernelConfig k;
  k.flavour = f;
  return k;
}

// A page allocator booted on `mc` (seed 1), with the lookups its tests use.
struct BootedPages {
  sim::Machine machine;
  PageAllocator pa;
  BootedPages(const sim::MachineConfig& mc, const KernelConfig& k)
      : machine(mc, 1), pa(machine, k) {}
  sim::Cpu& cpu(sim::CpuId c) { return machine.cpu(c); }
  Gfp gfp(const char* s = "GFP_KERNEL") const { return parse_gfp(pa.flavour(), s); }
  const Zone& zone(sim::NodeId n, ZoneType t) const {
    return *pa.zone_of(n, static_cast<unsigned>(zone_index(sim::Arch::x86_64, t)));
  }
};

}  // namespace allocsim::model::testing
