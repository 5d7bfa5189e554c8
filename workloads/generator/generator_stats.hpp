#pragma once
// The declarations of a generated workload's statistics (sim/stat_decl.hpp):
// GeneratorResult's counters, which `allocsim run` prints and the results
// summary holds, and the latency histogram of each operation kind.
#include <array>

#include "sim/stat_decl.hpp"
#include "workloads/generator/run.hpp"

namespace allocsim::workloads::gen {

// One per operation kind and CPU, registered before the threads start. A
// trace replay registers one per event kind it runs (kmalloc, kfree,
// mm_page_alloc, ...), named after the tracepoint.
inline constexpr sim::RegistryDecl kOpLatency{
    {"workload.<op>.cycles", "cycles",
     "cycles each unit of one operation kind (a replay: each event of one kind) took on its CPU",
     "Runner::record (workloads/generator/ops.cpp); Replayer::execute "
     "(workloads/replay/replayer.cpp)"},
    sim::StatScope::cpu,
    sim::StatKind::latency};

// GeneratorResult's counters, in the order `allocsim run` prints them.
inline constexpr std::array<sim::FieldDecl<GeneratorResult>, 14> kGeneratorCounters{{
    {{"lifetime_frees", "1", "frees at the end of a lifetime",
      "a lifetime's due free without rcu (workloads/generator/runner.cpp)"},
     &GeneratorResult::lifetime_frees},
    {{"remote_frees", "1", "lifetime frees on another CPU than the allocation's",
      "a due lifetime free (rcu or not) on another CPU (runner.cpp)"},
     &GeneratorResult::remote_frees},
    {{"rcu_frees", "1", "frees after an RCU grace period",
      "rcu free ops and rcu lifetimes, at the end of the grace period (runner.cpp)"},
     &GeneratorResult::rcu_frees},
    {{"evictions", "1", "frees to make room in a pool (keep)",
      "`keep` before an allocation (workloads/generator/ops.cpp)"},
     &GeneratorResult::evictions},
    {{"passed", "1", "objects passed between threads", "pass ops (ops.cpp)"},
     &GeneratorResult::passed},
    {{"irq_arrivals", "1", "interrupts taken", "irq thread arrivals handled (runner.cpp)"},
     &GeneratorResult::irq_arrivals},
    {{"barrier_waits", "1", "waits at a barrier", "barrier ops that blocked (ops.cpp)"},
     &GeneratorResult::barrier_waits},
    {{"pool_waits", "1", "waits for an object in an empty pool",
      "free/touch/pass ops with `wait` on an empty pool (ops.cpp)"},
     &GeneratorResult::pool_waits},
    {{"live_waits", "1", "waits at max_live", "allocations held back by `max_live` (ops.cpp)"},
     &GeneratorResult::live_waits},
    {{"empty_pool", "1", "ops on an empty pool (skipped)",
      "free/touch/pass ops without `wait` on an empty pool (ops.cpp)"},
     &GeneratorResult::empty_pool},
    {{"peak_live", "objects", "peak live objects (page-cache pages not included)",
      "the object table's high-water mark (ops.cpp)"},
     &GeneratorResult::peak_live},
    {{"live_at_end", "objects", "live objects at the end (in pools or awaiting their free)",
      "the object table at the end of the run (runner.cpp)"},
     &GeneratorResult::live_at_end},
    {{"pending_at_end", "objects", "live objects whose free is still pending at the end",
      "frees queued for a lifetime or grace period at the end (runner.cpp)"},
     &GeneratorResult::pending_at_end},
    {{"diagnostics", "1", "allocator diagnostics during the run",
      "the kernel's DiagnosticLog, counted from the start of the run (runner.cpp)"},
     &GeneratorResult::diagnostics},
}};

// The run's times and its fold of every operation.
inline constexpr std::array<sim::FieldDecl<GeneratorResult>, 3> kGeneratorRun{{
    {{"started", "cycles", "simulated time when the threads started, after the setup",
      "after the workload's caches and mempools are created (runner.cpp)"},
     &GeneratorResult::started},
    {{"elapsed", "cycles", "simulated time when the last CPU finished",
      "the latest CPU clock at the end (runner.cpp)"},
     &GeneratorResult::elapsed},
    {{"fingerprint", "1", "a fold of every operation and its result: equal in two equal runs",
      "FNV-1a over each operation (runner.cpp)"},
     &GeneratorResult::fingerprint},
}};

// Every scalar of GeneratorResult is declared above (the per-thread and
// per-kind totals are tables of their own).
static_assert(sizeof(GeneratorResult) == sizeof(GeneratorResult::by_thread) +
                                             sizeof(GeneratorResult::total) +
                                             8 * (kGeneratorCounters.size() + kGeneratorRun.size()),
              "declare every new GeneratorResult field in workloads/generator/generator_stats.hpp");

}  // namespace allocsim::workloads::gen
