#pragma once
// Running a generated workload on the simulated kernel. Each CPU runs one
// executor fiber that interleaves the thread instances bound to it (round
// robin, a time slice each), takes interrupt arrivals between operations,
// and carries out the frees whose time has come on it (lifetimes, objects
// handed over by other CPUs, RCU grace periods).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "model/kernel.hpp"
#include "workloads/generator/op_table.hpp"
#include "workloads/generator/spec.hpp"

namespace allocsim::workloads::gen {

struct OpTotals {
  std::uint64_t ops = 0;       // operations done (an allocation, a free, a touch, ...)
  std::uint64_t failures = 0;  // allocations that returned NULL
  std::uint64_t cycles = 0;    // simulated cycles they took on their CPU
};

struct GeneratorResult {
  // Per thread (spec order) and operation kind; frees include the frees that
  // lifetimes, evictions and RCU callbacks did.
  std::vector<std::array<OpTotals, kOpKinds>> by_thread;
  std::array<OpTotals, kOpKinds> total{};
  std::uint64_t lifetime_frees = 0;  // frees done because a lifetime ended
  std::uint64_t remote_frees =
      0;  // lifetimes (rcu or not) ended on another CPU than the allocating one
  std::uint64_t rcu_frees = 0;   // frees after a grace period (rcu frees and rcu lifetimes)
  std::uint64_t evictions = 0;   // frees done by `keep` before an allocation
  std::uint64_t passed = 0;      // objects moved to another thread's pool
  std::uint64_t empty_pool = 0;  // free/touch/pass on an empty pool (skipped)
  std::uint64_t irq_arrivals = 0;
  std::uint64_t barrier_waits = 0, live_waits = 0, pool_waits = 0;
  std::uint64_t live_at_end = 0;     // objects still allocated (pools and pending frees)
  std::uint64_t pending_at_end = 0;  // of those, waiting for their lifetime or grace period
  std::uint64_t peak_live = 0;
  std::uint64_t diagnostics = 0;  // allocator diagnostics during the run
  sim::Cycles started = 0;        // simulated time when the threads started (after setup)
  sim::Cycles elapsed = 0;        // simulated time when the last CPU finished
  std::uint64_t fingerprint = 0;  // fold of every operation and its result
};

// How far a running workload is, for progress reports: 0 at the start, 1
// when every process thread has finished (the mean over thread instances of
// the phases done, each phase by its iterations or its duration).
class RunProgress {
 public:
  virtual ~RunProgress() = default;
  virtual double fraction(sim::Cycles now) const = 0;
};

// Told when the threads start, after the workload's caches and mempools are
// set up (the results sampler arms its timer there, so setup is not sampled).
class RunHooks {
 public:
  virtual ~RunHooks() = default;
  virtual void started(sim::Cycles at, const RunProgress& progress) = 0;
  // Asked once: whether op() wants every operation (the results' events table).
  virtual bool wants_ops() const { return false; }
  // One operation done on `cpu`: it started at `start` and took `cycles`.
  virtual void op(sim::CpuId /*cpu*/, OpKind /*kind*/, sim::Cycles /*start*/,
                  sim::Cycles /*cycles*/) {}
};

// Runs `spec` to completion on `kernel` (whose machine must not be running).
GeneratorResult run_generator(const GeneratorSpec& spec, model::Kernel& kernel,
                              RunHooks* hooks = nullptr);

}  // namespace allocsim::workloads::gen
