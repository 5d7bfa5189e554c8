#pragma once
// The counters table: every counter at the end of a run, one row each (name,
// scope, value). Rows: the machine's statistics registry in registration
// order, then the page allocator's events (`vm.<event>`, scope -1), then each
// zone's counters (`zone.<ZONE>.<counter>`, scope: the zone's index in the
// machine). The rows follow the counters' declarations.
#include <string>
#include <string_view>
#include <vector>

#include "io/h5/table.hpp"
#include "model/kernel.hpp"
#include "sim/stat_decl.hpp"

namespace allocsim::io {

h5::Table counters_table(model::Kernel& kernel);
// The table's columns and no rows (the hardware exercise has no single end state).
h5::Table empty_counters_table();

// One declared kind of row: its name (a pattern for families, `lock.<class>.contended`).
struct CounterRows {
  std::string name;
  std::string_view scope;  // what the scope column counts: "CPU", "node", "zone" or "-1"
  std::string_view component;
  sim::StatDecl stat;
};
// Every row the table can hold, in table order.
std::vector<CounterRows> counters_schema();

}  // namespace allocsim::io
