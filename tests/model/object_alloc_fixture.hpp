#pragma once
// A booted machine with the page allocator and one object allocator, for the
// SLAB/SLUB/SLOB and mempool tests.
#include <memory>
#include <string>

#include "model/object_allocator.hpp"
#include "model_machines.hpp"

namespace allocsim::model::testing {

struct Booted {
  Booted(Flavour f, SlabKind kind, sim::MachineConfig mc, ObjectAllocatorConfig oc = {})
      : machine(mc, 1), pa(machine, kernel(f)), hm(pa), diag(false) {
    oc.kind = kind;
    oa = ObjectAllocator::create(pa, hm, oc, diag);
  }
  Booted(Flavour f, SlabKind kind, unsigned nodes = 1, std::uint64_t mib = 64, bool timing = false)
      : Booted(f, kind, small_machine(nodes, mib, timing)) {}
  Gfp gfp(const char* text) const { return parse_gfp(pa.flavour(), text); }
  sim::Cpu& cpu(unsigned i = 0) { return machine.cpu(i); }

  sim::Machine machine;
  PageAllocator pa;
  Highmem hm;
  DiagnosticLog diag;
  std::unique_ptr<ObjectAllocator> oa;
};

inline std::string name(Flavour f, SlabKind k) {
  std::string s = f == Flavour::linux_6 ? "linux6_" : "linux26_";
  return s + std::string(to_string(k));
}

}  // namespace allocsim::model::testing
