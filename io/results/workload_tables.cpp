#include "io/results/workload_tables.hpp"

#include "io/results/stat_tree.hpp"

#include <algorithm>
#include <limits>
#include <variant>

#include "sim/machine.hpp"
#include "workloads/replay/accuracy.hpp"
#include "workloads/trace/trace.hpp"

namespace allocsim::io {

namespace {

using Type = h5::Column::Type;

const TableSpec<workloads::ExerciseResult>& exercise_spec() {
  using R = workloads::ExerciseResult;
  // A total over the machine of a registry counter the exercise reads.
  auto total = [](std::string_view name, std::string_view component, const sim::StatDecl& d,
                  std::uint64_t R::*m) {
    return stat_column<R>(name, Type::u64, component, d,
                          [m](const R& r) -> CellValue { return r.*m; });
  };
  auto cache = [total](std::string_view name, sim::Counter* sim::CacheCounters::*c,
                       std::uint64_t R::*m) {
    return total(name, tree::kCaches, sim::decl_of(sim::kCacheCounters, c).stat, m);
  };
  auto memory = [total](std::string_view name, sim::Counter* sim::MemoryCounters::*c,
                        std::uint64_t R::*m) {
    return total(name, tree::kMemory, sim::decl_of(sim::kMemoryCounters, c).stat, m);
  };
  using CC = sim::CacheCounters;
  static const TableSpec<R> spec{
      "tables/exercise",
      "one row per pattern, in workload.exercise.patterns order",
      {key_column<R>("pattern", Type::str, "", "the pattern",
                     [](const R& r) -> CellValue { return workloads::to_string(r.pattern); }),
       total("ops", tree::kExercise, tree::kExerciseOps, &R::ops),
       total("elapsed_cycles", tree::kExercise,
             {"elapsed_cycles", "cycles", "simulated time until the pattern's last CPU finished",
              "Machine::now() at the end of the pattern"},
             &R::elapsed),
       stat_column<R>(Type::f64, tree::kExercise,
                      {"cycles_per_op", "cycles", "the mean cost of an operation seen by a CPU",
                       "the CPUs' cycles after their setup / ops"},
                      [](const R& r) -> CellValue { return r.cycles_per_op; }),
       cache("l1d_misses", &CC::l1d_misses, &R::l1d_misses),
       cache("l2_misses", &CC::l2_misses, &R::l2_misses),
       cache("llc_misses", &CC::llc_misses, &R::llc_misses),
       cache("c2c_transfers", &CC::c2c_transfers, &R::c2c_transfers),
       cache("false_sharing", &CC::false_sharing, &R::false_sharing),
       cache("invalidations", &CC::invalidations, &R::invalidations),
       memory("local_memory", &sim::MemoryCounters::local_accesses, &R::local_memory),
       memory("remote_memory", &sim::MemoryCounters::remote_accesses, &R::remote_memory),
       total("lock_wait_cycles", tree::kLocks,
             sim::decl_of(sim::kLockCounters, &sim::LockStats::wait_cycles).stat, &R::lock_wait),
       total("fingerprint", tree::kExercise,
             {"fingerprint", "1", "a fold of the pattern's statistics: equal in two equal runs",
              "workloads::stats_fingerprint: FNV-1a over every counter and histogram"},
             &R::fingerprint)}};
  return spec;
}

const TableSpec<workloads::ReplayRow>& replay_spec() {
  using R = workloads::ReplayRow;
  auto key = [](std::string_view name, Type type, std::string_view unit, std::string_view meaning,
                std::function<CellValue(const R&)> read) {
    return key_column<R>(name, type, unit, meaning, std::move(read));
  };
  auto value = [](std::string_view name, std::string_view unit, std::string_view meaning,
                  std::string_view source, std::uint64_t R::*m) {
    return stat_column<R>(Type::u64, tree::kReplay, {name, unit, meaning, source},
                          [m](const R& r) -> CellValue { return r.*m; });
  };
  static const TableSpec<R> spec{
      "tables/replay",
      "one row per replayed event (allocations, frees that freed a replayed allocation), in the "
      "order the events finished on each CPU",
      {key("line", Type::u64, "1", "the event's line in the trace file",
           [](const R& r) -> CellValue { return std::uint64_t{r.line}; }),
       key("ts_ns", Type::u64, "ns", "its traced timestamp",
           [](const R& r) -> CellValue { return r.ts_ns; }),
       key("trace_cpu", Type::i64, "1", "its CPU in the trace (-1: the trace has none)",
           [](const R& r) -> CellValue { return std::int64_t{r.trace_cpu}; }),
       key("cpu", Type::u64, "1", "the simulated CPU it ran on (trace CPU modulo machine.cpus)",
           [](const R& r) -> CellValue { return std::uint64_t{r.cpu}; }),
       key("event", Type::str, "", "the tracepoint: kmalloc, kfree, mm_page_alloc, ...",
           [](const R& r) -> CellValue { return workloads::trace::kind_name(r.kind); }),
       key("ptr", Type::u64, "", "the traced pointer (objects; 0 for pages)",
           [](const R& r) -> CellValue { return r.ptr; }),
       key("pfn", Type::u64, "", "the traced first pfn (pages; 0 for objects)",
           [](const R& r) -> CellValue { return r.pfn; }),
       key("call_site", Type::str, "",
           "the call site as the trace printed it: func+0xoff/0xlen (%pS), or the address in "
           "hex; empty if none (allocations)",
           [](const R& r) -> CellValue { return r.call_site; }),
       key("migratetype", Type::str, "",
           "page allocations: the migratetype the simulated kernel takes for the traced gfp "
           "flags (gfp_migratetype in 6.x, allocflags_to_migratetype in 2.6.32), named as "
           "/proc/pagetypeinfo names it; empty otherwise",
           [](const R& r) -> CellValue { return r.migratetype; }),
       key("order", Type::u64, "1", "the block's order (pages; 0 for objects)",
           [](const R& r) -> CellValue { return std::uint64_t{r.order}; }),
       value("bytes_req", "bytes", "bytes requested (allocations)", "the tracepoint's bytes_req",
             &R::bytes_req),
       value("traced_bytes_alloc", "bytes", "bytes_alloc in the trace (0 if it has none)",
             "the tracepoint's bytes_alloc", &R::traced_bytes_alloc),
       value("simulated_bytes_alloc", "bytes",
             "what the configured allocator gave (0: the allocation failed)",
             "the kmalloc size class or the cache's stride (workloads/replay/replayer.cpp)",
             &R::simulated_bytes_alloc),
       value("start_cycles", "cycles", "simulated time when the call began",
             "the CPU's clock before the kernel call (workloads/replay/replayer.cpp)", &R::start),
       value("latency_cycles", "cycles", "cycles the call took on its CPU",
             "the CPU's clock after the call - start_cycles; also in latency/<event>", &R::latency),
       value("wait_cycles", "cycles",
             "cycles a free waited, before start_cycles, for its allocation on another CPU",
             "the freeing CPU blocked until the allocation finished", &R::wait)}};
  return spec;
}

const TableSpec<workloads::AccuracyRow>& accuracy_spec() {
  using R = workloads::AccuracyRow;
  static const TableSpec<R> spec{
      "tables/replay_accuracy",
      "one row per metric and key: the kinds, then the page allocator's events, then (recordings) "
      "the caches by name and the zones by node, zone and order",
      {key_column<R>("metric", Type::str, "",
                     "bytes_alloc_equal, pcp_refill_pages, pcp_drain_pages, extfrag_steals, "
                     "page_allocs, slab_num_objs, slab_num_slabs or buddy_free_blocks",
                     [](const R& r) -> CellValue { return std::string_view(r.metric); }),
       key_column<R>("key", Type::str, "",
                     "the event kind, the order, the cache, or <node>/<zone>/<order>; empty for "
                     "a machine-wide figure",
                     [](const R& r) -> CellValue { return std::string_view(r.key); }),
       stat_column<R>(
           Type::u64, tree::kReplayAccuracy,
           {"traced", "1", "the recorded kernel's figure (bytes_alloc_equal: allocations compared)",
            "the trace's events; after/slabinfo and after/buddyinfo of the recording"},
           [](const R& r) -> CellValue { return r.traced; }),
       stat_column<R>(
           Type::u64, tree::kReplayAccuracy,
           {"model", "1", "the model's figure over the replay (bytes_alloc_equal: those equal)",
            "workloads/replay/accuracy.cpp: the model's counts during the replay, its "
            "end-of-run /proc/slabinfo and /proc/buddyinfo"},
           [](const R& r) -> CellValue { return r.model; }),
       stat_column<R>(Type::f64, tree::kReplayAccuracy,
                      {"ratio", "1", "model / traced (NaN when traced is 0)", "model / traced"},
                      [](const R& r) -> CellValue {
                        return r.traced
                                   ? static_cast<double>(r.model) / static_cast<double>(r.traced)
                                   : std::numeric_limits<double>::quiet_NaN();
                      })}};
  return spec;
}

}  // namespace

h5::Table exercise_table(const std::vector<workloads::ExerciseResult>& patterns) {
  h5::Table t;
  declare_columns(t, exercise_spec().columns);
  for (const workloads::ExerciseResult& r : patterns) push_row(t, exercise_spec().columns, r);
  return t;
}

// Call sites and migratetype names: longer call sites are cut (the table's
// strings have a fixed width, as it is written while the replay runs).
constexpr std::size_t kReplayTextWidth = 64;

std::vector<h5::TableAppender::ColumnSpec> replay_table_columns() {
  // The longest event name ("kmem_cache_alloc_node") fits the event column.
  std::size_t width = 0;
  for (std::size_t k = 0; k < workloads::trace::kEventKinds; ++k)
    width = std::max(
        width, workloads::trace::kind_name(static_cast<workloads::trace::EventKind>(k)).size());
  std::vector<h5::TableAppender::ColumnSpec> out;
  for (const Column<workloads::ReplayRow>& c : replay_spec().columns)
    out.push_back({c.decl.name, c.decl.type, std::string(c.decl.stat.unit),
                   c.decl.type != Type::str ? 0
                   : c.decl.name == "event" ? width
                                            : kReplayTextWidth});
  return out;
}

void append_replay_row(h5::TableAppender& t, const workloads::ReplayRow& row) {
  const std::vector<Column<workloads::ReplayRow>>& cols = replay_spec().columns;
  for (std::size_t i = 0; i < cols.size(); ++i)
    std::visit([&](auto v) { t.set(i, v); }, cols[i].read(row));
  t.end_row();
}

h5::Table replay_accuracy_table(const workloads::ReplayResult& r) {
  h5::Table t;
  declare_columns(t, accuracy_spec().columns);
  for (const workloads::AccuracyRow& row : workloads::replaying::accuracy_rows(r))
    push_row(t, accuracy_spec().columns, row);
  return t;
}

std::vector<TableSchema> workload_tables_schema() {
  return {schema_of(replay_spec()), schema_of(accuracy_spec()), schema_of(exercise_spec())};
}

}  // namespace allocsim::io
