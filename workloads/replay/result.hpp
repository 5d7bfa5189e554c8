#pragma once
// What a replay returns: its counters (declared for the results, as
// kReplayCounters), the kmem tracepoints as the trace counted them and as the
// model passed them, and, for a recording, its end-of-run /proc state next to
// the recorded "after" snapshot (accuracy.hpp turns them into rows).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "model/flavour.hpp"
#include "sim/stat_decl.hpp"
#include "sim/types.hpp"
#include "workloads/replay/event_kinds.hpp"
#include "workloads/replay/options.hpp"

namespace allocsim::workloads {

// The page allocator's kmem tracepoints, counted (include/trace/events/kmem.h).
struct TracepointTotals {
  std::array<std::uint64_t, model::kNrOrders> page_allocs{};  // mm_page_alloc per order
  std::uint64_t pcp_refill_pages = 0;  // mm_page_alloc_zone_locked percpu_refill=1, 2^order each
  std::uint64_t pcp_drain_pages = 0;   // mm_page_pcpu_drain, 2^order each
  std::uint64_t extfrag = 0;           // mm_page_alloc_extfrag
};

// One line of the comparison with the traced kernel (tables/replay_accuracy).
struct AccuracyRow {
  std::string metric;  // bytes_alloc_equal, pcp_refill_pages, slab_num_slabs, ...
  std::string key;     // the event kind, order, cache or node/zone/order it is about
  std::uint64_t traced = 0, model = 0;
};

// A replay's counters (every one declared in kReplayCounters).
struct ReplayCounters {
  std::uint64_t events = 0;  // events read
  std::uint64_t allocations = 0, frees = 0;
  std::uint64_t null_frees = 0;            // kfree(NULL): nothing to do
  std::uint64_t unknown_frees = 0;         // pointer never seen allocated (before the trace began)
  std::uint64_t warm_frees = 0;            // of those, frees of a warm-started object instead
  std::uint64_t reused_pointers = 0;       // allocation of a pointer still live in the trace
  std::uint64_t failures = 0;              // the simulated allocator returned NULL
  std::uint64_t failed_frees = 0;          // frees of allocations the model failed
  std::uint64_t gfp_fallbacks = 0;         // gfp text the flavour cannot read: GFP_KERNEL used
  std::uint64_t skipped = 0;               // events replay does not act on (drains, other)
  std::uint64_t traced_page_failures = 0;  // mm_page_alloc events that failed in the trace
  std::uint64_t pages_not_replayed = 0;    // page events the classifier left to the model
  std::uint64_t bytes_alloc_compared = 0, bytes_alloc_mismatches = 0;
  std::uint64_t traced_live = 0;     // objects and page blocks live at the end, per the trace
  std::uint64_t simulated_live = 0;  // the same in the model
  std::uint64_t caches_created = 0;
  std::uint64_t free_waits = 0;  // frees that waited for their allocation on another CPU
  std::uint64_t free_wait_cycles = 0;
  std::uint64_t late_events = 0;         // open loop: events that started after their traced time
  std::uint64_t late_cycles = 0;         // by how much, added up
  std::uint64_t peak_tracked = 0;        // most traced objects and blocks tracked at once
  std::uint64_t peak_backlog = 0;        // most events read ahead and held in memory at once
  std::uint64_t spilled_events = 0;      // events that waited in the temporary file
  sim::Cycles started = 0, elapsed = 0;  // when the first event could start; the last CPU's end
};

struct ReplayResult : ReplayCounters {
  // Per kind of kAllocKinds: allocations whose bytes_alloc was compared, and equal.
  std::array<std::uint64_t, replaying::kAllocKinds.size()> compared{}, equal{};
  TracepointTotals traced, model;     // model: during the replay only
  std::vector<std::string> caches;    // the trace's names of the caches it allocated from
  std::vector<AccuracyRow> snapshot;  // recordings: /proc state against after/ (accuracy.hpp)
  std::vector<ReplayRow> table;  // replay(const Trace&) without a sink: every row (no call_site)
};

// ReplayResult's counters, in the order `allocsim run` prints them.
inline constexpr std::array<sim::FieldDecl<ReplayCounters>, 27> kReplayCounters{{
    {{"events", "1", "events read from the trace", "the replay (workloads/replay/replayer.cpp)"},
     &ReplayCounters::events},
    {{"allocations", "1", "successful object and page allocations replayed", "the replay"},
     &ReplayCounters::allocations},
    {{"frees", "1", "object and page frees that freed a replayed allocation", "the replay"},
     &ReplayCounters::frees},
    {{"unknown_frees", "1", "frees of pointers the trace never allocated (before it began)",
      "the replay: a free whose pointer or pfn is not live in the trace"},
     &ReplayCounters::unknown_frees},
    {{"warm_frees", "1",
      "of the unknown frees, kmem_cache_frees that freed a warm-started object of their cache",
      "the replay of a recording: the cache's most recently allocated warm object "
      "(io/run/recorded_slab_state.cpp)"},
     &ReplayCounters::warm_frees},
    {{"null_frees", "1", "kfree(NULL): nothing to do", "the replay"}, &ReplayCounters::null_frees},
    {{"reused_pointers", "1",
      "allocations of a pointer still live in the trace (an object: freed untraced just before)",
      "the replay: the kernel hands out no object twice, so the older one was freed without a "
      "kmem event (kmem_cache_free_bulk, kfree_rcu batches) and the model frees it then; a "
      "page block stays allocated"},
     &ReplayCounters::reused_pointers},
    {{"failures", "1", "allocations the model could not satisfy",
      "the replay: the simulated allocator returned NULL"},
     &ReplayCounters::failures},
    {{"failed_frees", "1", "frees of allocations the model had failed (nothing to free)",
      "the replay"},
     &ReplayCounters::failed_frees},
    {{"gfp_fallbacks", "1", "gfp texts the flavour cannot read (GFP_KERNEL used)",
      "the replay: model::parse_gfp failed"},
     &ReplayCounters::gfp_fallbacks},
    {{"skipped", "1", "events replay does not act on (refills, drains, steals, other kinds)",
      "the replay"},
     &ReplayCounters::skipped},
    {{"traced_page_failures", "1", "page allocations that failed in the trace (not replayed)",
      "the replay: mm_page_alloc events with pfn 0 and a null page"},
     &ReplayCounters::traced_page_failures},
    {{"pages_not_replayed", "1", "page events left to the model (its own slab pages)",
      "the replay's PageEventClassifier (workloads/replay/hooks.hpp)"},
     &ReplayCounters::pages_not_replayed},
    {{"bytes_alloc_compared", "1", "allocations whose traced bytes_alloc was compared",
      "the replay: the tracepoint's bytes_alloc against the model's"},
     &ReplayCounters::bytes_alloc_compared},
    {{"bytes_alloc_mismatches", "1", "compared allocations whose bytes_alloc differs",
      "the replay: the tracepoint's bytes_alloc against the model's"},
     &ReplayCounters::bytes_alloc_mismatches},
    {{"traced_live", "objects", "objects and page blocks live at the end, per the trace",
      "the replay"},
     &ReplayCounters::traced_live},
    {{"simulated_live", "objects", "objects and page blocks live at the end, in the model",
      "the replay"},
     &ReplayCounters::simulated_live},
    {{"caches_created", "1", "kmem caches created (one per traced name, or call site and size)",
      "the replay: kmem_cache_create at a cache's first allocation"},
     &ReplayCounters::caches_created},
    {{"free_waits", "1", "frees that waited for their allocation to finish on another CPU",
      "the replay: the freeing CPU blocks until the allocating one is done"},
     &ReplayCounters::free_waits},
    {{"free_wait_cycles", "cycles", "cycles those frees waited", "the replay"},
     &ReplayCounters::free_wait_cycles},
    {{"late_events", "1", "open loop: events that started after their traced time offset",
      "the replay: the CPU was still busy with earlier events"},
     &ReplayCounters::late_events},
    {{"late_cycles", "cycles", "by how much those events started late, added up", "the replay"},
     &ReplayCounters::late_cycles},
    {{"peak_tracked", "objects", "most traced objects and page blocks tracked at once",
      "the replay's object map (workloads/replay/object_map.hpp): live in the trace or read ahead"},
     &ReplayCounters::peak_tracked},
    {{"peak_backlog", "1", "most events read ahead and held in memory at once",
      "the replay's per-CPU backlogs (workloads/replay/backlog.hpp)"},
     &ReplayCounters::peak_backlog},
    {{"spilled_events", "1", "events that waited in a temporary file instead of memory",
      "the replay's per-CPU backlogs (workloads/replay/backlog.hpp)"},
     &ReplayCounters::spilled_events},
    {{"started", "cycles", "simulated time when the first event could start (after the setup)",
      "Machine::now() after the warm start"},
     &ReplayCounters::started},
    {{"elapsed", "cycles", "simulated time when the last CPU finished", "the latest CPU clock"},
     &ReplayCounters::elapsed},
}};
static_assert(sim::declares_every_field(kReplayCounters),
              "declare every new ReplayCounters field in kReplayCounters");

}  // namespace allocsim::workloads
