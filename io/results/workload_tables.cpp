#include "io/results/workload_tables.hpp"

#include "io/results/stat_tree.hpp"
#include "sim/machine.hpp"
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
  auto bytes = [](std::string_view name, std::string_view meaning, std::string_view source,
                  std::uint64_t R::*m) {
    return stat_column<R>(Type::u64, tree::kReplay, {name, "bytes", meaning, source},
                          [m](const R& r) -> CellValue { return r.*m; });
  };
  static const TableSpec<R> spec{
      "tables/replay",
      "one row per successful kmalloc or kmem_cache_alloc event, in trace order",
      {key_column<R>("line", Type::u64, "1", "the event's line in the trace file",
                     [](const R& r) -> CellValue { return std::uint64_t{r.line}; }),
       key_column<R>("event", Type::str, "",
                     "kmalloc, kmalloc_node, kmem_cache_alloc or kmem_cache_alloc_node",
                     [](const R& r) -> CellValue { return workloads::trace::kind_name(r.kind); }),
       key_column<R>("cpu", Type::u64, "1",
                     "the simulated CPU it ran on (trace CPU mod machine.cpus)",
                     [](const R& r) -> CellValue { return std::uint64_t{r.cpu}; }),
       bytes("bytes_req", "bytes requested", "the tracepoint's bytes_req", &R::bytes_req),
       bytes("traced_bytes_alloc", "bytes_alloc in the trace (0 if the trace has none)",
             "the tracepoint's bytes_alloc", &R::traced_bytes_alloc),
       bytes("simulated_bytes_alloc", "what the configured allocator gives",
             "the kmalloc size class or the cache's object size (workloads/replay.cpp)",
             &R::simulated_bytes_alloc)}};
  return spec;
}

}  // namespace

h5::Table exercise_table(const std::vector<workloads::ExerciseResult>& patterns) {
  h5::Table t;
  declare_columns(t, exercise_spec().columns);
  for (const workloads::ExerciseResult& r : patterns) push_row(t, exercise_spec().columns, r);
  return t;
}

h5::Table replay_table(const workloads::ReplayResult& replay) {
  h5::Table t;
  declare_columns(t, replay_spec().columns);
  for (const workloads::ReplayRow& r : replay.table) push_row(t, replay_spec().columns, r);
  return t;
}

namespace {

// A column read from the trace, not a statistic of the model.
ColumnDecl trace_column(std::string_view name, Type type, std::string_view unit,
                        std::string_view meaning) {
  return {std::string(name), type, {}, {name, unit, meaning, "the trace"}};
}

}  // namespace

const std::vector<ColumnDecl>& replay_trace_columns() {
  static const std::vector<ColumnDecl> columns{
      trace_column("call_site", Type::str, "",
                   "the call site as the trace printed it: func+0xoff/0xlen (%pS), or the "
                   "address in hex; empty if none"),
      trace_column("ptr", Type::u64, "1",
                   "the pointer the traced kernel returned (hashed %p values stay hashed)"),
      trace_column("free_cpu", Type::i64, "1",
                   "the simulated CPU of the trace's kfree/kmem_cache_free of that pointer; -1 "
                   "if the trace does not free it"),
      trace_column("free_line", Type::u64, "1", "that free's line in the trace file; 0 if none")};
  return columns;
}

const TableSchema& replay_pages_schema() {
  static const TableSchema schema{
      "tables/replay_pages",
      "one row per mm_page_alloc event of a replayed trace, in trace order, failed ones included",
      {trace_column("line", Type::u64, "1", "the event's line in the trace file"),
       trace_column("cpu", Type::u64, "1", "the simulated CPU (trace CPU mod machine.cpus)"),
       trace_column("pfn", Type::u64, "1", "the traced page frame number (0 for a failure)"),
       trace_column("order", Type::u64, "1", "the allocation's order"),
       trace_column("gfp_flags", Type::str, "", "the gfp flags as the trace printed them"),
       trace_column("migratetype", Type::str, "",
                    "the migratetype the simulated kernel takes for those flags "
                    "(gfp_migratetype in 6.x, allocflags_to_migratetype in 2.6.32), named as "
                    "/proc/pagetypeinfo names it"),
       trace_column("traced_migratetype", Type::i64, "1",
                    "the migratetype= number printed in the trace (the traced kernel's "
                    "numbering); -1 if absent"),
       trace_column("failed", Type::u64, "1", "1 if the traced allocation failed"),
       trace_column("free_cpu", Type::i64, "1",
                    "the simulated CPU of the trace's page free of that pfn; -1 if none"),
       trace_column("free_line", Type::u64, "1", "that free's line in the trace file; 0 if none")}};
  return schema;
}

std::vector<TableSchema> workload_tables_schema() {
  TableSchema replay = schema_of(replay_spec());
  for (const ColumnDecl& c : replay_trace_columns()) replay.columns.push_back(c);
  return {replay, replay_pages_schema(), schema_of(exercise_spec())};
}

}  // namespace allocsim::io
