// Host throughput of the object allocators: kmalloc+kfree pairs on SLAB, SLUB
// and SLOB with both flavours, 1 and 8 simulated CPUs, timing off and on; a
// 256-byte kmem_cache on SLAB and SLUB; and remote frees (allocate on CPU i,
// free on CPU (i+4)%8, the other node). Report the figures; never assert them.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "model/gfp.hpp"
#include "model/highmem.hpp"
#include "model/object_allocator.hpp"
#include "model/page_alloc.hpp"

namespace {

using namespace allocsim;

constexpr unsigned kSlots = 64;  // live objects per simulated CPU
// Typical kernel kmalloc sizes, cycled through a table of prime length so a
// ring slot sees a different size each time round.
constexpr std::array<std::uint32_t, 8> kSizes = {32, 64, 96, 128, 192, 256, 512, 1024};
constexpr std::size_t kSeqLen = 1021;

sim::MachineConfig machine(unsigned cpus, bool timing) {
  sim::MachineConfig c;
  c.ghz = 2.5;
  c.cpus = cpus;
  c.nodes = cpus >= 8 ? 2 : 1;  // 8 CPUs: 2 nodes of 4
  if (c.nodes > 1) c.links = {{0, 1, 21}};
  c.timing = timing;
  c.memory.latency = 212;
  c.coherence = {120, 150, 338};
  sim::assign_contiguous_memory(c, std::uint64_t{1} << 30);  // 1 GiB per node
  return c;
}

model::Flavour flavour(std::int64_t v6) {
  return v6 ? model::Flavour::linux_6 : model::Flavour::linux_2_6;
}

// The registered design at index k (model/slab_design.cpp), and every index.
std::string_view slab_design(std::int64_t k) {
  return model::slab_designs()[static_cast<std::size_t>(k)].traits.name;
}
std::vector<std::int64_t> every_design() {
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < model::slab_designs().size(); ++i)
    out.push_back(static_cast<std::int64_t>(i));
  return out;
}

// A booted machine with the page allocator and one object allocator.
struct Booted {
  Booted(model::Flavour f, std::string_view design, unsigned cpus, bool timing)
      : m(machine(cpus, timing), 1), pa(m, kernel(f)), hm(pa), diag(false) {
    model::ObjectAllocatorConfig oc;
    oc.design = design;
    oa = model::ObjectAllocator::create(pa, hm, oc, diag);
  }
  static model::KernelConfig kernel(model::Flavour f) {
    model::KernelConfig k;
    k.flavour = f;
    return k;
  }
  sim::Machine m;
  model::PageAllocator pa;
  model::Highmem hm;
  model::DiagnosticLog diag;
  std::unique_ptr<model::ObjectAllocator> oa;
};

std::vector<std::uint32_t> size_sequence() {
  std::vector<std::uint32_t> seq(kSeqLen);
  for (std::size_t j = 0; j < kSeqLen; ++j) seq[j] = kSizes[j % kSizes.size()];
  return seq;
}

// Fills kSlots live kmalloc objects per CPU; false if any allocation failed.
bool fill_rings(Booted& b, model::Gfp gfp, unsigned cpus, const std::vector<std::uint32_t>& seq,
                std::vector<std::vector<sim::VirtAddr>>& live) {
  live.assign(cpus, std::vector<sim::VirtAddr>(kSlots));
  std::size_t j = 0;
  for (unsigned c = 0; c < cpus; ++c)
    for (auto& slot : live[c]) {
      slot = b.oa->kmalloc(b.m.cpu(c), seq[j++ % kSeqLen], gfp);
      if (!slot) return false;
    }
  return true;
}

// Pairs per host second; a bad free recorded by the model fails the case.
void finish(benchmark::State& state, const Booted& b) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  if (b.diag.errors() != 0) state.SkipWithError("the model recorded a diagnostic");
}

// args: allocator (an index of model::slab_designs()), flavour (0 = 2.6, 1 = 6), cpus, timing
void BM_KmallocKfree(benchmark::State& state) {
  const auto f = flavour(state.range(1));
  const auto cpus = static_cast<unsigned>(state.range(2));
  Booted b(f, slab_design(state.range(0)), cpus, state.range(3) != 0);
  const model::Gfp gfp = model::parse_gfp(f, "GFP_KERNEL");
  const std::vector<std::uint32_t> seq = size_sequence();
  std::vector<std::vector<sim::VirtAddr>> live;
  if (!fill_rings(b, gfp, cpus, seq, live)) {
    state.SkipWithError("kmalloc failed while filling the rings");
    return;
  }
  std::size_t i = 0, s = 0;
  for (auto _ : state) {
    const unsigned c = static_cast<unsigned>(i % cpus);
    sim::Cpu& cpu = b.m.cpu(c);
    auto& slot = live[c][(i / cpus) % kSlots];
    b.oa->kfree(cpu, slot);
    slot = b.oa->kmalloc(cpu, seq[s], gfp);
    if (!slot) {
      state.SkipWithError("kmalloc failed");
      break;
    }
    if (++s == kSeqLen) s = 0;
    ++i;
  }
  finish(state, b);
}
BENCHMARK(BM_KmallocKfree)
    ->ArgNames({"alloc", "v6", "cpus", "timing"})
    ->ArgsProduct({every_design(), {0, 1}, {1, 8}, {0, 1}});

