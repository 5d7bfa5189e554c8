// Host throughput of the page allocator: order-0 alloc+free pairs with timing
// off and on, 1 and 8 simulated CPUs, pcp on and off, both flavours; and the
// time to boot a 64 GiB machine. Report the figures; never assert them.
#include <benchmark/benchmark.h>

#include "model/page_alloc.hpp"

namespace {

using namespace allocsim;

sim::MachineConfig machine(unsigned cpus, std::uint64_t gib_per_node, unsigned nodes, bool timing) {
  sim::MachineConfig c;
  c.ghz = 2.5;
  c.cpus = cpus;
  c.nodes = nodes;
  c.timing = timing;
  c.memory.latency = 212;
  c.coherence = {120, 150, 338};
  sim::assign_contiguous_memory(c, gib_per_node << 30);
  return c;
}

// args: flavour (0 = 2.6, 1 = 6), cpus, pcp, timing
void BM_AllocFreeOrder0(benchmark::State& state) {
  const auto f = state.range(0) ? model::Flavour::linux_6 : model::Flavour::linux_2_6;
  const auto cpus = static_cast<unsigned>(state.range(1));
  model::KernelConfig k;
  k.flavour = f;
  k.pcp = state.range(2) != 0;
  sim::Machine m(machine(cpus, 2, 1, state.range(3) != 0), 1);
  model::PageAllocator pa(m, k);
  const model::Gfp gfp = model::parse_gfp(f, "GFP_KERNEL");
  // A working set of 64 live pages per CPU, recycled: realistic pcp traffic.
  std::vector<std::vector<model::Pfn>> live(cpus);
  for (unsigned c = 0; c < cpus; ++c)
    for (int i = 0; i < 64; ++i) live[c].push_back(*pa.alloc_pages(m.cpu(c), gfp, 0));
  std::size_t i = 0;
  for (auto _ : state) {
    const unsigned c = static_cast<unsigned>(i % cpus);
    auto& slot = live[c][(i / cpus) % 64];
    pa.free_pages(m.cpu(c), slot, 0);
    slot = *pa.alloc_pages(m.cpu(c), gfp, 0);
    ++i;
  }
  state.counters["pairs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AllocFreeOrder0)
    ->ArgNames({"v6", "cpus", "pcp", "timing"})
    ->Args({0, 1, 1, 0})
    ->Args({1, 1, 1, 0})
    ->Args({1, 1, 0, 0})
    ->Args({0, 1, 0, 0})
    ->Args({1, 8, 1, 0})
    ->Args({1, 1, 1, 1})
    ->Args({1, 8, 1, 1})
    ->Args({1, 8, 0, 1})
    ->Args({0, 8, 1, 1});

void BM_Boot64GiB(benchmark::State& state) {
  const auto f = state.range(0) ? model::Flavour::linux_6 : model::Flavour::linux_2_6;
  model::KernelConfig k;
  k.flavour = f;
  for (auto _ : state) {
    sim::Machine m(machine(8, 32, 2, false), 1);
    model::PageAllocator pa(m, k);
    benchmark::DoNotOptimize(pa.zones().size());
  }
  state.counters["host_bytes_per_page"] = static_cast<double>(sizeof(model::Page));
}
BENCHMARK(BM_Boot64GiB)
    ->ArgName("v6")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace
