#pragma once
// The built-in hardware exercise: every CPU hammers memory in one pattern while
// the machine model charges each access. It shows the model's effects before
// any allocator is involved: per-CPU counters packed eight to a line (false
// sharing), the same counters padded to a line each, and random reads over a
// footprint spread across the nodes (cache capacity and NUMA).
#include <cstdint>
#include <string>

#include "model/alloc_observer.hpp"
#include "model/kernel_config.hpp"
#include "sim/machine_config.hpp"
#include "sim/stats.hpp"
#include "workloads/exercise_config.hpp"

namespace allocsim::workloads {

struct ExerciseResult {
  ExercisePattern pattern;
  std::uint64_t ops = 0;     // accesses, all CPUs together
  sim::Cycles elapsed = 0;   // simulated time until the last CPU finished
  double cycles_per_op = 0;  // mean access cost seen by a CPU
  std::uint64_t l1d_misses = 0, l2_misses = 0, llc_misses = 0;
  std::uint64_t c2c_transfers = 0, false_sharing = 0, invalidations = 0;
  std::uint64_t local_memory = 0, remote_memory = 0;
  std::uint64_t lock_wait = 0;    // cycles spent waiting for simulated spinlocks
  std::uint64_t fingerprint = 0;  // fold of the statistics, to compare runs bit for bit
};

ExerciseResult run_exercise(const sim::MachineConfig& machine, std::uint64_t seed,
                            ExercisePattern pattern, std::uint64_t ops_per_cpu,
                            std::uint64_t footprint_bytes, const model::KernelConfig& kernel = {},
                            model::AllocObserver* observer = nullptr);

// A fold of every counter and histogram (name, scope, value): equal for equal runs.
std::uint64_t stats_fingerprint(const sim::StatsRegistry& stats);

}  // namespace allocsim::workloads
