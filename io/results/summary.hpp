#pragma once
// The summary: one row of a run's headline numbers. Its columns come in parts,
// each a declared list (io/results/stat_columns.hpp): identity and time (every
// run), per operation kind and the generator's counters (generated
// workloads), the replay's counters, the exercise's, and the hardware and
// kernel totals at the end of the run (docs/results.md, generated from these
// lists, says what each column means).
#include <cstdint>
#include <string>
#include <vector>

#include "io/config/load.hpp"
#include "io/h5/table.hpp"
#include "io/results/stat_columns.hpp"
#include "model/kernel.hpp"
#include "workloads/generator/run.hpp"
#include "workloads/replay.hpp"
#include "workloads/trace/trace.hpp"

namespace allocsim::io {

// What ran, on what, and the simulated time: the columns every summary starts with.
struct RunSummary {
  const Config& config;
  std::string workload;  // the generator's name, "trace:<file>", "recording:<dir>" or "exercise"
  sim::Cycles started = 0, elapsed = 0;
};
void add_run_summary(const RunSummary& run, h5::Table& summary);

// Per operation kind (every kind, zero when it did not run): count, mean and
// tail latencies from the workload's latency histograms, then all kinds together.
void add_latency_summary(const sim::StatsRegistry& stats, h5::Table& summary);
void add_generator_summary(const workloads::gen::GeneratorResult& g, double ghz,
                           h5::Table& summary);
// A replay's counters and its comparison with the traced kernel
// (workloads/replay/accuracy.hpp), then, like add_latency_summary, per event
// kind it ran (kmalloc, kfree, mm_page_alloc, ...).
void add_replay_summary(const workloads::ReplayResult& r, const workloads::trace::TraceStats& t,
                        h5::Table& summary);
void add_replay_latency_summary(const sim::StatsRegistry& stats, h5::Table& summary);
void add_exercise_summary(std::uint64_t ops, h5::Table& summary);
// Hardware and kernel: cache miss rates, c2c transfers, remote accesses, lock
// waits (per class too), pcp and NUMA counters, free memory, fragmentation
// indices, reclaim, slab counts and overhead, vmalloc areas, diagnostics;
// then, when some cache has linux-6.18 sheaves, their counters and contents.
void add_kernel_summary(model::Kernel& kernel, h5::Table& summary);

// Every part's column declarations, in the order the parts are written
// (TableSchema::name is the part's id, e.g. "summary/kernel").
std::vector<TableSchema> summary_schema();

}  // namespace allocsim::io
