#include "io/results/summary.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <limits>

#include "io/results/sheaf_columns.hpp"
#include "io/results/stat_tree.hpp"
#include "model/fragmentation.hpp"
#include "model/page_alloc.hpp"
#include "model/rcu.hpp"
#include "sim/machine.hpp"
#include "workloads/generator/generator_stats.hpp"
#include "workloads/replay/accuracy.hpp"

namespace allocsim::io {

namespace {

using Type = h5::Column::Type;

// A part of the summary is a list of groups of columns; a group with a
// placeholder writes its columns once per value (`lock_wait_cycles.<class>`).
template <class In>
struct Cell {
  const In& in;
  std::size_t value;  // which value of the group's placeholder
};
template <class In>
using Col = Column<Cell<In>>;
template <class In>
struct Group {
  std::function<std::vector<std::string>(const In&)> values;  // null: the columns once
  std::vector<Col<In>> columns;
};
template <class In>
struct Part {
  std::string_view id;
  std::vector<Group<In>> groups;
};

template <class In>
void write(const Part<In>& part, const In& in, h5::Table& s) {
  for (const Group<In>& g : part.groups) {
    const std::vector<std::string> values = g.values ? g.values(in) : std::vector<std::string>{""};
    for (std::size_t i = 0; i < values.size(); ++i)
      for (const Col<In>& c : g.columns) {
        std::string name = sim::instance_name(c.decl.name, values[i]);
        const std::string unit(c.decl.stat.unit);
        const CellValue v = c.read({in, i});
        switch (c.decl.type) {
          case Type::u64:
            s.set(std::move(name), std::get<std::uint64_t>(v), unit);
            break;
          case Type::f64:
            s.set(std::move(name), std::get<double>(v), unit);
            break;
          case Type::str:
            s.set(std::move(name), std::string(std::get<std::string_view>(v)));
            break;
          case Type::i64:
            throw std::logic_error("summary column '" + name + "': i64 is not a summary type");
        }
      }
  }
}

template <class In>
TableSchema schema(const Part<In>& part) {
  TableSchema t{std::string(part.id), {}, {}};
  for (const Group<In>& g : part.groups)
    for (const Col<In>& c : g.columns) t.columns.push_back(c.decl);
  return t;
}

double ratio(std::uint64_t part, std::uint64_t whole) {
  return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

// --- identity and time -------------------------------------------------------------

const Part<RunSummary>& run_part() {
  using C = Cell<RunSummary>;
  auto text = [](std::string_view name, std::string_view meaning, std::string_view source,
                 std::function<std::string_view(const RunSummary&)> f) {
    return stat_column<C>(Type::str, tree::kRun, {name, "", meaning, source},
                          [f](const C& c) -> CellValue { return f(c.in); });
  };
  auto count = [](sim::StatDecl d, std::function<std::uint64_t(const RunSummary&)> f) {
    return stat_column<C>(Type::u64, tree::kRun, d,
                          [f](const C& c) -> CellValue { return f(c.in); });
  };
  static const Part<RunSummary> part{
      "summary/run",
      {{nullptr,
        {text("workload",
              "what ran: the generator's name (mixed-kernel, larson), trace:<trace file name>, "
              "recording:<directory name>, or exercise",
              "workload.generator.name, workload.trace",
              [](const RunSummary& r) -> std::string_view { return r.workload; }),
         text("flavour", "the kernel generation: linux-2.6 or linux-6", "kernel.flavour",
              [](const RunSummary& r) { return model::to_string(r.config.kernel.flavour); }),
         text("slab", "the object allocator: a registered design (slab, slub, slob or magazine)",
              "kernel.slab", [](const RunSummary& r) { return r.config.kernel.slab.design; }),
         text("arch", "x86_64 or i386", "machine.arch",
              [](const RunSummary& r) -> std::string_view {
                return r.config.machine.arch == sim::Arch::x86_64 ? "x86_64" : "i386";
              }),
         count({"cpus", "1", "simulated CPUs", "machine.cpus"},
               [](const RunSummary& r) { return std::uint64_t{r.config.machine.cpus}; }),
         count({"nodes", "1", "NUMA nodes", "machine.nodes"},
               [](const RunSummary& r) { return std::uint64_t{r.config.machine.nodes}; }),
         count({"seed", "1", "the run's seed", "run.seed"},
               [](const RunSummary& r) { return r.config.run.seed; }),
         count({"setup_cycles", "cycles",
                "simulated time when the workload's threads started, after its caches and "
                "mempools were created (replay: when its first event could start; 0 for the "
                "exercise)",
                "GeneratorResult::started, ReplayResult::started"},
               [](const RunSummary& r) { return r.started; }),
         count(tree::kSimulatedCycles, [](const RunSummary& r) { return r.elapsed; }),
         stat_column<C>(Type::f64, tree::kRun,
                        {"simulated_ns", "ns", "simulated_cycles in nanoseconds",
                         "simulated_cycles / machine.frequency in GHz"},
                        [](const C& c) -> CellValue {
                          return static_cast<double>(c.in.elapsed) / c.in.config.machine.ghz;
                        })}}}};
  return part;
}

// --- per operation kind ------------------------------------------------------------

struct OpLatencies {
  std::vector<std::string> ops;  // every kind, in OpKind order
  std::vector<sim::LatencyHistogram> histograms;
};

// The latency histograms of `ops` (a generated workload's op kinds, or the
// event kinds a replay runs), each summed over the CPUs.
OpLatencies op_latencies(const sim::StatsRegistry& st, std::vector<std::string> ops) {
  namespace gen = workloads::gen;
  OpLatencies out;
  out.ops = std::move(ops);
  out.histograms.resize(out.ops.size());
  for (const auto& e : st.latencies()) {
    std::string_view op;
    if (!sim::matches(gen::kOpLatency.stat.name, e.name, &op)) continue;
    const auto it = std::find(out.ops.begin(), out.ops.end(), op);
    if (it != out.ops.end()) out.histograms[it - out.ops.begin()].merge(e.histogram);
  }
  return out;
}

const Part<OpLatencies>& ops_part() {
  using C = Cell<OpLatencies>;
  auto hist = [](const C& c) -> const sim::LatencyHistogram& { return c.in.histograms[c.value]; };
  auto quantile = [hist](std::string_view name, std::string_view meaning, double q) {
    return stat_column<C>(
        "<op>." + std::string(name), Type::u64, tree::kOps,
        {name, "cycles", meaning, "LatencyHistogram::quantile_upper_bound of workload.<op>.cycles"},
        [hist, q](const C& c) -> CellValue { return hist(c).quantile_upper_bound(q); });
  };
  static const Part<OpLatencies> part{
      "summary/ops",
      {{[](const OpLatencies& l) { return l.ops; },
        {stat_column<C>("<op>.ops", Type::u64, tree::kOps, tree::kOpsDone,
                        [hist](const C& c) -> CellValue { return hist(c).count; }),
         stat_column<C>("<op>.mean_cycles", Type::f64, tree::kOps,
                        {"mean_cycles", "cycles", "mean cycles per unit (0 if none)",
                         "sum / count of workload.<op>.cycles"},
                        [hist](const C& c) -> CellValue { return hist(c).mean(); }),
         quantile("p50_cycles",
                  "the median cycles per unit: the inclusive upper bound of its latency-histogram "
                  "bucket (at most max_cycles; 0 if none)",
                  0.50),
         quantile("p99_cycles", "the 99th percentile, likewise", 0.99),
         quantile("p999_cycles", "the 99.9th percentile, likewise", 0.999),
         stat_column<C>("<op>.max_cycles", Type::u64, tree::kOps,
                        {"max_cycles", "cycles", "the largest cycles per unit (exact)",
                         "the maximum of workload.<op>.cycles"},
                        [hist](const C& c) -> CellValue { return hist(c).max; })}},
       {nullptr,
        {stat_column<C>(Type::u64, tree::kOps, tree::kOpsDone,
                        [](const C& c) -> CellValue {
                          std::uint64_t n = 0;
                          for (const auto& h : c.in.histograms) n += h.count;
                          return n;
                        }),
         stat_column<C>(Type::u64, tree::kOps, tree::kOpCycles, [](const C& c) -> CellValue {
           std::uint64_t n = 0;
           for (const auto& h : c.in.histograms) n += h.sum;
           return n;
         })}}}};
  return part;
}

// --- generator ---------------------------------------------------------------------

struct GeneratorIn {
  const workloads::gen::GeneratorResult& g;
  double ghz;
};

const Part<GeneratorIn>& generator_part() {
  namespace gen = workloads::gen;
  using C = Cell<GeneratorIn>;
  auto field = [](std::uint64_t gen::GeneratorResult::*m) {
    return field_column<C>(tree::kGenerator, gen::kGeneratorCounters, m,
                           [](const C& c) -> const gen::GeneratorResult& { return c.in.g; });
  };
  auto totals = [](const gen::GeneratorResult& g, std::uint64_t gen::OpTotals::*m) {
    std::uint64_t n = 0;
    for (const gen::OpTotals& t : g.total) n += t.*m;
    return n;
  };
  static const Part<GeneratorIn> part{
      "summary/generator",
      {{nullptr,
        {stat_column<C>(Type::u64, tree::kGenerator,
                        {"failures", "1", "allocations that returned NULL, all kinds",
                         "the per-kind totals' failures, added up"},
                        [totals](const C& c) -> CellValue {
                          return totals(c.in.g, &gen::OpTotals::failures);
                        }),
         stat_column<C>(Type::f64, tree::kGenerator,
                        {"ops_per_ms", "1/ms",
                         "operations of all kinds per simulated millisecond after the setup",
                         "ops / ((simulated_cycles - setup_cycles) / (GHz x 1e6))"},
                        [totals](const C& c) -> CellValue {
                          const double ms = static_cast<double>(c.in.g.elapsed - c.in.g.started) /
                                            (c.in.ghz * 1e6);
                          return ms > 0
                                     ? static_cast<double>(totals(c.in.g, &gen::OpTotals::ops)) / ms
                                     : 0.0;
                        }),
         field(&gen::GeneratorResult::lifetime_frees), field(&gen::GeneratorResult::remote_frees),
         field(&gen::GeneratorResult::rcu_frees), field(&gen::GeneratorResult::evictions),
         field(&gen::GeneratorResult::passed), field(&gen::GeneratorResult::irq_arrivals),
         field(&gen::GeneratorResult::peak_live), field(&gen::GeneratorResult::live_at_end),
         field_column<C>(tree::kGenerator, gen::kGeneratorRun, &gen::GeneratorResult::fingerprint,
                         [](const C& c) -> const gen::GeneratorResult& { return c.in.g; })}}}};
  return part;
}

// --- replay ------------------------------------------------------------------------

struct ReplayIn {
  const workloads::ReplayResult& r;
  const workloads::trace::TraceStats& t;
  workloads::replaying::AccuracySummary a;
};

// part / whole, NaN when there is no whole (nothing to compare).
double share(std::uint64_t part, std::uint64_t whole) {
  return whole ? static_cast<double>(part) / static_cast<double>(whole)
               : std::numeric_limits<double>::quiet_NaN();
}

const Part<ReplayIn>& replay_part() {
  using C = Cell<ReplayIn>;
  using R = workloads::ReplayCounters;
  using A = workloads::replaying::AccuracySummary;
  auto field = [](std::uint64_t R::*m) {
    return field_column<C>(tree::kReplay, workloads::kReplayCounters, m,
                           [](const C& c) -> const R& { return c.in.r; });
  };
  auto accuracy = [](std::uint64_t A::*m) {
    return field_column<C>(tree::kReplayAccuracy, workloads::replaying::kAccuracySummary, m,
                           [](const C& c) -> const A& { return c.in.a; });
  };
  auto fraction = [](sim::StatDecl d, std::uint64_t A::*part, std::uint64_t A::*whole) {
    return stat_column<C>(
        Type::f64, tree::kReplayAccuracy, d,
        [part, whole](const C& c) -> CellValue { return share(c.in.a.*part, c.in.a.*whole); });
  };
  static const Part<ReplayIn> part{
      "summary/replay",
      {{nullptr,
        {field_column<C>(
             tree::kReplay, workloads::kTraceCounters, &workloads::trace::TraceStats::lines,
             [](const C& c) -> const workloads::trace::TraceStats& { return c.in.t; },
             "trace_lines"),
         field(&R::events), field(&R::allocations), field(&R::frees), field(&R::unknown_frees),
         field(&R::failures), field(&R::traced_page_failures), field(&R::bytes_alloc_compared),
         field(&R::bytes_alloc_mismatches), field(&R::traced_live), field(&R::simulated_live),
         field(&R::free_waits), field(&R::late_events), field(&R::peak_tracked),
         field(&R::peak_backlog), field(&R::spilled_events)}},
       {nullptr,
        {accuracy(&A::kmalloc_compared),
         accuracy(&A::kmalloc_equal),
         fraction({"kmalloc_bytes_alloc_equal_share", "1",
                   "the share of kmalloc events whose bytes_alloc the model gave as traced (NaN: "
                   "none compared)",
                   "kmalloc_equal / kmalloc_compared"},
                  &A::kmalloc_equal, &A::kmalloc_compared),
         accuracy(&A::cache_alloc_compared),
         accuracy(&A::cache_alloc_equal),
         fraction(
             {"cache_alloc_bytes_alloc_equal_share", "1", "the same for kmem_cache_alloc events",
              "cache_alloc_equal / cache_alloc_compared"},
             &A::cache_alloc_equal, &A::cache_alloc_compared),
         accuracy(&A::traced_pcp_refill_pages),
         accuracy(&A::model_pcp_refill_pages),
         fraction(
             {"pcp_refill_pages_ratio", "1", "model / traced pcp refill pages (NaN: none traced)",
              "model_pcp_refill_pages / traced_pcp_refill_pages"},
             &A::model_pcp_refill_pages, &A::traced_pcp_refill_pages),
         accuracy(&A::traced_pcp_drain_pages),
         accuracy(&A::model_pcp_drain_pages),
         fraction(
             {"pcp_drain_pages_ratio", "1", "model / traced pcp drain pages (NaN: none traced)",
              "model_pcp_drain_pages / traced_pcp_drain_pages"},
             &A::model_pcp_drain_pages, &A::traced_pcp_drain_pages),
         accuracy(&A::traced_extfrag_steals),
         accuracy(&A::model_extfrag_steals),
         accuracy(&A::traced_page_allocs),
         accuracy(&A::model_page_allocs),
         accuracy(&A::slab_caches_compared),
         accuracy(&A::slab_caches_within_10pct),
         fraction({"slab_caches_within_10pct_share", "1",
                   "the share of compared caches whose num_slabs came within 10 % (NaN: none)",
                   "slab_caches_within_10pct / slab_caches_compared"},
                  &A::slab_caches_within_10pct, &A::slab_caches_compared),
         accuracy(&A::traced_free_pages),
         accuracy(&A::model_free_pages)}}}};
  return part;
}

// --- exercise ----------------------------------------------------------------------

struct ExerciseIn {
  std::uint64_t ops;
};

const Part<ExerciseIn>& exercise_part() {
  using C = Cell<ExerciseIn>;
  static const Part<ExerciseIn> part{
      "summary/exercise",
      {{nullptr,
        {stat_column<C>(Type::u64, tree::kExercise, tree::kExerciseOps,
                        [](const C& c) -> CellValue { return c.in.ops; })}}}};
  return part;
}

// --- hardware and kernel -----------------------------------------------------------

struct KernelIn {
  const sim::StatsRegistry& st;
  const std::deque<sim::Machine::LockClassEntry>& locks;
  const model::VmEvents& ev;
  const model::CacheReapEvents& reap;
  model::ZoneCounters zones{};     // summed over zones
  model::KmemCacheStats caches{};  // summed over the slab caches
  std::uint64_t managed = 0, free_pages = 0;
  std::array<std::uint64_t, model::kNrOrders> nr_free{};
  std::vector<unsigned> frag_orders{};  // 3 and the pageblock order
  std::uint64_t failures = 0;
  std::uint64_t slab_caches = 0, in_use = 0, live_bytes = 0, num_objs = 0, num_slabs = 0;
  std::uint64_t slab_pages = 0, vmalloc_areas = 0, diagnostics = 0;
  std::vector<std::uint64_t> kswapd_cpu_cycles{};  // per CPU
  model::RcuStats rcu{};
  std::uint64_t rcu_pending = 0;
};

std::uint64_t total(const KernelIn& k, sim::Counter* sim::CacheCounters::*m) {
  return k.st.total(sim::decl_of(sim::kCacheCounters, m).stat.name);
}
std::uint64_t total(const KernelIn& k, sim::Counter* sim::MemoryCounters::*m) {
  return k.st.total(sim::decl_of(sim::kMemoryCounters, m).stat.name);
}
std::uint64_t lock_total(const KernelIn& k, sim::Counter* sim::LockStats::*m) {
  std::uint64_t n = 0;
  for (const auto& e : k.locks) n += (e.stats.*m)->value;
  return n;
}

const Part<KernelIn>& kernel_part() {
  using C = Cell<KernelIn>;
  using CC = sim::CacheCounters;
  using MC = sim::MemoryCounters;
  using LS = sim::LockStats;
  using ZC = model::ZoneCounters;
  using VE = model::VmEvents;
  using KS = model::KmemCacheStats;
  using RE = model::CacheReapEvents;
  auto miss_rate = [](std::string_view name, std::string_view meaning, std::string_view source,
                      sim::Counter* CC::*hits, sim::Counter* CC::*misses) {
    return stat_column<C>(Type::f64, tree::kCaches, {name, "1", meaning, source},
                          [hits, misses](const C& c) -> CellValue {
                            const std::uint64_t h = total(c.in, hits), m = total(c.in, misses);
                            return ratio(m, h + m);
                          });
  };
  auto cache_total = [](std::string_view name, sim::Counter* CC::*m) {
    return stat_column<C>(name, Type::u64, tree::kCaches, sim::decl_of(sim::kCacheCounters, m).stat,
                          [m](const C& c) -> CellValue { return total(c.in, m); });
  };
  auto lock_sum = [](std::string_view name, sim::Counter* LS::*m) {
    return stat_column<C>(name, Type::u64, tree::kLocks, sim::decl_of(sim::kLockCounters, m).stat,
                          [m](const C& c) -> CellValue { return lock_total(c.in, m); });
  };
  auto zone = [](std::uint64_t ZC::*m) {
    return field_column<C>(tree::kZone, ZC::kFields, m,
                           [](const C& c) -> const ZC& { return c.in.zones; });
  };
  auto vm = [](std::uint64_t VE::*m, std::string_view name = {}) {
    return field_column<C>(
        tree::kVmEvents, VE::kFields, m, [](const C& c) -> const VE& { return c.in.ev; }, name);
  };
  auto slab = [](std::string_view name, std::uint64_t KS::*m) {
    return field_column<C>(
        tree::kSlabCache, KS::kFields, m, [](const C& c) -> const KS& { return c.in.caches; },
        name);
  };
  auto reap = [](std::uint64_t RE::*m) {
    return field_column<C>(tree::kSlab, RE::kFields, m,
                           [](const C& c) -> const RE& { return c.in.reap; });
  };
  using RS = model::RcuStats;
  auto rcu = [](std::uint64_t RS::*m) {
    return field_column<C>(tree::kRcu, RS::kFields, m,
                           [](const C& c) -> const RS& { return c.in.rcu; });
  };
  auto value = [](std::string_view name, std::string_view component, const sim::StatDecl& d,
                  std::uint64_t KernelIn::*m) {
    return stat_column<C>(name, Type::u64, component, d,
                          [m](const C& c) -> CellValue { return c.in.*m; });
  };
  auto vmalloc_purges = [](std::string_view name, sim::Counter* model::VmallocPurgeCounters::*m) {
    const sim::StatDecl& d = sim::decl_of(model::kVmallocPurgeCounters, m).stat;
    return stat_column<C>(name, Type::u64, tree::kVmalloc, d,
                          [n = d.name](const C& c) -> CellValue { return c.in.st.total(n); });
  };
  static const Part<KernelIn> part{
      "summary/kernel",
      {{nullptr,
        {stat_column<C>(
             Type::u64, tree::kCaches,
             {"l1d_accesses", "1", "L1D lookups, hits and misses", "l1d.hits + l1d.misses"},
             [](const C& c) -> CellValue {
               return total(c.in, &CC::l1d_hits) + total(c.in, &CC::l1d_misses);
             }),
         miss_rate("l1d_miss_rate", "the share of L1D lookups that missed (0 without lookups)",
                   "l1d.misses / (l1d.hits + l1d.misses)", &CC::l1d_hits, &CC::l1d_misses),
         miss_rate("l2_miss_rate", "the same at L2", "l2.misses / (l2.hits + l2.misses)",
                   &CC::l2_hits, &CC::l2_misses),
         miss_rate("llc_miss_rate", "the same at the LLC", "llc.misses / (llc.hits + llc.misses)",
                   &CC::llc_hits, &CC::llc_misses),
         cache_total("llc_misses", &CC::llc_misses),
         cache_total("c2c_transfers", &CC::c2c_transfers),
         cache_total("false_sharing", &CC::false_sharing),
         stat_column<C>(Type::u64, tree::kMemory,
                        {"memory_accesses", "1", "DRAM reads, local and remote (not writebacks)",
                         "memory.local_accesses + memory.remote_accesses"},
                        [](const C& c) -> CellValue {
                          return total(c.in, &MC::local_accesses) +
                                 total(c.in, &MC::remote_accesses);
                        }),
         stat_column<C>(Type::f64, tree::kMemory,
                        {"remote_access_share", "1",
                         "the share of DRAM reads that went to another node's memory",
                         "memory.remote_accesses / (memory.local_accesses + "
                         "memory.remote_accesses)"},
                        [](const C& c) -> CellValue {
                          const std::uint64_t l = total(c.in, &MC::local_accesses);
                          const std::uint64_t r = total(c.in, &MC::remote_accesses);
                          return ratio(r, l + r);
                        }),
         lock_sum("lock_acquisitions", &LS::acquisitions),
         lock_sum("lock_contended", &LS::contended),
         lock_sum("lock_wait_cycles", &LS::wait_cycles)}},
       // One column per lock class, in creation order.
       {[](const KernelIn& k) {
          std::vector<std::string> classes;
          for (const auto& e : k.locks) classes.push_back(e.name);
          return classes;
        },
        {stat_column<C>(
            "lock_wait_cycles.<class>", Type::u64, tree::kLocks,
            sim::decl_of(sim::kLockCounters, &LS::wait_cycles).stat,
            [](const C& c) -> CellValue { return c.in.locks[c.value].stats.wait_cycles->value; })}},
       // One column per CPU: the share of kswapd_cycles each ran.
       {[](const KernelIn& k) {
          std::vector<std::string> cpus;
          for (std::size_t c = 0; c < k.kswapd_cpu_cycles.size(); ++c)
            cpus.push_back(std::to_string(c));
          return cpus;
        },
        {stat_column<C>("kswapd_cycles.cpu<cpu>", Type::u64, tree::kPageAlloc,
                        model::kKswapdCpuCycles.stat,
                        [](const C& c) -> CellValue { return c.in.kswapd_cpu_cycles[c.value]; })}},
       {nullptr,
        {zone(&ZC::pcp_refills), zone(&ZC::pcp_drains), zone(&ZC::pcp_drained_pages),
         zone(&ZC::numa_hit), zone(&ZC::numa_miss), zone(&ZC::numa_foreign), zone(&ZC::numa_local),
         zone(&ZC::numa_other),
         value("managed_pages", tree::kZone,
               {"managed_pages", "pages", "pages the buddy allocator manages",
                "zone->managed_pages (present_pages in 2.6.32)"},
               &KernelIn::managed),
         value("free_pages", tree::kZone, tree::kNrFreePages, &KernelIn::free_pages)}},
       // Machine-wide indices: the debugfs formulas over the free areas of all zones summed.
       {[](const KernelIn& k) {
          std::vector<std::string> orders;
          for (unsigned o : k.frag_orders) orders.push_back(std::to_string(o));
          return orders;
        },
        {stat_column<C>(
             "unusable_index_order<order>", Type::f64, tree::kPageAlloc,
             {"unusable_index", "1",
              "the unusable free space index at this order, all zones together: 0..1 in steps "
              "of 0.001",
              "unusable_free_index() (mm/vmstat.c, debugfs extfrag/unusable_index)"},
             [](const C& c) -> CellValue {
               const unsigned order = c.in.frag_orders[c.value];
               const auto info = model::fill_contig_page_info(c.in.nr_free, order);
               return static_cast<double>(model::unusable_free_index(order, info)) / 1000.0;
             }),
         stat_column<C>(
             "extfrag_index_order<order>", Type::f64, tree::kPageAlloc,
             {"extfrag_index", "1",
              "the external fragmentation index at this order, all zones together: -1 when a "
              "free block of the order exists, towards 1 when a failure would be due to "
              "fragmentation",
              "fragmentation_index() (mm/vmstat.c, debugfs extfrag/extfrag_index)"},
             [](const C& c) -> CellValue {
               const unsigned order = c.in.frag_orders[c.value];
               const auto info = model::fill_contig_page_info(c.in.nr_free, order);
               return static_cast<double>(model::fragmentation_index(order, info)) / 1000.0;
             })}},
       {nullptr,
        {vm(&VE::pgalloc),
         vm(&VE::pgfree),
         vm(&VE::allocstall, "alloc_stalls"),
         vm(&VE::kswapd_runs),
         vm(&VE::pgsteal_kswapd),
         vm(&VE::pgsteal_direct),
         vm(&VE::vmstat_updates),
         vm(&VE::pcp_high_decays),
         vm(&VE::pcp_decay_pages),
         vm(&VE::pcp_expire_pages),
         value("page_alloc_failures", tree::kPageAlloc,
               {"page_alloc_failures", "1",
                "page allocations that failed (as recorded: at most 4096)",
                "PageAllocator::failures() (model/page_alloc.cpp)"},
               &KernelIn::failures),
         value("slab_caches", tree::kSlab,
               {"slab_caches", "1", "kmem caches (merged aliases not counted)",
                "ObjectAllocator::slab_caches(): the /proc/slabinfo rows"},
               &KernelIn::slab_caches),
         slab("slab_allocs", &KS::allocs),
         slab("slab_frees", &KS::frees),
         reap(&RE::runs),
         reap(&RE::objects_drained),
         slab("slab_reaped", &KS::reaped),
         stat_column<C>(Type::f64, tree::kSlab,
                        {"slab_alloc_fastpath_share", "1",
                         "the share of the caches' allocations served on the fast path",
                         "alloc_fastpath / allocs, all caches"},
                        [](const C& c) -> CellValue {
                          return ratio(c.in.caches.alloc_fastpath, c.in.caches.allocs);
                        }),
         value("slab_objects_in_use", tree::kSlabCache, tree::kInUse, &KernelIn::in_use),
         value("slab_objects_total", tree::kSlabCache, tree::kNumObjs, &KernelIn::num_objs),
         value("slab_slabs", tree::kSlabCache, tree::kNumSlabs, &KernelIn::num_slabs),
         value("slab_pages", tree::kSlab, tree::kSlabPages, &KernelIn::slab_pages),
         stat_column<C>(Type::f64, tree::kSlab,
                        {"slab_overhead", "1",
                         "the share of the object allocator's pages not holding live objects",
                         "1 - sum(in_use x object_size) / (slab_pages x page size); 0 without "
                         "pages"},
                        [](const C& c) -> CellValue {
                          const std::uint64_t bytes = c.in.slab_pages << model::kPageShift;
                          return bytes ? 1.0 - ratio(c.in.live_bytes, bytes) : 0.0;
                        }),
         value("vmalloc_areas", tree::kVmalloc,
               {"vmalloc_areas", "1", "vmalloc areas in use at the end",
                "Vmalloc::areas() (model/vmalloc.cpp)"},
               &KernelIn::vmalloc_areas),
         vmalloc_purges("vmalloc_purges_deferred", &model::VmallocPurgeCounters::deferred),
         vmalloc_purges("vmalloc_purges_sync", &model::VmallocPurgeCounters::sync),
         value("diagnostics", tree::kKernel, tree::kDiagnostics, &KernelIn::diagnostics),

         rcu(&RS::callbacks_queued),
         rcu(&RS::callbacks_completed),
         value("rcu_callbacks_pending", tree::kRcu, model::kRcuPending, &KernelIn::rcu_pending),
         rcu(&RS::slabs_freed)}}}};
  return part;
}

// --- linux-6.18 sheaves (only when some cache has them) ---------------------------

struct SheavesIn {
  std::uint64_t caches = 0;
  model::SheafStats st{};  // summed over the caches with sheaves
  model::SheafUsage u{};   // likewise
};

const Part<SheavesIn>& sheaves_part() {
  using C = Cell<SheavesIn>;
  static const Part<SheavesIn> part = [] {
    std::vector<Col<SheavesIn>> columns{stat_column<C>(
        Type::u64, tree::kSlabSheaves,
        {"sheaf_caches", "1", "kmem caches with sheaves (written only when there is one)",
         "caches whose sheaf_capacity is not 0 (linux-6.18 SLUB)"},
        [](const C& c) -> CellValue { return c.in.caches; })};
    for (Col<SheavesIn>& c :
         sheaf_columns<C>([](const C& c) -> const model::SheafStats& { return c.in.st; },
                          [](const C& c) -> const model::SheafUsage& { return c.in.u; }))
      columns.push_back(std::move(c));
    return Part<SheavesIn>{"summary/sheaves", {{nullptr, std::move(columns)}}};
  }();
  return part;
}

}  // namespace

void add_run_summary(const RunSummary& run, h5::Table& s) {
  write(run_part(), run, s);
}

void add_latency_summary(const sim::StatsRegistry& st, h5::Table& s) {
  std::vector<std::string> ops;
  for (std::size_t k = 0; k < workloads::gen::kOpKinds; ++k)
    ops.emplace_back(workloads::gen::to_string(static_cast<workloads::gen::OpKind>(k)));
  write(ops_part(), op_latencies(st, std::move(ops)), s);
}

void add_generator_summary(const workloads::gen::GeneratorResult& g, double ghz, h5::Table& s) {
  write(generator_part(), GeneratorIn{g, ghz}, s);
}

void add_replay_summary(const workloads::ReplayResult& r, const workloads::trace::TraceStats& t,
                        h5::Table& s) {
  write(replay_part(), ReplayIn{r, t, workloads::replaying::summarize(r)}, s);
}

void add_replay_latency_summary(const sim::StatsRegistry& st, h5::Table& s) {
  std::vector<std::string> kinds;
  for (workloads::trace::EventKind k : workloads::replaying::kRunKinds)
    kinds.emplace_back(workloads::trace::kind_name(k));
  write(ops_part(), op_latencies(st, std::move(kinds)), s);
}

void add_exercise_summary(std::uint64_t ops, h5::Table& s) {
  write(exercise_part(), ExerciseIn{ops}, s);
}

void add_kernel_summary(model::Kernel& kernel, h5::Table& s) {
  const sim::Machine& m = kernel.machine();
  const model::PageAllocator& pa = kernel.pages();
  KernelIn k{m.stats(), m.lock_classes(), pa.events(), kernel.slab().reap_events()};
  for (const model::Zone& z : pa.zones()) {
    k.zones += z.counters;
    k.free_pages += z.nr_free_pages;
    k.managed += z.managed_pages;
    for (unsigned o = 0; o < model::kNrOrders; ++o) k.nr_free[o] += z.free_area[o].nr_free;
  }
  k.frag_orders = {3};
  if (pa.pageblock_order() != 3) k.frag_orders.push_back(pa.pageblock_order());
  k.failures = pa.failures().size();
  const model::ObjectAllocator& oa = kernel.slab();
  for (const model::KmemCache* c : oa.slab_caches()) {
    ++k.slab_caches;
    k.in_use += c->in_use;
    k.live_bytes += c->in_use * c->object_size;
    k.caches += c->stats;
  }
  for (const model::SlabinfoRow& r : oa.slabinfo_rows()) {
    k.num_objs += r.num_objs;
    k.num_slabs += r.num_slabs;
  }
  k.slab_pages = oa.pages_held();
  k.vmalloc_areas = kernel.vmalloc().areas().size();
  for (sim::CpuId c = 0; c < m.cpus(); ++c)
    k.kswapd_cpu_cycles.push_back(
        m.stats().value(model::kKswapdCpuCycles.stat.name, static_cast<int>(c)));
  k.diagnostics = kernel.diagnostics().errors();
  k.rcu = kernel.rcu().stats();
  k.rcu_pending = kernel.rcu().pending();
  write(kernel_part(), k, s);
  SheavesIn sh;
  for (const model::KmemCache* c : oa.slab_caches())
    if (const model::SheafStats* st = oa.sheaf_stats(*c)) {
      ++sh.caches;
      sh.st += *st;
      const model::SheafUsage u = oa.sheaf_usage(*c);
      sh.u.objects += u.objects;
      sh.u.bytes += u.bytes;
      sh.u.barn_full += u.barn_full;
      sh.u.barn_empty += u.barn_empty;
    }
  if (sh.caches) write(sheaves_part(), sh, s);
}

std::vector<TableSchema> summary_schema() {
  return {schema(run_part()),    schema(ops_part()),      schema(generator_part()),
          schema(replay_part()), schema(exercise_part()), schema(kernel_part()),
          schema(sheaves_part())};
}

}  // namespace allocsim::io
