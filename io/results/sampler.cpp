#include "io/results/sampler.hpp"

#include <algorithm>
#include <memory>
#include <string_view>

#include "io/results/sheaf_columns.hpp"
#include "io/results/stat_tree.hpp"
#include "model/page_alloc.hpp"
#include "model/rcu.hpp"
#include "model/zone_type.hpp"
#include "sim/machine.hpp"
#include "workloads/generator/generator_stats.hpp"

namespace allocsim::io {

namespace {

using Type = h5::Column::Type;

// Every table starts with the time of the sample.
struct SampleTime {
  sim::Cycles at;
  double ns;
};
const std::vector<Column<SampleTime>>& time_columns() {
  static const std::vector<Column<SampleTime>> columns{
      key_column<SampleTime>("cycles", Type::u64, "cycles", "simulated time of the sample",
                             [](const SampleTime& t) -> CellValue { return t.at; }),
      key_column<SampleTime>("time_ns", Type::f64, "ns", "the same in nanoseconds",
                             [](const SampleTime& t) -> CellValue { return t.ns; })};
  return columns;
}

// --- the rows of each table, and their columns -------------------------------------

struct FreeAreaRow {
  const model::Zone& z;
  unsigned order;
};
struct ZoneRow {
  const model::Zone& z;
  std::uint64_t pcp_pages;
};
struct PcpRow {
  const model::Zone& z;
  std::uint64_t cpu;
  const model::PerCpuPages& p;
};
struct SlabRow {
  const model::KmemCache& c;
  const model::SlabinfoRow& r;
};
struct SheavesRow {
  const model::KmemCache& c;
  const model::SheafStats& st;
  model::SheafUsage u;
};
struct CpuRow {
  const sim::CacheCounters& counters;  // the CPU's, resolved once
  sim::CpuId cpu;
  const sim::Counter& kswapd_cycles;  // likewise
};
struct LockRow {
  const sim::Machine::LockClassEntry& e;
};
struct VmRow {
  const model::VmEvents& ev;
  const model::CacheReapEvents& reap;
  const model::VmallocPurgeCounters& purges;  // resolved once
  std::uint64_t page_cache_pages, slab_pages, diagnostics;
  const model::RcuStats& rcu;
  std::uint64_t rcu_pending;
};
struct NodeRow {
  const sim::MemoryCounters& counters;  // the node's, resolved once
  sim::NodeId node;
};
struct OpRow {
  std::string_view op;
  std::uint64_t ops, cycles;
};
struct EventRow {
  sim::Cycles start;
  double start_ns;
  sim::CpuId cpu;
  workloads::gen::OpKind kind;
  sim::Cycles cycles;
};

template <class Row>
Column<Row> node_key(std::string_view meaning, std::function<sim::NodeId(const Row&)> node) {
  return key_column<Row>("node", Type::u64, "1", meaning,
                         [node](const Row& r) -> CellValue { return std::uint64_t{node(r)}; });
}
template <class Row>
Column<Row> zone_key(std::function<const model::Zone&(const Row&)> zone) {
  return key_column<Row>(
      "zone", Type::str, "", "DMA, DMA32, Normal, HighMem or Movable",
      [zone](const Row& r) -> CellValue { return model::zone_name(zone(r).type); });
}

const TableSpec<FreeAreaRow>& free_pages_spec() {
  using R = FreeAreaRow;
  static const TableSpec<R> spec{
      "free_pages",
      "one row per populated zone (with managed pages) and order 0..10",
      {node_key<R>("the zone's node", [](const R& r) { return r.z.node; }),
       zone_key<R>([](const R& r) -> const model::Zone& { return r.z; }),
       key_column<R>("order", Type::u64, "1", "buddy order",
                     [](const R& r) -> CellValue { return std::uint64_t{r.order}; }),
       stat_column<R>(Type::u64, tree::kFreeArea,
                      {"free_blocks", "blocks", "now: free blocks of this order",
                       "zone->free_area[order].nr_free (/proc/buddyinfo)"},
                      [](const R& r) -> CellValue { return r.z.free_area[r.order].nr_free; }),
       stat_column<R>(
           Type::u64, tree::kFreeArea,
           {"free_pages", "pages", "now: free pages in blocks of this order",
            "free_blocks x 2^order"},
           [](const R& r) -> CellValue { return r.z.free_area[r.order].nr_free << r.order; })}};
  return spec;
}

const TableSpec<ZoneRow>& zones_spec() {
  using R = ZoneRow;
  using ZC = model::ZoneCounters;
  auto wmark = [](std::string_view name, std::string_view meaning,
                  std::uint64_t model::ZoneWatermarks::*m) {
    return stat_column<R>(Type::u64, tree::kZone,
                          {name, "pages", meaning,
                           "zone->watermark[] (2.6.32), zone->_watermark[] (6.x): "
                           "__setup_per_zone_wmarks() in mm/page_alloc.c"},
                          [m](const R& r) -> CellValue { return r.z.wmark.*m; });
  };
  auto counter = [](std::uint64_t ZC::*m) {
    return field_column<R>(tree::kZone, ZC::kFields, m,
                           [](const R& r) -> const ZC& { return r.z.counters; });
  };
  static const TableSpec<R> spec{
      "zones",
      "one row per populated zone",
      {node_key<R>("the zone's node", [](const R& r) { return r.z.node; }),
       zone_key<R>([](const R& r) -> const model::Zone& { return r.z; }),
       stat_column<R>(Type::u64, tree::kZone, tree::kNrFreePages,
                      [](const R& r) -> CellValue { return r.z.nr_free_pages; }),
       stat_column<R>(Type::u64, tree::kZone,
                      {"pcp_pages", "pages", "now: pages on the zone's per-CPU lists, all CPUs",
                       "per_cpu_pages.count, summed over CPUs"},
                      [](const R& r) -> CellValue { return r.pcp_pages; }),
       wmark("wmark_min", "now: the zone's min watermark", &model::ZoneWatermarks::min),
       wmark("wmark_low", "now: its low watermark", &model::ZoneWatermarks::low),
       wmark("wmark_high", "now: its high watermark", &model::ZoneWatermarks::high),
       stat_column<R>(Type::u64, tree::kZone,
                      {"watermark_boost", "pages", "now: the watermark boost (0 on linux-2.6)",
                       "zone->watermark_boost: boost_watermark() in mm/page_alloc.c (6.x)"},
                      [](const R& r) -> CellValue { return r.z.watermark_boost; }),
       counter(&ZC::pcp_refills), counter(&ZC::pcp_drains)}};
  return spec;
}

const TableSpec<PcpRow>& pcp_spec() {
  using R = PcpRow;
  auto list = [](std::string_view name, std::string_view meaning,
                 std::int64_t model::PerCpuPages::*m) {
    return stat_column<R>(Type::i64, tree::kPcp,
                          {name, "pages", meaning, "struct per_cpu_pages (mm/page_alloc.c)"},
                          [m](const R& r) -> CellValue { return r.p.*m; });
  };
  static const TableSpec<R> spec{
      "pcp",
      "one row per populated zone and CPU",
      {key_column<R>("cpu", Type::u64, "1", "the CPU",
                     [](const R& r) -> CellValue { return r.cpu; }),
       node_key<R>("the zone's node", [](const R& r) { return r.z.node; }),
       zone_key<R>([](const R& r) -> const model::Zone& { return r.z; }),
       list("count", "now: pages on this CPU's lists for the zone", &model::PerCpuPages::count),
       list("high", "now: the lists' high mark", &model::PerCpuPages::high),
       list("batch", "now: their batch", &model::PerCpuPages::batch)}};
  return spec;
}

const TableSpec<SlabRow>& slab_spec() {
  using R = SlabRow;
  using KS = model::KmemCacheStats;
  auto info = [](const sim::StatDecl& d, std::uint64_t model::SlabinfoRow::*m) {
    return stat_column<R>(Type::u64, tree::kSlabCache, d,
                          [m](const R& r) -> CellValue { return r.r.*m; });
  };
  auto counter = [](std::uint64_t KS::*m) {
    return field_column<R>(tree::kSlabCache, KS::kFields, m,
                           [](const R& r) -> const KS& { return r.c.stats; });
  };
  static const TableSpec<R> spec{
      "slab",
      "one row per kmem cache, newest first, merged aliases left out",
      {key_column<R>("cache", Type::str, "", "the cache's name",
                     [](const R& r) -> CellValue { return std::string_view(r.c.name); }),
       stat_column<R>(Type::u64, tree::kSlabCache, tree::kInUse,
                      [](const R& r) -> CellValue { return r.c.in_use; }),
       info({"active_objs", "objects",
             "now: objects in use as /proc/slabinfo counts them (0 under SLOB)",
             "/proc/slabinfo's <active_objs>: get_slabinfo()"},
            &model::SlabinfoRow::active_objs),
       info(tree::kNumObjs, &model::SlabinfoRow::num_objs),
       info({"active_slabs", "slabs", "now: slabs with objects in use (0 under SLOB)",
             "/proc/slabinfo's <active_slabs>: get_slabinfo()"},
            &model::SlabinfoRow::active_slabs),
       info(tree::kNumSlabs, &model::SlabinfoRow::num_slabs), counter(&KS::allocs),
       counter(&KS::frees), counter(&KS::reaped)}};
  return spec;
}

const TableSpec<SheavesRow>& slab_sheaves_spec() {
  using R = SheavesRow;
  static const TableSpec<R> spec = [] {
    std::vector<Column<R>> columns{
        key_column<R>("cache", Type::str, "", "the cache's name",
                      [](const R& r) -> CellValue { return std::string_view(r.c.name); })};
    for (Column<R>& c :
         sheaf_columns<R>([](const R& r) -> const model::SheafStats& { return r.st; },
                          [](const R& r) -> const model::SheafUsage& { return r.u; }))
      columns.push_back(std::move(c));
    return TableSpec<R>{
        "slab_sheaves",
        "one row per kmem cache with sheaves (linux-6.18), in slab order; the table "
        "is left out when no cache has sheaves",
        std::move(columns)};
  }();
  return spec;
}

const TableSpec<CpuRow>& cpu_caches_spec() {
  using R = CpuRow;
  using CC = sim::CacheCounters;
  auto counter = [](std::string_view name, sim::Counter* CC::*m) {
    return stat_column<R>(name, Type::u64, tree::kCaches, sim::decl_of(sim::kCacheCounters, m).stat,
                          [m](const R& r) -> CellValue { return (r.counters.*m)->value; });
  };
  static const TableSpec<R> spec{
      "cpu_caches",
      "one row per CPU",
      {key_column<R>("cpu", Type::u64, "1", "the CPU",
                     [](const R& r) -> CellValue { return std::uint64_t{r.cpu}; }),
       counter("l1d_hits", &CC::l1d_hits), counter("l1d_misses", &CC::l1d_misses),
       counter("l2_hits", &CC::l2_hits), counter("l2_misses", &CC::l2_misses),
       counter("llc_hits", &CC::llc_hits), counter("llc_misses", &CC::llc_misses),
       counter("llc_remote_hits", &CC::llc_remote_hits),
       counter("c2c_transfers", &CC::c2c_transfers), counter("false_sharing", &CC::false_sharing),
       stat_column<R>("kswapd_cycles", Type::u64, tree::kPageAlloc, model::kKswapdCpuCycles.stat,
                      [](const R& r) -> CellValue { return r.kswapd_cycles.value; })}};
  return spec;
}

const TableSpec<LockRow>& locks_spec() {
  using R = LockRow;
  using LS = sim::LockStats;
  auto counter = [](std::string_view name, sim::Counter* LS::*m) {
    return stat_column<R>(name, Type::u64, tree::kLocks, sim::decl_of(sim::kLockCounters, m).stat,
                          [m](const R& r) -> CellValue { return (r.e.stats.*m)->value; });
  };
  static const TableSpec<R> spec{
      "locks",
      "one row per lock class, in the order of first use",
      {key_column<R>("class", Type::str, "", "the lock class",
                     [](const R& r) -> CellValue { return std::string_view(r.e.name); }),
       counter("acquisitions", &LS::acquisitions), counter("contended", &LS::contended),
       counter("wait_cycles", &LS::wait_cycles), counter("hold_cycles", &LS::hold_cycles)}};
  return spec;
}

const TableSpec<VmRow>& vmstat_spec() {
  using R = VmRow;
  using VE = model::VmEvents;
  using RE = model::CacheReapEvents;
  auto event = [](std::uint64_t VE::*m) {
    return field_column<R>(tree::kVmEvents, VE::kFields, m,
                           [](const R& r) -> const VE& { return r.ev; });
  };
  auto reap = [](std::uint64_t RE::*m) {
    return field_column<R>(tree::kSlab, RE::kFields, m,
                           [](const R& r) -> const RE& { return r.reap; });
  };
  auto vmalloc_purges = [](std::string_view name, sim::Counter* model::VmallocPurgeCounters::*m) {
    const sim::StatDecl& d = sim::decl_of(model::kVmallocPurgeCounters, m).stat;
    return stat_column<R>(name, Type::u64, tree::kVmalloc, d,
                          [m](const R& r) -> CellValue { return (r.purges.*m)->value; });
  };
  using RS = model::RcuStats;
  auto rcu = [](std::uint64_t RS::*m) {
    return field_column<R>(tree::kRcu, RS::kFields, m,
                           [](const R& r) -> const RS& { return r.rcu; });
  };
  static const TableSpec<R> spec{
      "vmstat",
      "one row per sample",
      {event(&VE::pgalloc),
       event(&VE::pgfree),
       event(&VE::allocstall),
       event(&VE::pgsteal_kswapd),
       event(&VE::pgsteal_direct),
       event(&VE::kswapd_wakeups),
       event(&VE::kswapd_runs),
       event(&VE::kswapd_cycles),
       event(&VE::vmstat_updates),
       event(&VE::pcp_high_decays),
       event(&VE::pcp_decay_pages),
       event(&VE::pcp_expire_pages),
       reap(&RE::runs),
       reap(&RE::objects_drained),
       vmalloc_purges("vmalloc_purges_deferred", &model::VmallocPurgeCounters::deferred),
       vmalloc_purges("vmalloc_purges_sync", &model::VmallocPurgeCounters::sync),
       stat_column<R>(Type::u64, tree::kPageAlloc,
                      {"page_cache_pages", "pages", "now: pages on the page-cache LRUs, all nodes",
                       "PageAllocator::page_cache_pages (model/reclaim.cpp)"},
                      [](const R& r) -> CellValue { return r.page_cache_pages; }),
       stat_column<R>(Type::u64, tree::kSlab, tree::kSlabPages,
                      [](const R& r) -> CellValue { return r.slab_pages; }),
       stat_column<R>(Type::u64, tree::kKernel, tree::kDiagnostics,
                      [](const R& r) -> CellValue { return r.diagnostics; }),
       rcu(&RS::callbacks_queued),
       rcu(&RS::callbacks_completed),
       stat_column<R>(Type::u64, tree::kRcu, model::kRcuPending,
                      [](const R& r) -> CellValue { return r.rcu_pending; }),
       rcu(&RS::slabs_freed)}};
  return spec;
}

const TableSpec<NodeRow>& memory_spec() {
  using R = NodeRow;
  using MC = sim::MemoryCounters;
  auto counter = [](std::string_view name, sim::Counter* MC::*m) {
    return stat_column<R>(name, Type::u64, tree::kMemory,
                          sim::decl_of(sim::kMemoryCounters, m).stat,
                          [m](const R& r) -> CellValue { return (r.counters.*m)->value; });
  };
  static const TableSpec<R> spec{"memory",
                                 "one row per node",
                                 {node_key<R>("the node", [](const R& r) { return r.node; }),
                                  counter("local_accesses", &MC::local_accesses),
                                  counter("remote_accesses", &MC::remote_accesses),
                                  counter("queue_cycles", &MC::queue_cycles)}};
  return spec;
}

const TableSpec<OpRow>& workload_spec() {
  using R = OpRow;
  static const TableSpec<R> spec{
      "workload",
      "one row per operation kind (a replay: per event kind it runs)",
      {key_column<R>("op", Type::str, "", "the operation kind",
                     [](const R& r) -> CellValue { return r.op; }),
       stat_column<R>(Type::u64, tree::kOps, tree::kOpsDone,
                      [](const R& r) -> CellValue { return r.ops; }),
       stat_column<R>(Type::u64, tree::kOps, tree::kOpCycles,
                      [](const R& r) -> CellValue { return r.cycles; })}};
  return spec;
}

const TableSpec<EventRow>& events_spec() {
  using R = EventRow;
  static const TableSpec<R> spec{
      "events",
      "a sampled operation per row, in the order they finish per CPU",
      {key_column<R>("cycles", Type::u64, "cycles",
                     "when the operation started (a sleep: when it began to sleep)",
                     [](const R& r) -> CellValue { return r.start; }),
       key_column<R>("time_ns", Type::f64, "ns", "the same in nanoseconds",
                     [](const R& r) -> CellValue { return r.start_ns; }),
       key_column<R>("cpu", Type::u64, "1", "the CPU it ran on",
                     [](const R& r) -> CellValue { return std::uint64_t{r.cpu}; }),
       key_column<R>("op", Type::str, "", "the operation kind (kmalloc, free, touch, ...)",
                     [](const R& r) -> CellValue { return workloads::gen::to_string(r.kind); }),
       stat_column<R>(Type::u64, tree::kOps,
                      {"latency_cycles", "cycles", "the cycles the operation took",
                       "Runner::record (workloads/generator/ops.cpp), as in latency/<op>"},
                      [](const R& r) -> CellValue { return r.cycles; })}};
  return spec;
}

template <class Row>
std::shared_ptr<h5::SpooledTable> declare(const TableSpec<Row>& spec) {
  auto t = std::make_shared<h5::SpooledTable>("timeseries/" + std::string(spec.name));
  declare_columns(*t, time_columns());
  declare_columns(*t, spec.columns);
  return t;
}

template <class Row>
void append(h5::SpooledTable& t, const TableSpec<Row>& spec, const SampleTime& time,
            const Row& row) {
  push_row(t, time_columns(), time);
  push_row(t, spec.columns, row, time_columns().size());
  t.end_row();
}

template <class Row>
TableSchema timeseries_table(const TableSpec<Row>& spec) {
  TableSchema t = schema_of(spec);
  t.name = "timeseries/" + t.name;
  return t;
}

}  // namespace

std::vector<TableSchema> timeseries_schema() {
  TableSchema time{"timeseries/*", "every table starts with the time of the sample", {}};
  for (const auto& c : time_columns()) time.columns.push_back(c.decl);
  return {time,
          timeseries_table(free_pages_spec()),
          timeseries_table(zones_spec()),
          timeseries_table(pcp_spec()),
          timeseries_table(slab_spec()),
          timeseries_table(slab_sheaves_spec()),
          timeseries_table(cpu_caches_spec()),
          timeseries_table(locks_spec()),
          timeseries_table(vmstat_spec()),
          timeseries_table(memory_spec()),
          timeseries_table(workload_spec())};
}

TableSchema events_schema() {
  return schema_of(events_spec());
}

Sampler::Sampler(model::Kernel& kernel, std::uint64_t interval, std::uint64_t max_samples,
                 ProgressCell* progress, bool keep_rows)
    : k_(kernel),
      m_(kernel.machine()),
      interval_(interval),
      max_samples_(max_samples),
      progress_(progress),
      keep_rows_(keep_rows),
      free_pages_(declare(free_pages_spec())),
      zones_(declare(zones_spec())),
      pcp_(declare(pcp_spec())),
      slab_(declare(slab_spec())),
      slab_sheaves_(declare(slab_sheaves_spec())),
      cpu_caches_(declare(cpu_caches_spec())),
      locks_(declare(locks_spec())),
      vmstat_(declare(vmstat_spec())),
      memory_(declare(memory_spec())),
      workload_(declare(workload_spec())) {}

void Sampler::keep_events(std::uint64_t max, std::uint64_t every) {
  events_max_ = max;
  events_every_ = std::max<std::uint64_t>(every, 1);
  if (max == 0 || !events_.columns().empty()) return;
  declare_columns(events_, events_spec().columns);
}

void Sampler::op(sim::CpuId cpu, workloads::gen::OpKind kind, sim::Cycles start,
                 sim::Cycles cycles) {
  if (ops_seen_++ % events_every_ != 0 || events_.columns().front().u.size() >= events_max_) return;
  push_row(events_, events_spec().columns,
           EventRow{start, static_cast<double>(start) / m_.config().ghz, cpu, kind, cycles});
}

void Sampler::started(sim::Cycles at, const workloads::gen::RunProgress& progress) {
  run_progress_ = &progress;
  sample(at);
  if (interval_) m_.engine().schedule(at + interval_, this);
}

void Sampler::on_event(sim::Cycles time, std::uint64_t) {
  // Nothing else queued: the run ended before this sample was due; finish()
  // takes the last one at the true end.
  if (m_.engine().queue().empty()) return;
  sample(time);
  if (samples_ >= max_samples_ && samples_ % max_samples_ == 0) interval_ *= 2;
  m_.engine().schedule(time + interval_, this);
}

void Sampler::finish(sim::Cycles at) {
  run_progress_ = nullptr;  // the runner is gone
  if (!sampled_any_ || at > last_) sample(at);
  if (progress_) progress_->fraction.store(1.0, std::memory_order_relaxed);
}

void Sampler::sample(sim::Cycles at) {
  sampled_any_ = true;
  last_ = at;
  ++samples_;
  if (keep_rows_) {
    sample_zones(at);
    sample_slab(at);
    sample_hardware(at);
    sample_vm(at);
  }
  if (progress_) {
    if (run_progress_)
      progress_->fraction.store(run_progress_->fraction(at), std::memory_order_relaxed);
    progress_->cycles.store(at, std::memory_order_relaxed);
  }
}

void Sampler::sample_zones(sim::Cycles at) {
  const SampleTime time{at, static_cast<double>(at) / m_.config().ghz};
  for (const model::Zone& z : k_.pages().zones()) {
    if (!z.populated()) continue;
    for (unsigned o = 0; o < model::kNrOrders; ++o)
      append(*free_pages_, free_pages_spec(), time, FreeAreaRow{z, o});
    std::int64_t pcp_pages = 0;
    for (std::size_t cpu = 0; cpu < z.pcp.size(); ++cpu) {
      pcp_pages += z.pcp[cpu].count;
      append(*pcp_, pcp_spec(), time, PcpRow{z, cpu, z.pcp[cpu]});
    }
    append(*zones_, zones_spec(), time,
           ZoneRow{z, static_cast<std::uint64_t>(std::max<std::int64_t>(pcp_pages, 0))});
  }
}

void Sampler::sample_slab(sim::Cycles at) {
  const SampleTime time{at, static_cast<double>(at) / m_.config().ghz};
  const model::ObjectAllocator& oa = k_.slab();
  const std::vector<model::SlabinfoRow> rows = oa.slabinfo_rows();
  const std::vector<const model::KmemCache*> caches = oa.slab_caches();
  const model::SlabinfoRow none;
  for (std::size_t i = 0; i < caches.size(); ++i) {
    const model::KmemCache& c = *caches[i];
    // The designs list their slabinfo rows in slab_caches() order: look further only if not.
    auto row = rows.begin() + static_cast<std::ptrdiff_t>(std::min(i, rows.size()));
    if (row == rows.end() || row->name != c.name)
      row = std::find_if(rows.begin(), rows.end(),
                         [&](const model::SlabinfoRow& r) { return r.name == c.name; });
    append(*slab_, slab_spec(), time, SlabRow{c, row == rows.end() ? none : *row});
    if (const model::SheafStats* st = oa.sheaf_stats(c))
      append(*slab_sheaves_, slab_sheaves_spec(), time, SheavesRow{c, *st, oa.sheaf_usage(c)});
  }
}

void Sampler::resolve_stats() {
  sim::StatsRegistry& st = m_.stats();
  if (st.counters().size() == resolved_counters_ && st.latencies().size() == resolved_latencies_)
    return;
  resolved_counters_ = st.counters().size();
  resolved_latencies_ = st.latencies().size();
  cpu_counters_ = st.instances(sim::kCacheCounters, m_.cpus(), absent_);
  kswapd_cycles_.assign(m_.cpus(), &absent_);
  vmalloc_purges_ = {&absent_, &absent_};
  for (const auto& e : st.counters())
    for (const auto& f : model::kVmallocPurgeCounters)
      if (e.name == f.decl.stat.name)
        vmalloc_purges_.*f.member = const_cast<sim::Counter*>(&e.counter);
  for (const auto& e : st.counters())
    if (e.name == model::kKswapdCpuCycles.stat.name && e.scope >= 0 &&
        static_cast<std::size_t>(e.scope) < kswapd_cycles_.size())
      kswapd_cycles_[static_cast<std::size_t>(e.scope)] = &e.counter;
  node_counters_ = st.instances(sim::kMemoryCounters, m_.config().nodes, absent_);
  // The workload's latency histograms, a run of consecutive ones per row.
  op_latencies_.clear();
  for (const auto& e : st.latencies()) {
    std::string_view op;
    if (!sim::matches(workloads::gen::kOpLatency.stat.name, e.name, &op)) continue;
    if (op_latencies_.empty() || op != op_latencies_.back().op) op_latencies_.push_back({op, {}});
    op_latencies_.back().histograms.push_back(&e.histogram);
  }
}

void Sampler::sample_hardware(sim::Cycles at) {
  const SampleTime time{at, static_cast<double>(at) / m_.config().ghz};
  resolve_stats();  // once, unless a statistic appeared since (a lock class's first use)
  for (sim::CpuId c = 0; c < m_.cpus(); ++c)
    append(*cpu_caches_, cpu_caches_spec(), time, CpuRow{cpu_counters_[c], c, *kswapd_cycles_[c]});
  for (const auto& e : m_.lock_classes()) append(*locks_, locks_spec(), time, LockRow{e});
  for (sim::NodeId n = 0; n < m_.config().nodes; ++n)
    append(*memory_, memory_spec(), time, NodeRow{node_counters_[n], n});
  // Operations so far, from the workload's latency histograms (summed over CPUs).
  for (const OpLatencies& o : op_latencies_) {
    OpRow row{o.op, 0, 0};
    for (const sim::LatencyHistogram* h : o.histograms) {
      row.ops += h->count;
      row.cycles += h->sum;
    }
    append(*workload_, workload_spec(), time, row);
  }
}

void Sampler::sample_vm(sim::Cycles at) {
  const model::PageAllocator& pa = k_.pages();
  std::uint64_t page_cache = 0;
  for (sim::NodeId n = 0; n < m_.config().nodes; ++n) page_cache += pa.page_cache_pages(n);
  append(*vmstat_, vmstat_spec(), {at, static_cast<double>(at) / m_.config().ghz},
         VmRow{pa.events(), k_.slab().reap_events(), vmalloc_purges_, page_cache,
               k_.slab().pages_held(), k_.diagnostics().errors(), k_.rcu().stats(),
               k_.rcu().pending()});
}

SpooledTables Sampler::take_tables() {
  SpooledTables out{{"free_pages", std::move(free_pages_)},
                    {"zones", std::move(zones_)},
                    {"pcp", std::move(pcp_)},
                    {"slab", std::move(slab_)}};
  // Only a kernel with sheaves (linux-6.18) has rows for it.
  if (slab_sheaves_->rows()) out.emplace_back("slab_sheaves", std::move(slab_sheaves_));
  out.emplace_back("cpu_caches", std::move(cpu_caches_));
  out.emplace_back("locks", std::move(locks_));
  out.emplace_back("vmstat", std::move(vmstat_));
  out.emplace_back("memory", std::move(memory_));
  out.emplace_back("workload", std::move(workload_));
  return out;
}

}  // namespace allocsim::io
