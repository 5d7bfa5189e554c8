// What the workload language costs on the host. The same kmalloc(512)/kfree
// pairs on 8 CPUs are driven twice: by a hand-written loop straight into the
// object allocator, and by a workload.generator (pools, op dispatch, the
// per-CPU executors). The gap in allocator calls per host second is the
// generator's overhead. A third case runs the embedded default workload with
// timing on, as `allocsim run` does. Report the figures; never assert them.
#include <benchmark/benchmark.h>

#include "io/config/load.hpp"
#include "model/kernel.hpp"
#include "sim/machine.hpp"
#include "workloads/generator/run.hpp"

namespace {

using namespace allocsim;

constexpr std::uint64_t kPairsPerCpu = 20000;

io::Config functional_config(const std::string& yaml) {
  return io::load_config_text(yaml, "bench.yaml", {"machine.timing=false"});
}

void BM_DirectLoop(benchmark::State& state) {
  const io::Config c = functional_config("");
  std::uint64_t calls = 0;
  for (auto _ : state) {
    sim::Machine machine(c.machine, c.run.seed);
    model::Kernel kernel(machine, c.kernel);
    const model::Gfp gfp = model::parse_gfp(c.kernel.flavour, "GFP_KERNEL");
    for (sim::CpuId cpu = 0; cpu < machine.cpus(); ++cpu)
      machine.spawn(cpu, [&](sim::Cpu& self) {
        for (std::uint64_t i = 0; i < kPairsPerCpu; ++i) {
          const sim::VirtAddr a = kernel.slab().kmalloc(self, 512, gfp);
          kernel.slab().kfree(self, a);
          self.sync();
        }
      });
    machine.run();
    calls += 2 * kPairsPerCpu * machine.cpus();
  }
  state.counters["calls/s"] =
      benchmark::Counter(static_cast<double>(calls), benchmark::Counter::kIsRate);
}

void BM_Generator(benchmark::State& state) {
  const io::Config c = functional_config(R"y(workload:
  kind: generator
  generator:
    name: pairs
    threads:
      - name: w
        cpus: all
        iterations: 20000
        ops:
          - kmalloc: {size: 512, into: p}
          - kfree: p
)y");
  std::uint64_t calls = 0;
  for (auto _ : state) {
    sim::Machine machine(c.machine, c.run.seed);
    model::Kernel kernel(machine, c.kernel);
    const auto r = workloads::gen::run_generator(c.generator, kernel);
    calls += r.total[static_cast<std::size_t>(workloads::gen::OpKind::kmalloc)].ops +
             r.total[static_cast<std::size_t>(workloads::gen::OpKind::free)].ops;
  }
  state.counters["calls/s"] =
      benchmark::Counter(static_cast<double>(calls), benchmark::Counter::kIsRate);
}

void BM_DefaultWorkloadTimingOn(benchmark::State& state) {
  const io::Config c = io::load_config({}, {});
  std::uint64_t ops = 0;
  for (auto _ : state) {
    sim::Machine machine(c.machine, c.run.seed);
    model::Kernel kernel(machine, c.kernel);
    const auto r = workloads::gen::run_generator(c.generator, kernel);
    for (const auto& t : r.total) ops += t.ops;
  }
  state.counters["ops/s"] =
      benchmark::Counter(static_cast<double>(ops), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_DirectLoop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Generator)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DefaultWorkloadTimingOn)->Unit(benchmark::kMillisecond);
