#pragma once
// Trace replay: a parsed kmem trace driven through the simulated kernel.
// Events run in trace order, each on the simulated CPU its trace CPU maps to
// (trace CPU modulo the machine's CPUs), so per-CPU order holds and a free
// always follows its allocation. Frees are matched to allocations by the
// traced pointer; kmem_cache events get one cache per call site and object
// size. For every allocation the simulated allocator's bytes_alloc (what the
// kernel's tracepoint would print) is recorded beside the traced one.
#include <array>
#include <cstdint>
#include <vector>

#include "model/kernel.hpp"
#include "sim/stat_decl.hpp"
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

// ReplayResult's counters, in the order `allocsim run` prints them.
inline constexpr std::array<sim::FieldDecl<ReplayResult>, 14> kReplayCounters{{
    {{"events", "1", "events replayed", "replay (workloads/replay.cpp)"}, &ReplayResult::events},
    {{"allocations", "1", "successful kmalloc and kmem_cache_alloc events", "replay"},
     &ReplayResult::allocations},
    {{"frees", "1", "kfree and kmem_cache_free events that freed a replayed object", "replay"},
     &ReplayResult::frees},
    {{"unknown_frees", "1", "frees of pointers the trace never allocated (before it began)",
      "replay: a free of a pointer not live in the trace"},
     &ReplayResult::unknown_frees},
    {{"null_frees", "1", "kfree(NULL): nothing to do", "replay"}, &ReplayResult::null_frees},
    {{"reused_pointers", "1", "allocations of a pointer still live in the trace",
      "replay: the older allocation is dropped"},
     &ReplayResult::reused_pointers},
    {{"failures", "1", "allocations the model could not satisfy",
      "replay: the simulated allocator returned NULL"},
     &ReplayResult::failures},
    {{"gfp_fallbacks", "1", "gfp texts the flavour cannot read (GFP_KERNEL used)",
      "replay: model::parse_gfp failed"},
     &ReplayResult::gfp_fallbacks},
    {{"skipped", "1", "events replay does not act on (drains, other kinds)", "replay"},
     &ReplayResult::skipped},
    {{"bytes_alloc_compared", "1", "allocations whose traced bytes_alloc was compared",
      "replay: the tracepoint's bytes_alloc against the model's"},
     &ReplayResult::bytes_alloc_compared},
    {{"bytes_alloc_mismatches", "1", "compared allocations whose bytes_alloc differs",
      "replay: the tracepoint's bytes_alloc against the model's"},
     &ReplayResult::bytes_alloc_mismatches},
    {{"traced_live", "objects", "objects and page blocks live at the end, per the trace", "replay"},
     &ReplayResult::traced_live},
    {{"simulated_live", "objects", "objects and page blocks live at the end, in the model",
      "replay"},
     &ReplayResult::simulated_live},
    {{"caches_created", "1", "kmem caches created (one per call site and object size)",
      "replay: kmem_cache_create for each new call site and size"},
     &ReplayResult::caches_created},
}};
static_assert(sizeof(ReplayResult) == sizeof(ReplayResult::table) + 8 * kReplayCounters.size(),
              "declare every new ReplayResult counter in kReplayCounters");

// The trace reader's line counts a replay reports.
inline constexpr std::array<sim::FieldDecl<trace::TraceStats>, 2> kTraceCounters{{
    {{"lines", "1", "lines read from the trace", "the trace reader (workloads/trace/)"},
     &trace::TraceStats::lines},
    {{"bad_lines", "1", "malformed lines skipped (workload.skip_bad_lines)",
      "the trace reader (workloads/trace/)"},
     &trace::TraceStats::bad_lines},
}};

ReplayResult replay(const trace::Trace& t, model::Kernel& kernel, const ReplayOptions& opt = {});

}  // namespace allocsim::workloads
