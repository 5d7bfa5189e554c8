#pragma once
// Trace replay: a parsed kmem trace driven through the simulated kernel.
// Events run in trace order, each on the simulated CPU its trace CPU maps to
// (trace CPU modulo the machine's CPUs), so per-CPU order holds and a free
// always follows its allocation. Frees are matched to allocations by the
// traced pointer; kmem_cache events get one cache per call site and object
// size. For every allocation the simulated allocator's bytes_alloc (what the
// kernel's tracepoint would print) is recorded beside the traced one.
#include <cstdint>
#include <vector>

#include "model/kernel.hpp"
#include "workloads/trace/trace.hpp"

namespace allocsim::workloads {

struct ReplayOptions {
  // Hold each CPU back until the event's trace time (scaled), instead of
  // running as fast as the model allows.
  bool trace_timing = false;
  double time_scale = 1.0;  // simulated ns per traced ns
  bool keep_table = true;   // one ReplayRow per allocation
};

struct ReplayRow {
  std::uint32_t line;  // in the trace file
  trace::EventKind kind;
  std::uint16_t cpu;  // simulated CPU
  std::uint64_t bytes_req, traced_bytes_alloc, simulated_bytes_alloc;
};

struct ReplayResult {
  std::uint64_t events = 0;  // events replayed
  std::uint64_t allocations = 0, frees = 0;
  std::uint64_t null_frees = 0;       // kfree(NULL): nothing to do
  std::uint64_t unknown_frees = 0;    // pointer never seen allocated (before the trace began)
  std::uint64_t reused_pointers = 0;  // allocation of a pointer still live in the trace
  std::uint64_t failures = 0;         // the simulated allocator returned NULL
  std::uint64_t gfp_fallbacks = 0;    // gfp text the flavour cannot read: GFP_KERNEL used
  std::uint64_t skipped = 0;          // events replay does not act on (drains, other)
  std::uint64_t bytes_alloc_compared = 0, bytes_alloc_mismatches = 0;
  std::uint64_t traced_live = 0;     // objects and page blocks live at the end, per the trace
  std::uint64_t simulated_live = 0;  // the same in the model
  std::uint64_t caches_created = 0;
  std::vector<ReplayRow> table;
};

ReplayResult replay(const trace::Trace& t, model::Kernel& kernel, const ReplayOptions& opt = {});

}  // namespace allocsim::workloads
