#pragma once
// End-of-run results read from the kernel and the machine: the summary's
// common columns, the counters table, the latency histograms and the /proc
// reports (docs/results.md lists every field with its unit).
#include <string>
#include <utility>
#include <vector>

#include "io/h5/table.hpp"
#include "model/kernel.hpp"

namespace allocsim::io {

// Hardware and kernel columns: cache miss rates per level, c2c transfers,
// remote access share, lock waits per class, pcp refills and drains, NUMA
// counters, slab counts and overhead, fragmentation indices, reclaim.
void add_kernel_summary(model::Kernel& kernel, h5::Table& summary);
// Per operation kind (every kind, zero when it did not run): count, mean and
// tail latencies from the workload's latency histograms.
void add_latency_summary(const sim::StatsRegistry& stats, h5::Table& summary);

// Every registered counter (name, scope, value), then the vm events and the
// per-zone counters.
h5::Table counters_table(model::Kernel& kernel);
// latency/<op>: the non-empty buckets of each op kind's histogram per CPU.
std::vector<std::pair<std::string, h5::Table>> latency_tables(const sim::StatsRegistry& stats);
// proc/<name>: every report Kernel::proc knows.
std::vector<std::pair<std::string, std::string>> proc_reports(const model::Kernel& kernel);

}  // namespace allocsim::io
