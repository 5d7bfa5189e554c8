#pragma once
// The workload-specific tables of a run (tables/<name>): the hardware
// exercise's, one row per pattern, and the trace replay's, one row per
// allocation with the traced and the simulated bytes_alloc.
#include <vector>

#include "io/h5/table.hpp"
#include "io/results/stat_columns.hpp"
#include "workloads/hw_exercise.hpp"
#include "workloads/replay.hpp"

namespace allocsim::io {

h5::Table exercise_table(const std::vector<workloads::ExerciseResult>& patterns);
h5::Table replay_table(const workloads::ReplayResult& replay);
// The columns a replay appends to tables/replay for `allocsim report --kmem`,
// read from the trace itself (io/run/replay_tables.cpp fills them):
// call_site, ptr, free_cpu, free_line, in that order.
const std::vector<ColumnDecl>& replay_trace_columns();
// tables/replay_pages: the trace's page allocations (io/run/replay_tables.cpp).
const TableSchema& replay_pages_schema();
// Their columns: tables/replay (with the trace columns), tables/replay_pages,
// then tables/exercise.
std::vector<TableSchema> workload_tables_schema();

}  // namespace allocsim::io
