#pragma once
// One run of a loaded config, start to finish: builds the machine and the
// kernel, runs the workload (generator, trace replay or hardware exercise),
// samples the timeseries and collects every result (io/results). Shared by
// `allocsim run`, `allocsim sweep` and the Python module; prints nothing.
#include <optional>
#include <string>
#include <vector>

#include "io/config/load.hpp"
#include "io/results/run_results.hpp"
#include "io/results/sampler.hpp"
#include "workloads/generator/run.hpp"
#include "workloads/hw_exercise.hpp"
#include "workloads/replay.hpp"
#include "workloads/trace/trace.hpp"

namespace allocsim::io {

struct ExecuteOptions {
  std::string name = "run";  // the run's group name in the results file
  std::string parameters;    // a sweep point's "key=value" lines
  ProgressCell* progress = nullptr;
  // A replay's tables/replay (a row per replayed event, streamed to a
  // temporary file); `allocsim run` without -o has no use for it.
  bool replay_rows = true;
  // Where the timeseries go: into RunResults::timeseries (memory: for
  // inspecting them), spooled to a temporary file and written from it a chunk
  // at a time (streamed: host memory bounded whatever the machine and the
  // run's length), or nowhere (none: `allocsim run` without -o).
  enum class Timeseries { memory, streamed, none };
  Timeseries timeseries = Timeseries::memory;
};

// What the CLI prints besides the results tables.
struct RunOutcome {
  RunResults results;
  std::optional<workloads::gen::GeneratorResult> generator;
  std::optional<workloads::ReplayResult> replay;
  workloads::trace::TraceStats trace_stats;
  workloads::trace::Format trace_format = workloads::trace::Format::ftrace;
  std::vector<workloads::ExerciseResult> exercise;
  std::uint64_t kswapd_runs = 0;
  std::uint64_t diagnostics = 0;
  std::vector<std::string> first_diagnostics;  // formatted, at most 5
  sim::Cycles elapsed = 0;                     // simulated time at the end
};

// Throws ConfigError / TraceError for bad input, std::exception otherwise.
RunOutcome execute(const Config& config, const ExecuteOptions& options = {});

// What a run does before it simulates, without simulating: builds the
// machine and boots the kernel, whose range checks (boot memory per node,
// cache geometry) only they know, and reads the trace to replay. Throws the
// ConfigError (or TraceError) that execute() would throw for the same
// config; `allocsim validate` calls it.
void check_runnable(const Config& config);

// The configured workload (generator or trace) on an existing kernel built
// from the same config: Python's Simulator.run after step-by-step calls.
// A workload can run once per kernel (its statistics are registered once).
RunOutcome execute_on(model::Kernel& kernel, const Config& config,
                      const ExecuteOptions& options = {});

// The run's name in results from its files and the --set overrides, e.g.
// "colouring-study" or "default".
std::string default_run_name(const std::vector<std::string>& files);

}  // namespace allocsim::io
