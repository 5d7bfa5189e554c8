// Host parsing speed of the kmem trace readers, in trace lines per host
// second: the largest shared capture (kmem-boot-i386-3.6-SLUB, 3.6 raw ftrace
// with CRLF; skipped when ${ALLOCSIM_SHARED_DIR}/traces is absent) and a
// synthetic 6.x trace generated in memory. Report the figures; never assert them.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "model/kernel.hpp"
#include "workloads/replay.hpp"
#include "workloads/trace/event_source.hpp"
#include "workloads/trace/readers.hpp"
#include "workloads/trace/synthetic.hpp"

namespace {

using namespace allocsim::workloads::trace;

void parse_loop(benchmark::State& state, const std::string& text, Format format) {
  std::uint64_t lines = 0;
  for (auto _ : state) {
    Trace t = parse_trace(text, format, "bench");
    lines += t.stats.lines;
    benchmark::DoNotOptimize(t.events.data());
  }
  state.counters["lines/s"] =
      benchmark::Counter(static_cast<double>(lines), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size() * state.iterations()));
}

void BM_ParseSharedSlub(benchmark::State& state) {
  const auto path =
      std::filesystem::path(ALLOCSIM_SHARED_DIR) / "traces" / "kmem-boot-i386-3.6-SLUB.ftrace.txt";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    state.SkipWithError("shared trace kmem-boot-i386-3.6-SLUB.ftrace.txt not present");
    for (auto _ : state) {
    }
    return;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  parse_loop(state, text, Format::ftrace);
}
BENCHMARK(BM_ParseSharedSlub)->Unit(benchmark::kMillisecond);

void BM_ParseSynthetic6x(benchmark::State& state) {
  const std::string text = synthetic_6x_ftrace(static_cast<std::size_t>(state.range(0)));
  parse_loop(state, text, Format::ftrace);
}
BENCHMARK(BM_ParseSynthetic6x)->Arg(200'000)->Unit(benchmark::kMillisecond);

// Parse + replay of the synthetic 6.x trace through a booted 8-CPU linux-6
// SLUB kernel, timing off and on: events per host second, parsing included.
void BM_ParseAndReplaySynthetic6x(benchmark::State& state) {
  namespace sim = allocsim::sim;
  namespace model = allocsim::model;
  const std::string text = synthetic_6x_ftrace(100'000);
  sim::MachineConfig c;
  c.name = "bench";
  c.cpus = 8;
  c.nodes = 2;
  c.links = {{0, 1, 21}};
  c.timing = state.range(0) != 0;
  sim::assign_contiguous_memory(c, 1ull << 30);
  std::uint64_t events = 0;
  for (auto _ : state) {
    state.PauseTiming();
    sim::Machine m(c, 1);
    model::Kernel k(m, model::KernelConfig{});
    state.ResumeTiming();
    const Trace t = parse_trace(text, Format::ftrace, "bench");
    TraceEvents source(t);  // no row sink: the rows are not kept
    const auto r = allocsim::workloads::replay(source, k);
    events += r.events;
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseAndReplaySynthetic6x)
    ->ArgName("timing")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
