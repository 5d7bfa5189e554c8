#pragma once
// Runs in a results file (docs/results.md): /runs/<name>/ with attributes
// (config, seed, allocsim_version, git_revision, host, start_time,
// wall_seconds, workload, parameters, complete), the summary and counters
// tables, and the timeseries/, latency/, tables/ and proc/ groups.
#include <hdf5.h>

#include <string>
#include <vector>

#include "io/results/run_results.hpp"

namespace allocsim::io {

// The file's layout version (attribute "allocsim_results" on the root).
inline constexpr std::uint64_t kResultsLayout = 1;

// Creates (or truncates) `path` and writes the runs into it.
void write_results_file(const std::string& path, const std::vector<const RunResults*>& runs);

// Why `name` cannot name a run ("" if it can): HDF5 link names exclude '/',
// and ".", ".." and "" are not names.
std::string run_name_problem(const std::string& name);

// Writes one run; "complete" = 1 is its last attribute, so a run cut short
// is recognisable. Throws h5::H5Error if the run exists.
void write_run(hid_t file, const RunResults& run);
// Every run name, sorted; complete ones only unless `all`.
std::vector<std::string> list_runs(hid_t file, bool all = false);
bool run_complete(hid_t file, const std::string& name);
// Reads a run back (tables, texts and attributes). Throws h5::H5Error if
// absent. A replay's tables/replay, a row per event, only with `replay_rows`.
RunResults read_run(hid_t file, const std::string& name, bool replay_rows = false);

}  // namespace allocsim::io
