#pragma once
// A booted machine with the page allocator and one object allocator, for the
// object-allocator tests (every registered design) and the mempool tests.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/object_allocator.hpp"
#include "model_machines.hpp"

namespace allocsim::model::testing {

struct Booted {
  Booted(Flavour f, std::string_view design, sim::MachineConfig mc, ObjectAllocatorConfig oc = {})
      : machine(mc, 1), pa(machine, kernel(f)), hm(pa), diag(false) {
    oc.design = slab_design(design).traits.name;
    oa = ObjectAllocator::create(pa, hm, oc, diag);
  }
  Booted(Flavour f, std::string_view design, unsigned nodes = 1, std::uint64_t mib = 64,
         bool timing = false)
      : Booted(f, design, small_machine(nodes, mib, timing)) {}
  Gfp gfp(const char* text) const { return parse_gfp(pa.flavour(), text); }
  sim::Cpu& cpu(unsigned i = 0) { return machine.cpu(i); }

  sim::Machine machine;
  PageAllocator pa;
  Highmem hm;
  DiagnosticLog diag;
  std::unique_ptr<ObjectAllocator> oa;
};

// A vm_area_struct-like linux-6.18 cache: 192 bytes, SLAB_TYPESAFE_BY_RCU with
// its free pointer inside (vm_freeptr at 176), sheaf_capacity 32.
inline KmemCache* create_vma_like(Booted& b, std::string_view name) {
  KmemCacheArgs args;
  args.freeptr_offset = 176;
  args.sheaf_capacity = 32;
  return b.oa->kmem_cache_create(
      b.cpu(), name, 192, 0, SLAB_HWCACHE_ALIGN | SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT, false, args);
}

inline std::string name(Flavour f, std::string_view design) {
  std::string s = f == Flavour::linux_6     ? "linux6_"
                  : f == Flavour::linux_2_6 ? "linux26_"
                                            : "linux618_";
  return s + std::string(design);
}

// Every registered design's name (model/slab_design.cpp), for parameterised suites.
inline std::vector<std::string_view> every_design() {
  std::vector<std::string_view> out;
  for (const SlabDesign& d : slab_designs()) out.push_back(d.traits.name);
  return out;
}
// Those a kernel of flavour `f` runs (linux-6.18: SLUB and the research designs).
inline std::vector<std::string_view> designs_in(Flavour f) {
  std::vector<std::string_view> out;
  for (const SlabDesign& d : slab_designs())
    if (design_in_flavour(d.traits, f)) out.push_back(d.traits.name);
  return out;
}

}  // namespace allocsim::model::testing
