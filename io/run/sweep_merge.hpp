#pragma once
// The end of a sweep: every point's run, from its part file or an earlier
// results file, merged in point order into one results file together with
// the /sweep table (docs/results.md). `allocsim sweep` and Python's
// allocsim.sweep both write their output through here.
#include <string>
#include <vector>

#include "io/h5/table.hpp"
#include "io/run/sweep_spec.hpp"

namespace allocsim::io {

// One row per point: index, run, status ("complete" or "failed"), then a
// column per swept key in the order the points first name them (the value,
// or "" for a point that does not set that key).
h5::Table sweep_table(const std::vector<SweepPoint>& points, const std::vector<bool>& complete);

// Writes `path` (created or truncated): the layout attribute, the complete
// run of each point copied from the results file `sources[i]` ("" for a
// point that failed), and /sweep. A point whose file does not hold its
// complete run is failed too. Returns, per point, whether its run is in.
std::vector<bool> merge_sweep(const std::string& path, const std::vector<SweepPoint>& points,
                              const std::vector<std::string>& sources);

}  // namespace allocsim::io
