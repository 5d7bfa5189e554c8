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
// Their columns: tables/replay, then tables/exercise.
std::vector<TableSchema> workload_tables_schema();

}  // namespace allocsim::io
