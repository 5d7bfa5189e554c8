#pragma once
// The parts of a run's results read once at its end besides the summary and
// the counters table: latency/<op>, the buckets of each operation kind's
// latency histograms, and proc/<name>, the kernel's /proc reports.
#include <string>
#include <utility>
#include <vector>

#include "io/h5/table.hpp"
#include "io/results/stat_columns.hpp"
#include "model/kernel.hpp"

namespace allocsim::io {

// latency/<op>: the non-empty buckets of each op kind's histogram per CPU,
// for the kinds that ran.
std::vector<std::pair<std::string, h5::Table>> latency_tables(const sim::StatsRegistry& stats);
// The columns of a latency/<op> table.
TableSchema latency_schema();
// proc/<name>: every report Kernel::proc knows.
std::vector<std::pair<std::string, std::string>> proc_reports(const model::Kernel& kernel);

}  // namespace allocsim::io
