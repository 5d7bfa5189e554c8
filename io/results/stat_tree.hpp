#pragma once
// The statistics tree: every statistic a results file can hold belongs to one
// node (a component of the machine, the kernel or the workload), the way
// zsim groups its statistics. Nodes are listed here, in the order
// `allocsim stats` prints them; the statistics themselves are declared with
// the struct that counts them (model::ZoneCounters::kFields, ...) or, for a
// state value or a derived column, in the results table that writes it. The
// state values that more than one table reads are declared here.
#include <array>
#include <string_view>

#include "sim/stat_decl.hpp"

namespace allocsim::io::tree {

inline constexpr std::string_view kRun = "run";
inline constexpr std::string_view kOps = "workload.ops";
inline constexpr std::string_view kGenerator = "workload.generator";
inline constexpr std::string_view kReplay = "workload.replay";
inline constexpr std::string_view kReplayAccuracy = "workload.replay.accuracy";
inline constexpr std::string_view kExercise = "workload.exercise";
inline constexpr std::string_view kCaches = "hardware.caches";
inline constexpr std::string_view kMemory = "hardware.memory";
inline constexpr std::string_view kLocks = "locks";
inline constexpr std::string_view kPageAlloc = "page_alloc";
inline constexpr std::string_view kZone = "page_alloc.zone";
inline constexpr std::string_view kFreeArea = "page_alloc.free_area";
inline constexpr std::string_view kPcp = "page_alloc.pcp";
inline constexpr std::string_view kVmEvents = "page_alloc.vm_events";
inline constexpr std::string_view kSlab = "slab";
inline constexpr std::string_view kSlabCache = "slab.cache";
inline constexpr std::string_view kSlabSheaves = "slab.sheaves";
inline constexpr std::string_view kVmalloc = "vmalloc";
inline constexpr std::string_view kRcu = "kernel.rcu";
inline constexpr std::string_view kKernel = "kernel";

struct Node {
  std::string_view path;
  std::string_view what;
};

inline constexpr std::array<Node, 20> kNodes{{
    {kRun, "what ran, on what, and for how long (every run)"},
    {kOps, "the operations of a generated workload, per kind (io/results, workloads/generator)"},
    {kGenerator, "a generated workload's counters (workloads::gen::GeneratorResult)"},
    {kReplay, "a trace replay's counters (workloads::ReplayCounters, trace::TraceStats)"},
    {kReplayAccuracy,
     "how close a replay came to the traced kernel (workloads/replay/accuracy.hpp)"},
    {kExercise, "the hardware exercise, per pattern (workloads::ExerciseResult)"},
    {kCaches, "the caches and coherence, per CPU (sim::CacheCounters, sim/memory_system.cpp)"},
    {kMemory, "main memory, per node (sim::MemoryCounters, sim/memory.cpp)"},
    {kLocks, "spinlocks, per lock class (sim::LockStats, sim/machine.cpp)"},
    {kPageAlloc, "the page allocator as a whole (model::PageAllocator)"},
    {kZone, "the page allocator, per zone (model::ZoneCounters, struct zone)"},
    {kFreeArea, "the buddy lists, per zone and order (free_area)"},
    {kPcp, "the per-CPU page lists, per zone and CPU (struct per_cpu_pages)"},
    {kVmEvents, "the page allocator's events (model::VmEvents, /proc/vmstat)"},
    {kSlab, "the object allocator as a whole (model::ObjectAllocator)"},
    {kSlabCache, "the object allocator, per kmem cache (model::KmemCacheStats, /proc/slabinfo)"},
    {kSlabSheaves,
     "linux-6.18 SLUB sheaves and barns, per cache with sheaves (model::SheafStats, SheafUsage)"},
    {kVmalloc, "vmalloc (model::Vmalloc)"},
    {kKernel, "the kernel model as a whole (model::Kernel)"},
    {kRcu, "RCU callbacks and their grace periods (model::Rcu, model/rcu.hpp)"},
}};

// The simulated time at the end of a run (the summary; `allocsim run` prints it too).
inline constexpr sim::StatDecl kSimulatedCycles{
    "simulated_cycles", "cycles", "simulated time at the end of the run",
    "the last CPU's clock (generator: GeneratorResult::elapsed; replay: ReplayResult::elapsed); "
    "the "
    "exercise: its patterns' times added up"};

// State values that both the summary and a timeseries table read.
inline constexpr sim::StatDecl kNrFreePages{
    "nr_free_pages", "pages", "now: free pages in the buddy lists (pcp pages count as allocated)",
    "NR_FREE_PAGES: zone_page_state(zone, NR_FREE_PAGES)"};
inline constexpr sim::StatDecl kInUse{"in_use", "objects",
                                      "now: objects allocated and not yet freed",
                                      "KmemCache::in_use (model/object_allocator.cpp)"};
inline constexpr sim::StatDecl kNumObjs{"num_objs", "objects",
                                        "now: objects in the cache's slabs (0 under SLOB)",
                                        "/proc/slabinfo's <num_objs>: get_slabinfo()"};
inline constexpr sim::StatDecl kNumSlabs{"num_slabs", "slabs",
                                         "now: the cache's slabs (0 under SLOB)",
                                         "/proc/slabinfo's <num_slabs>: get_slabinfo()"};
inline constexpr sim::StatDecl kSlabPages{
    "slab_pages", "pages", "now: pages the object allocator holds: slab pages and large kmallocs",
    "ObjectAllocator::pages_held (model/object_allocator.cpp)"};
inline constexpr sim::StatDecl kDiagnostics{
    "diagnostics", "1",
    "allocator diagnostics recorded (bad frees and the like; kernel.stop_on_error)",
    "DiagnosticLog::errors (model/diagnostics.cpp)"};
// Operations of one kind, from the workload.<op>.cycles latency histograms.
inline constexpr sim::StatDecl kOpsDone{"ops", "1", "units done",
                                        "count of workload.<op>.cycles, all CPUs"};
inline constexpr sim::StatDecl kOpCycles{"op_cycles", "cycles", "the cycles those units took",
                                         "sum of workload.<op>.cycles, all CPUs"};

// The hardware exercise's operations: per pattern in its table, all patterns in the summary.
inline constexpr sim::StatDecl kExerciseOps{
    "ops", "1", "operations, all CPUs (in the summary: all patterns too)",
    "ops_per_cpu x CPUs per pattern (workloads::run_exercise)"};

}  // namespace allocsim::io::tree
