#pragma once
// The workload-specific tables of a run (tables/<name>): the hardware
// exercise's, one row per pattern; the trace replay's, one row per replayed
// event with its traced values, start and latency (written as the replay
// goes: see StreamedTable); and the replay's comparison with the traced
// kernel, tables/replay_accuracy.
#include <vector>

#include "io/h5/table.hpp"
#include "io/h5/table_append.hpp"
#include "io/results/stat_columns.hpp"
#include "workloads/hw_exercise.hpp"
#include "workloads/replay.hpp"

namespace allocsim::io {

h5::Table exercise_table(const std::vector<workloads::ExerciseResult>& patterns);
// tables/replay's columns, and one row appended to it.
std::vector<h5::TableAppender::ColumnSpec> replay_table_columns();
void append_replay_row(h5::TableAppender& t, const workloads::ReplayRow& row);
h5::Table replay_accuracy_table(const workloads::ReplayResult& r);
// Their columns: tables/replay, tables/replay_accuracy, then tables/exercise.
std::vector<TableSchema> workload_tables_schema();

}  // namespace allocsim::io
