// Host throughput of the hardware model: simulated memory references per host
// second through L1/L2/LLC/coherence, and event-queue and engine overheads.
// Run: build/bench/bench_sim   (report figures in the issue notes, never assert them)
#include <benchmark/benchmark.h>

#include "sim/machine.hpp"

namespace {

using namespace allocsim::sim;

MachineConfig bench_machine(std::uint32_t cpus, std::uint32_t nodes) {
  MachineConfig c;  // the struct's defaults: 32 KiB L1, 1 MiB L2, 16 MiB LLC per node
  c.ghz = 2.5;
  c.cpus = cpus;
  c.nodes = nodes;
  c.memory.latency = 212;
  c.memory.channels = 2;
  c.coherence = {120, 150, 338};
  assign_contiguous_memory(c, 1ull << 30);
  return c;
}

// (a) One CPU, 3:1 reads to writes over 16 KiB: everything hits L1 after warm-up.
void BM_L1ResidentMix(benchmark::State& state) {
  Machine m(bench_machine(1, 1), 1);
  MemorySystem& mem = *m.memory_system();
  Rng rng(1, 0);
  std::vector<PhysAddr> addrs(4096);
  for (auto& a : addrs) a = PhysAddr(0x100000 + rng.below(16 * 1024 / 8) * 8);
  std::size_t i = 0;
  Cycles t = 0;
  for (auto _ : state) {
    const PhysAddr a = addrs[i++ & 4095];
    t += mem.access(0, a, 8, (i & 3) ? AccessKind::read : AccessKind::write, t);
  }
  benchmark::DoNotOptimize(t);
  state.counters["refs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_L1ResidentMix);

// (b) Eight CPUs on two nodes, random reads and writes over 64 MiB: L2/LLC
// misses, remote memory and coherence traffic.
void BM_RandomMix64MiB(benchmark::State& state) {
  Machine m(bench_machine(8, 2), 1);
  MemorySystem& mem = *m.memory_system();
  Rng rng(2, 0);
  std::vector<PhysAddr> addrs(1 << 16);
  for (auto& a : addrs) a = PhysAddr((rng.below(2) << 30) + rng.below(32ull << 20));
  std::size_t i = 0;
  Cycles t = 0;
  for (auto _ : state) {
    const PhysAddr a = addrs[i & 0xffff];
    t += mem.access(static_cast<CpuId>(i & 7), a, 8, (i & 3) ? AccessKind::read : AccessKind::write,
                    t);
    ++i;
  }
  benchmark::DoNotOptimize(t);
  state.counters["refs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RandomMix64MiB);

// (c) Two CPUs writing adjacent words of one line: every access is a c2c transfer.
void BM_FalseSharingPingPong(benchmark::State& state) {
  Machine m(bench_machine(2, 1), 1);
  MemorySystem& mem = *m.memory_system();
  std::size_t i = 0;
  Cycles t = 0;
  for (auto _ : state) {
    const CpuId cpu = static_cast<CpuId>(i++ & 1);
    t += mem.access(cpu, PhysAddr(0x100000 + cpu * 8), 8, AccessKind::write, t);
  }
  benchmark::DoNotOptimize(t);
  state.counters["refs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FalseSharingPingPong);

// Event queue: a steady population of 64 pending events, one pop and one push per iteration.
void BM_EventQueuePushPop(benchmark::State& state) {
  struct Nop : EventHandler {
    void on_event(Cycles, std::uint64_t) override {}
  } nop;
  EventQueue q(128);
  Rng rng(3, 0);
  for (CpuId c = 0; c < 64; ++c) q.push(rng.below(1000), c, &nop);
  for (auto _ : state) {
    const Event e = q.pop();
    q.push(e.time + 1 + rng.below(1000), e.cpu, &nop);
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EventQueuePushPop);

// The engine end to end: 8 CPUs interleaved at every access (a sync per access,
// so fibers switch whenever another CPU falls behind).
void BM_EngineInterleavedAccesses(benchmark::State& state) {
  const std::uint64_t per_cpu = 100000;
  for (auto _ : state) {
    Machine m(bench_machine(8, 2), 1);
    for (CpuId c = 0; c < 8; ++c)
      m.spawn(c, [per_cpu](Cpu& cpu) {
        for (std::uint64_t i = 0; i < per_cpu; ++i) {
          cpu.read(PhysAddr(0x100000 + (cpu.rng().below(4096) * 8)));
          cpu.sync();
        }
      });
    m.run();
  }
  state.counters["refs/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * per_cpu * 8), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EngineInterleavedAccesses)->Unit(benchmark::kMillisecond);

}  // namespace
