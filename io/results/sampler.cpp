#include "io/results/sampler.hpp"

#include <algorithm>
#include <string_view>

#include "model/page_alloc.hpp"
#include "model/zone_type.hpp"
#include "sim/machine.hpp"

namespace allocsim::io {

namespace {

using Type = h5::Column::Type;
struct Decl {
  const char* name;
  Type type;
  const char* unit;
};

void declare(h5::Table& t, std::initializer_list<Decl> cols) {
  t.add("cycles", Type::u64, "cycles");
  t.add("time_ns", Type::f64, "ns");
  for (const Decl& d : cols) t.add(d.name, d.type, d.unit);
}

constexpr std::string_view kCpuCounters[] = {"l1d.hits",
                                             "l1d.misses",
                                             "l2.hits",
                                             "l2.misses",
                                             "llc.hits",
                                             "llc.misses",
                                             "llc.remote_hits",
                                             "coherence.c2c_transfers",
                                             "coherence.false_sharing"};

}  // namespace

Sampler::Sampler(model::Kernel& kernel, std::uint64_t interval, std::uint64_t max_samples,
                 ProgressCell* progress)
    : k_(kernel),
      m_(kernel.machine()),
      interval_(interval),
      max_samples_(max_samples),
      progress_(progress) {
  declare(free_pages_, {{"node", Type::u64, "1"},
                        {"zone", Type::str, ""},
                        {"order", Type::u64, "1"},
                        {"free_blocks", Type::u64, "blocks"},
                        {"free_pages", Type::u64, "pages"}});
  declare(zones_, {{"node", Type::u64, "1"},
                   {"zone", Type::str, ""},
                   {"nr_free_pages", Type::u64, "pages"},
                   {"pcp_pages", Type::u64, "pages"},
                   {"wmark_min", Type::u64, "pages"},
                   {"wmark_low", Type::u64, "pages"},
                   {"wmark_high", Type::u64, "pages"},
                   {"watermark_boost", Type::u64, "pages"},
                   {"pcp_refills", Type::u64, "1"},
                   {"pcp_drains", Type::u64, "1"}});
  declare(pcp_, {{"cpu", Type::u64, "1"},
                 {"node", Type::u64, "1"},
                 {"zone", Type::str, ""},
                 {"count", Type::i64, "pages"},
                 {"high", Type::i64, "pages"},
                 {"batch", Type::i64, "pages"}});
  declare(slab_, {{"cache", Type::str, ""},
                  {"in_use", Type::u64, "objects"},
                  {"active_objs", Type::u64, "objects"},
                  {"num_objs", Type::u64, "objects"},
                  {"active_slabs", Type::u64, "slabs"},
                  {"num_slabs", Type::u64, "slabs"},
                  {"allocs", Type::u64, "1"},
                  {"frees", Type::u64, "1"}});
  declare(cpu_caches_, {{"cpu", Type::u64, "1"},
                        {"l1d_hits", Type::u64, "1"},
                        {"l1d_misses", Type::u64, "1"},
                        {"l2_hits", Type::u64, "1"},
                        {"l2_misses", Type::u64, "1"},
                        {"llc_hits", Type::u64, "1"},
                        {"llc_misses", Type::u64, "1"},
                        {"llc_remote_hits", Type::u64, "1"},
                        {"c2c_transfers", Type::u64, "1"},
                        {"false_sharing", Type::u64, "1"}});
  declare(locks_, {{"class", Type::str, ""},
                   {"acquisitions", Type::u64, "1"},
                   {"contended", Type::u64, "1"},
                   {"wait_cycles", Type::u64, "cycles"},
                   {"hold_cycles", Type::u64, "cycles"}});
  declare(vmstat_, {{"pgalloc", Type::u64, "pages"},
                    {"pgfree", Type::u64, "pages"},
                    {"allocstall", Type::u64, "1"},
                    {"pgsteal_kswapd", Type::u64, "pages"},
                    {"pgsteal_direct", Type::u64, "pages"},
                    {"kswapd_wakeups", Type::u64, "1"},
                    {"kswapd_runs", Type::u64, "1"},
                    {"kswapd_cycles", Type::u64, "cycles"},
                    {"page_cache_pages", Type::u64, "pages"},
                    {"slab_pages", Type::u64, "pages"},
                    {"diagnostics", Type::u64, "1"}});
  declare(memory_, {{"node", Type::u64, "1"},
                    {"local_accesses", Type::u64, "1"},
                    {"remote_accesses", Type::u64, "1"},
                    {"queue_cycles", Type::u64, "cycles"}});
  declare(workload_,
          {{"op", Type::str, ""}, {"ops", Type::u64, "1"}, {"op_cycles", Type::u64, "cycles"}});
}

void Sampler::keep_events(std::uint64_t max, std::uint64_t every) {
  events_max_ = max;
  events_every_ = std::max<std::uint64_t>(every, 1);
  if (max == 0 || !events_.columns().empty()) return;
  declare(
      events_,
      {{"cpu", Type::u64, "1"}, {"op", Type::str, ""}, {"latency_cycles", Type::u64, "cycles"}});
}

void Sampler::op(sim::CpuId cpu, workloads::gen::OpKind kind, sim::Cycles start,
                 sim::Cycles cycles) {
  if (ops_seen_++ % events_every_ != 0 || events_.columns().front().u.size() >= events_max_) return;
  events_.append_row(start, static_cast<double>(start) / m_.config().ghz, cpu,
                     workloads::gen::to_string(kind), cycles);
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

void Sampler::stamp(h5::Table& t, sim::Cycles at) {
  t.push_value(0, at);
  t.push_value(1, static_cast<double>(at) / m_.config().ghz);
}

void Sampler::sample(sim::Cycles at) {
  sampled_any_ = true;
  last_ = at;
  ++samples_;
  sample_zones(at);
  sample_slab(at);
  sample_hardware(at);
  sample_vm(at);
  if (progress_) {
    if (run_progress_)
      progress_->fraction.store(run_progress_->fraction(at), std::memory_order_relaxed);
    progress_->cycles.store(at, std::memory_order_relaxed);
  }
}

void Sampler::sample_zones(sim::Cycles at) {
  const model::PageAllocator& pa = k_.pages();
  for (const model::Zone& z : pa.zones()) {
    if (!z.populated()) continue;
    const std::string_view zone = model::zone_name(z.type);
    for (unsigned o = 0; o < model::kNrOrders; ++o) {
      const std::uint64_t blocks = z.free_area[o].nr_free;
      free_pages_.append_row(at, static_cast<double>(at) / m_.config().ghz, z.node, zone, o, blocks,
                             blocks << o);
    }
    std::int64_t pcp_pages = 0;
    for (std::size_t cpu = 0; cpu < z.pcp.size(); ++cpu) {
      const model::PerCpuPages& p = z.pcp[cpu];
      pcp_pages += p.count;
      pcp_.append_row(at, static_cast<double>(at) / m_.config().ghz, cpu, z.node, zone, p.count,
                      p.high, p.batch);
    }
    zones_.append_row(at, static_cast<double>(at) / m_.config().ghz, z.node, zone, z.nr_free_pages,
                      std::max<std::int64_t>(pcp_pages, 0), z.wmark.min, z.wmark.low, z.wmark.high,
                      z.watermark_boost, z.counters.pcp_refills, z.counters.pcp_drains);
  }
}

void Sampler::sample_slab(sim::Cycles at) {
  const model::ObjectAllocator& oa = k_.slab();
  const std::vector<model::SlabinfoRow> rows = oa.slabinfo_rows();
  for (const model::KmemCache* c : oa.slab_caches()) {
    const auto row = std::find_if(rows.begin(), rows.end(),
                                  [&](const model::SlabinfoRow& r) { return r.name == c->name; });
    const model::SlabinfoRow none;
    const model::SlabinfoRow& r = row == rows.end() ? none : *row;
    slab_.append_row(at, static_cast<double>(at) / m_.config().ghz, c->name, c->in_use,
                     r.active_objs, r.num_objs, r.active_slabs, r.num_slabs, c->stats.allocs,
                     c->stats.frees);
  }
}

void Sampler::sample_hardware(sim::Cycles at) {
  const double ns = static_cast<double>(at) / m_.config().ghz;
  const sim::StatsRegistry& st = m_.stats();
  for (sim::CpuId c = 0; c < m_.cpus(); ++c) {
    stamp(cpu_caches_, at);
    cpu_caches_.push_value(2, c);
    std::size_t col = 3;
    for (std::string_view name : kCpuCounters)
      cpu_caches_.push_value(col++, st.value(std::string(name), static_cast<int>(c)));
  }
  for (const auto& e : st.counters()) {
    if (e.scope != sim::StatsRegistry::kGlobal || !e.name.starts_with("lock.") ||
        !e.name.ends_with(".acquisitions"))
      continue;
    const std::string cls = e.name.substr(5, e.name.size() - 5 - 13);
    const std::string p = "lock." + cls + ".";
    locks_.append_row(at, ns, cls, e.counter.value, st.value(p + "contended", e.scope),
                      st.value(p + "wait_cycles", e.scope), st.value(p + "hold_cycles", e.scope));
  }
  for (sim::NodeId n = 0; n < m_.config().nodes; ++n) {
    const int s = static_cast<int>(n);
    memory_.append_row(at, ns, n, st.value("memory.local_accesses", s),
                       st.value("memory.remote_accesses", s), st.value("memory.queue_cycles", s));
  }
  // Operations so far, from the workload's latency histograms (summed over CPUs).
  std::string op;
  std::uint64_t ops = 0, cycles = 0;
  auto flush = [&] {
    if (!op.empty()) workload_.append_row(at, ns, op, ops, cycles);
  };
  for (const auto& e : st.latencies()) {
    const std::string_view name = workloads::gen::latency_op(e.name);
    if (name.empty()) continue;
    if (name != op) {
      flush();
      op = name;
      ops = cycles = 0;
    }
    ops += e.histogram.count;
    cycles += e.histogram.sum;
  }
  flush();
}

void Sampler::sample_vm(sim::Cycles at) {
  const model::PageAllocator& pa = k_.pages();
  const model::VmEvents& ev = pa.events();
  std::uint64_t page_cache = 0;
  for (sim::NodeId n = 0; n < m_.config().nodes; ++n) page_cache += pa.page_cache_pages(n);
  vmstat_.append_row(at, static_cast<double>(at) / m_.config().ghz, ev.pgalloc, ev.pgfree,
                     ev.allocstall, ev.pgsteal_kswapd, ev.pgsteal_direct, ev.kswapd_wakeups,
                     ev.kswapd_runs, ev.kswapd_cycles, page_cache, k_.slab().pages_held(),
                     k_.diagnostics().errors());
}

std::vector<std::pair<std::string, h5::Table>> Sampler::take_tables() {
  std::vector<std::pair<std::string, h5::Table>> out;
  out.emplace_back("free_pages", std::move(free_pages_));
  out.emplace_back("zones", std::move(zones_));
  out.emplace_back("pcp", std::move(pcp_));
  out.emplace_back("slab", std::move(slab_));
  out.emplace_back("cpu_caches", std::move(cpu_caches_));
  out.emplace_back("locks", std::move(locks_));
  out.emplace_back("vmstat", std::move(vmstat_));
  out.emplace_back("memory", std::move(memory_));
  out.emplace_back("workload", std::move(workload_));
  return out;
}

}  // namespace allocsim::io
