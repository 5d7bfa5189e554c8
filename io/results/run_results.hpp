#pragma once
// Everything one run leaves behind, in memory: what results_file.cpp writes
// under /runs/<name>/ (docs/results.md) and reads back.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "io/h5/spooled_table.hpp"
#include "io/h5/table.hpp"
#include "io/results/streamed_table.hpp"

namespace allocsim::io {

struct RunInfo {
  std::string name;
  std::string config;  // the resolved YAML: loads back to the same run
  std::uint64_t seed = 0;
  std::string allocsim_version;
  std::string git_revision;  // "" when unknown
  std::string host;
  std::string start_time;  // UTC, ISO 8601
  double wall_seconds = 0;
  std::string workload;    // generator, trace or exercise
  std::string parameters;  // a sweep point's "key=value" lines ("" for a single run)
};

struct RunResults {
  RunInfo info;
  h5::Table summary;   // one row
  h5::Table counters;  // name, scope, value
  // The timeseries in memory (read back from a file, or ExecuteOptions::
  // timeseries = memory), or spooled while the run went (streamed; written
  // from the spool, a chunk at a time).
  std::vector<std::pair<std::string, h5::Table>> timeseries;
  std::vector<std::pair<std::string, std::shared_ptr<const h5::SpooledTable>>> spooled_timeseries;
  std::vector<std::pair<std::string, h5::Table>> latency;
  std::vector<std::pair<std::string, h5::Table>> tables;  // workload-specific (exercise, replay)
  // tables/<name> written while the run went (a replay's rows), finished.
  std::vector<std::shared_ptr<StreamedTable>> streamed;
  std::vector<std::pair<std::string, std::string>> proc;  // /proc files in Linux's text formats
  h5::Table events;  // sampled operations (run.events); no columns when not kept
};

}  // namespace allocsim::io
