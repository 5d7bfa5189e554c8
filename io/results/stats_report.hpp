#pragma once
// The statistics schema as text: `allocsim stats` (text or JSON) and the
// tables docs/results.md shows between its generated-section markers.
#include <string>
#include <string_view>
#include <vector>

#include "io/results/stats_schema.hpp"

namespace allocsim::io {

// Grouped by component; `filter` (if not empty) keeps the statistics whose
// component starts with it, or whose name or a place's name contains it.
std::string stats_text(const std::vector<StatEntry>& stats, std::string_view filter = {});
// {"components": [{path, what}], "statistics": [{component, name, type, unit,
// meaning, source, summary, counters, timeseries, tables}]}.
std::string stats_json(const std::vector<StatEntry>& stats);

// The ids of docs/results.md's generated sections, in file order, and one
// section's markdown (a table of columns or of counters rows).
std::vector<std::string> results_doc_sections();
std::string results_doc_section(std::string_view id);

}  // namespace allocsim::io
