#include "io/results/summary.hpp"

#include <map>
#include <string_view>

#include "model/fragmentation.hpp"
#include "model/page_alloc.hpp"
#include "model/zone_type.hpp"
#include "sim/machine.hpp"
#include "workloads/generator/run.hpp"

namespace allocsim::io {

namespace {

double ratio(std::uint64_t part, std::uint64_t whole) {
  return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

}  // namespace

void add_kernel_summary(model::Kernel& kernel, h5::Table& s) {
  const sim::Machine& m = kernel.machine();
  const sim::StatsRegistry& st = m.stats();
  // Caches: misses over lookups at each level.
  const std::uint64_t l1h = st.total("l1d.hits"), l1m = st.total("l1d.misses");
  const std::uint64_t l2h = st.total("l2.hits"), l2m = st.total("l2.misses");
  const std::uint64_t llch = st.total("llc.hits"), llcm = st.total("llc.misses");
  s.set("l1d_accesses", l1h + l1m, "1");
  s.set("l1d_miss_rate", ratio(l1m, l1h + l1m), "1");
  s.set("l2_miss_rate", ratio(l2m, l2h + l2m), "1");
  s.set("llc_miss_rate", ratio(llcm, llch + llcm), "1");
  s.set("llc_misses", llcm, "1");
  s.set("c2c_transfers", st.total("coherence.c2c_transfers"), "1");
  s.set("false_sharing", st.total("coherence.false_sharing"), "1");
  const std::uint64_t local = st.total("memory.local_accesses");
  const std::uint64_t remote = st.total("memory.remote_accesses");
  s.set("memory_accesses", local + remote, "1");
  s.set("remote_access_share", ratio(remote, local + remote), "1");

  // Locks: wait cycles per class (classes in registration order), and all together.
  std::uint64_t wait_total = 0, acquisitions = 0, contended = 0;
  std::vector<std::pair<std::string, std::uint64_t>> waits;
  for (const auto& e : st.counters()) {
    if (e.scope != sim::StatsRegistry::kGlobal || !e.name.starts_with("lock.")) continue;
    if (e.name.ends_with(".wait_cycles")) {
      waits.emplace_back(e.name.substr(5, e.name.size() - 5 - 12), e.counter.value);
      wait_total += e.counter.value;
    } else if (e.name.ends_with(".acquisitions")) {
      acquisitions += e.counter.value;
    } else if (e.name.ends_with(".contended")) {
      contended += e.counter.value;
    }
  }
  s.set("lock_acquisitions", acquisitions, "1");
  s.set("lock_contended", contended, "1");
  s.set("lock_wait_cycles", wait_total, "cycles");
  for (const auto& [cls, cycles] : waits) s.set("lock_wait_cycles." + cls, cycles, "cycles");

  // The page allocator: pcp, NUMA placement, free memory, fragmentation.
  const model::PageAllocator& pa = kernel.pages();
  model::ZoneCounters zc;
  std::array<std::uint64_t, model::kNrOrders> nr_free{};
  std::uint64_t free_pages = 0, managed = 0;
  for (const model::Zone& z : pa.zones()) {
    zc += z.counters;
    free_pages += z.nr_free_pages;
    managed += z.managed_pages;
    for (unsigned o = 0; o < model::kNrOrders; ++o) nr_free[o] += z.free_area[o].nr_free;
  }
  s.set("pcp_refills", zc.pcp_refills, "1");
  s.set("pcp_drains", zc.pcp_drains, "1");
  s.set("pcp_drained_pages", zc.pcp_drained_pages, "pages");
  s.set("numa_hit", zc.numa_hit, "allocations");
  s.set("numa_miss", zc.numa_miss, "allocations");
  s.set("numa_foreign", zc.numa_foreign, "allocations");
  s.set("numa_local", zc.numa_local, "allocations");
  s.set("numa_other", zc.numa_other, "allocations");
  s.set("managed_pages", managed, "pages");
  s.set("free_pages", free_pages, "pages");
  // Machine-wide indices: the debugfs formulas over the free areas of all zones summed.
  const unsigned pbo = pa.pageblock_order();
  for (unsigned order : {3u, pbo}) {
    const model::ContigPageInfo info = model::fill_contig_page_info(nr_free, order);
    const std::string o = std::to_string(order);
    s.set("unusable_index_order" + o,
          static_cast<double>(model::unusable_free_index(order, info)) / 1000.0, "1");
    s.set("extfrag_index_order" + o,
          static_cast<double>(model::fragmentation_index(order, info)) / 1000.0, "1");
  }
  const model::VmEvents& ev = pa.events();
  s.set("pgalloc", ev.pgalloc, "pages");
  s.set("pgfree", ev.pgfree, "pages");
  s.set("alloc_stalls", ev.allocstall, "1");
  s.set("kswapd_runs", ev.kswapd_runs, "1");
  s.set("pgsteal_kswapd", ev.pgsteal_kswapd, "pages");
  s.set("pgsteal_direct", ev.pgsteal_direct, "pages");
  s.set("page_alloc_failures", static_cast<std::uint64_t>(pa.failures().size()), "1");

  // Object allocator: counts and memory overhead (slab pages against live objects).
  const model::ObjectAllocator& oa = kernel.slab();
  std::uint64_t caches = 0, live_bytes = 0, live_objects = 0, total_objs = 0, slabs = 0;
  std::uint64_t allocs = 0, frees = 0, fast = 0;
  for (const model::KmemCache* c : oa.slab_caches()) {
    ++caches;
    live_objects += c->in_use;
    live_bytes += c->in_use * c->object_size;
    allocs += c->stats.allocs;
    frees += c->stats.frees;
    fast += c->stats.alloc_fastpath;
  }
  for (const model::SlabinfoRow& r : oa.slabinfo_rows()) {
    total_objs += r.num_objs;
    slabs += r.num_slabs;
  }
  const std::uint64_t slab_bytes = oa.pages_held() << model::kPageShift;
  s.set("slab_caches", caches, "1");
  s.set("slab_allocs", allocs, "1");
  s.set("slab_frees", frees, "1");
  s.set("slab_alloc_fastpath_share", ratio(fast, allocs), "1");
  s.set("slab_objects_in_use", live_objects, "objects");
  s.set("slab_objects_total", total_objs, "objects");
  s.set("slab_slabs", slabs, "slabs");
  s.set("slab_pages", oa.pages_held(), "pages");
  s.set("slab_overhead", slab_bytes ? 1.0 - ratio(live_bytes, slab_bytes) : 0.0, "1");
  s.set("vmalloc_areas", static_cast<std::uint64_t>(kernel.vmalloc().areas().size()), "1");
  s.set("diagnostics", kernel.diagnostics().errors(), "1");
}

void add_latency_summary(const sim::StatsRegistry& st, h5::Table& s) {
  std::map<std::string, sim::LatencyHistogram> per_op;
  for (const auto& e : st.latencies())
    if (const std::string_view op = workloads::gen::latency_op(e.name); !op.empty())
      per_op[std::string(op)].merge(e.histogram);
  std::uint64_t ops = 0, cycles = 0;
  for (std::size_t k = 0; k < workloads::gen::kOpKinds; ++k) {
    const std::string op(workloads::gen::to_string(static_cast<workloads::gen::OpKind>(k)));
    const sim::LatencyHistogram& h = per_op[op];
    ops += h.count;
    cycles += h.sum;
    s.set(op + ".ops", h.count, "1");
    s.set(op + ".mean_cycles", h.mean(), "cycles");
    s.set(op + ".p50_cycles", h.quantile_upper_bound(0.50), "cycles");
    s.set(op + ".p99_cycles", h.quantile_upper_bound(0.99), "cycles");
    s.set(op + ".p999_cycles", h.quantile_upper_bound(0.999), "cycles");
    s.set(op + ".max_cycles", h.max, "cycles");
  }
  s.set("ops", ops, "1");
  s.set("op_cycles", cycles, "cycles");
}

h5::Table counters_table(model::Kernel& kernel) {
  h5::Table t;
  t.add("name", h5::Column::Type::str, "");
  t.add("scope", h5::Column::Type::i64, "1");
  t.add("value", h5::Column::Type::u64, "1");
  for (const auto& e : kernel.machine().stats().counters())
    t.append_row(e.name, e.scope, e.counter.value);
  const model::VmEvents& ev = kernel.pages().events();
  const std::pair<const char*, std::uint64_t> vm[] = {{"vm.pgalloc", ev.pgalloc},
                                                      {"vm.pgfree", ev.pgfree},
                                                      {"vm.allocstall", ev.allocstall},
                                                      {"vm.pgsteal_kswapd", ev.pgsteal_kswapd},
                                                      {"vm.pgsteal_direct", ev.pgsteal_direct},
                                                      {"vm.kswapd_wakeups", ev.kswapd_wakeups},
                                                      {"vm.kswapd_runs", ev.kswapd_runs},
                                                      {"vm.kswapd_cycles", ev.kswapd_cycles},
                                                      {"vm.compact_or_fail", ev.compact_or_fail}};
  for (const auto& [name, v] : vm) t.append_row(name, std::int64_t{-1}, v);
  // Per zone: scope is the zone's index in the machine (node-major).
  std::int64_t zi = 0;
  for (const model::Zone& z : kernel.pages().zones()) {
    const std::string p = "zone." + std::string(model::zone_name(z.type)) + ".";
    const model::ZoneCounters& c = z.counters;
    for (const auto& [name, v] : {std::pair{"numa_hit", c.numa_hit},
                                  {"numa_miss", c.numa_miss},
                                  {"numa_foreign", c.numa_foreign},
                                  {"numa_interleave", c.numa_interleave},
                                  {"numa_local", c.numa_local},
                                  {"numa_other", c.numa_other},
                                  {"pcp_refills", c.pcp_refills},
                                  {"pcp_drains", c.pcp_drains},
                                  {"pcp_drained_pages", c.pcp_drained_pages},
                                  {"alloc_success", c.alloc_success},
                                  {"alloc_fail", c.alloc_fail}})
      t.append_row(p + name, zi, v);
    ++zi;
  }
  return t;
}

std::vector<std::pair<std::string, h5::Table>> latency_tables(const sim::StatsRegistry& st) {
  std::vector<std::pair<std::string, h5::Table>> out;
  for (const auto& e : st.latencies()) {
    const std::string_view op = workloads::gen::latency_op(e.name);
    if (op.empty()) continue;
    if (out.empty() || out.back().first != op) {
      h5::Table t;
      t.add("cpu", h5::Column::Type::u64, "1");
      t.add("lower_cycles", h5::Column::Type::u64, "cycles");
      t.add("upper_cycles", h5::Column::Type::u64, "cycles");
      t.add("count", h5::Column::Type::u64, "1");
      out.emplace_back(op, std::move(t));
    }
    const sim::LatencyHistogram& h = e.histogram;
    for (unsigned b = 0; b < sim::LatencyHistogram::kBuckets; ++b)
      if (h.buckets[b])
        out.back().second.append_row(static_cast<std::uint64_t>(e.scope),
                                     sim::LatencyHistogram::lower_bound(b),
                                     sim::LatencyHistogram::upper_bound(b), h.buckets[b]);
  }
  // Only the operations that ran.
  std::erase_if(out, [](const auto& p) { return p.second.rows() == 0; });
  return out;
}

std::vector<std::pair<std::string, std::string>> proc_reports(const model::Kernel& kernel) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::string_view name : model::Kernel::proc_names())
    out.emplace_back(std::string(name), kernel.proc(name));
  return out;
}

}  // namespace allocsim::io
