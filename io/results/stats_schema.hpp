#pragma once
// Every statistic a results file can hold, in the statistics tree
// (io/results/stat_tree.hpp), with where each appears: built from the
// declarations the results tables are written from, so it cannot disagree
// with them. `allocsim stats` prints it, allocsim.stats_schema() returns it,
// and docs/results.md's generated tables are rendered from the same lists.
#include <string>
#include <string_view>
#include <vector>

#include "io/results/stat_columns.hpp"
#include "io/results/stat_tree.hpp"
#include "sim/stat_decl.hpp"

namespace allocsim::io {

// Where a statistic appears in a run's results (/runs/<run>/...).
struct StatPlace {
  enum class Kind { summary, counters, timeseries, tables };
  Kind kind;
  // summary: the column ("numa_hit", "<op>.ops"); counters: the row name
  // ("zone.<ZONE>.numa_hit"); timeseries: "table.column" ("zones.pcp_refills");
  // tables: "dataset.column" ("tables/exercise.ops", "latency/<op>.count", "events.cpu").
  std::string name;
};
std::string_view to_string(StatPlace::Kind kind);

struct StatEntry {
  std::string_view component;  // a tree::kNodes path
  sim::StatDecl stat;
  std::string_view type;          // u64, i64, f64, str, or histogram (a registry histogram)
  std::vector<StatPlace> places;  // empty: counted, but in no results table
};

// Grouped by component in tree order; within one, declaration order.
std::vector<StatEntry> stats_schema();

// The declared tables of a results file, in file order: the summary's parts
// ("summary/kernel", ...), the timeseries, latency/<op>, tables/*, events.
std::vector<TableSchema> results_tables_schema();

}  // namespace allocsim::io