// The timed loop of the kmem_cache benchmarks: a ring of kSlots live objects
// of `cache` on CPU 0, each iteration freeing the oldest and allocating anew.
void cache_alloc_free_ring(benchmark::State& state, Booted& b, model::KmemCache* cache,
                           model::Gfp gfp) {
  if (cache == nullptr) {
    state.SkipWithError("kmem_cache_create failed");
    return;
  }
  sim::Cpu& cpu = b.m.cpu(0);
  std::vector<sim::VirtAddr> live(kSlots);
  for (auto& slot : live) {
    slot = b.oa->kmem_cache_alloc(cpu, *cache, gfp);
    if (!slot) {
      state.SkipWithError("kmem_cache_alloc failed while filling the ring");
      return;
    }
  }
  std::size_t i = 0;
  for (auto _ : state) {
    auto& slot = live[i % kSlots];
    b.oa->kmem_cache_free(cpu, *cache, slot);
    slot = b.oa->kmem_cache_alloc(cpu, *cache, gfp);
    if (!slot) {
      state.SkipWithError("kmem_cache_alloc failed");
      break;
    }
    ++i;
  }
  finish(state, b);
}

// args: allocator (an index of model::slab_designs()), timing; linux-6, 1 CPU, a 256-byte cache
void BM_KmemCacheAllocFree(benchmark::State& state) {
  const auto f = model::Flavour::linux_6;
  Booted b(f, slab_design(state.range(0)), 1, state.range(1) != 0);
  const model::Gfp gfp = model::parse_gfp(f, "GFP_KERNEL");
  sim::Cpu& cpu = b.m.cpu(0);
  model::KmemCache* cache = b.oa->kmem_cache_create(cpu, "bench_256", 256, 0, 0, false);
  cache_alloc_free_ring(state, b, cache, gfp);
}
BENCHMARK(BM_KmemCacheAllocFree)
    ->ArgNames({"alloc", "timing"})
    ->ArgsProduct({every_design(), {0, 1}});

// args: sheaves (0: linux-6 SLUB, 6.8's fast path; 1: linux-6.18 SLUB, a cache
// with sheaf_capacity 32, the sheaf fast path), timing; 1 CPU, a 256-byte cache.
void BM_SheafAllocFree(benchmark::State& state) {
  const auto f = state.range(0) ? model::Flavour::linux_6_18 : model::Flavour::linux_6;
  Booted b(f, "slub", 1, state.range(1) != 0);
  const model::Gfp gfp = model::parse_gfp(f, "GFP_KERNEL");
  sim::Cpu& cpu = b.m.cpu(0);
  model::KmemCacheArgs args;
  args.sheaf_capacity = 32;
  model::KmemCache* cache = b.oa->kmem_cache_create(cpu, "bench_256", 256, 0, 0, false, args);
  cache_alloc_free_ring(state, b, cache, gfp);
}
BENCHMARK(BM_SheafAllocFree)->ArgNames({"sheaves", "timing"})->ArgsProduct({{0, 1}, {0, 1}});

// args: allocator (an index of model::slab_designs()); linux-6, 8 CPUs on 2 nodes, timing on.
// Objects kmalloc'ed on CPU c are kfree'd on CPU (c+4)%8, on the other node.
void BM_CrossCpuFree(benchmark::State& state) {
  constexpr unsigned cpus = 8;
  const auto f = model::Flavour::linux_6;
  Booted b(f, slab_design(state.range(0)), cpus, true);
  const model::Gfp gfp = model::parse_gfp(f, "GFP_KERNEL");
  const std::vector<std::uint32_t> seq = size_sequence();
  std::vector<std::vector<sim::VirtAddr>> live;
  if (!fill_rings(b, gfp, cpus, seq, live)) {
    state.SkipWithError("kmalloc failed while filling the rings");
    return;
  }
  std::size_t i = 0, s = 0;
  for (auto _ : state) {
    const unsigned c = static_cast<unsigned>(i % cpus);
    auto& slot = live[c][(i / cpus) % kSlots];  // allocated earlier on CPU c
    b.oa->kfree(b.m.cpu((c + 4) % cpus), slot);
    slot = b.oa->kmalloc(b.m.cpu(c), seq[s], gfp);
    if (!slot) {
      state.SkipWithError("kmalloc failed");
      break;
    }
    if (++s == kSeqLen) s = 0;
    ++i;
  }
  finish(state, b);
}
BENCHMARK(BM_CrossCpuFree)->ArgName("alloc")->ArgsProduct({every_design()});

}  // namespace
