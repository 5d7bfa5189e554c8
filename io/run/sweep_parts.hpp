#pragma once
// A sweep's part files: each point is run into its own results file,
// ".OUT.parts/point-<i>.h5" next to the output, written atomically so that a
// part under its final name is always complete. An interrupted sweep keeps
// its finished parts, and a resumed one runs only the points found in none.
#include <filesystem>
#include <string>
#include <vector>

#include "io/config/load.hpp"
#include "io/run/execute.hpp"
#include "io/run/sweep_spec.hpp"

namespace allocsim::io {

// ".OUT.parts" in the output's directory.
std::filesystem::path sweep_parts_dir(const std::string& output);
// "<dir>/point-<index>.h5": the point's index keeps names short and unique.
std::string sweep_part_path(const std::filesystem::path& dir, std::size_t index);

// Whether `path` is a results file holding the complete run `name`; a file
// that is missing or cannot be read is not (its point runs again).
bool holds_complete_run(const std::string& path, const std::string& name);

// Where each point's complete run already is, for --resume: its part file,
// else `earlier_output` (the previous results file, "" if none), else ""
// (the point is still to run). Throws OutputError if `earlier_output` is not
// a results file.
std::vector<std::string> finished_points(const std::vector<SweepPoint>& points,
                                         const std::filesystem::path& parts_dir,
                                         const std::string& earlier_output);

// Runs the point's config and writes its one run, named after the point and
// with its parameters, into `part` (atomically).
RunOutcome run_sweep_point(const Config& config, const SweepPoint& point, const std::string& part);

}  // namespace allocsim::io
