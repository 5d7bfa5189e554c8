#include "workloads/replay/replayer.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "model/migratetype.hpp"
#include "workloads/generator/generator_stats.hpp"
#include "workloads/trace/event_gfp.hpp"

namespace allocsim::workloads::replaying {

namespace {

using trace::EventKind;
using trace::Field;

// Open loop: an idle CPU reads this far (in simulated ns) past its own clock
// before it sleeps until the events it read are due. Its next event, if
// any, lies beyond them in the trace; reading further would only hold other
// CPUs' events longer in memory, reading less would wake it more often.
constexpr double kReadHorizonNs = 100'000;

// ZERO_SIZE_PTR as a traced pointer (a number in the trace, not a model address).
constexpr std::uint64_t kZeroSizePtr = model::ObjectAllocator::kZeroSizePtr.value();

}  // namespace

Replayer::Replayer(trace::EventSource& source, model::Kernel& kernel, const ReplayOptions& options)
    : source_(source), k_(kernel), m_(kernel.machine()), opt_(options) {
  const std::size_t per_cpu = std::max<std::size_t>(64, opt_.backlog_events / m_.cpus());
  for (sim::CpuId c = 0; c < m_.cpus(); ++c) cpus_.emplace_back(per_cpu);
  cycles_per_ns_ = m_.config().ghz * opt_.time_scale;
  horizon_ = static_cast<sim::Cycles>(kReadHorizonNs * cycles_per_ns_);
  gfp_kernel_ = model::parse_gfp(k_.pages().flavour(), "GFP_KERNEL");
}

// --- reading ----------------------------------------------------------------------

sim::Cycles Replayer::due(const trace::TraceEvent& e) const {
  if (opt_.timing == ReplayTiming::back_to_back || e.ts_ns <= t0_) return start_;
  return start_ + static_cast<sim::Cycles>(static_cast<double>(e.ts_ns - t0_) * cycles_per_ns_);
}

void Replayer::count_traced(const trace::TraceEvent& e) {
  TracepointTotals& t = r_.traced;
  const auto order = static_cast<unsigned>(std::max<std::int16_t>(e.order, 0));
  switch (e.kind) {
    case EventKind::mm_page_alloc:  // a failure prints pfn 0 and a null page
      if (e.has(Field::pfn) && (e.pfn != 0 || e.page != 0) && order < t.page_allocs.size())
        ++t.page_allocs[order];
      break;
    case EventKind::mm_page_alloc_zone_locked:
      if (e.percpu_refill) t.pcp_refill_pages += std::uint64_t{1} << order;
      break;
    case EventKind::mm_page_pcpu_drain:
      t.pcp_drain_pages += std::uint64_t{1} << order;
      break;
    case EventKind::mm_page_alloc_extfrag:
      ++t.extfrag;
      break;
    default:
      break;
  }
}

void Replayer::push(sim::CpuId cpu, const Item& it) {
  Backlog<Item>& b = cpus_[cpu].backlog;
  const std::size_t before = b.in_memory();
  b.push(it);
  held_ += b.in_memory() - before;  // modulo 2^64: a push may write a chunk out
  if (held_ > r_.peak_backlog) r_.peak_backlog = held_;
}

sim::CpuId Replayer::cpu_of(const trace::TraceEvent& e) const {
  return e.cpu >= 0 ? static_cast<sim::CpuId>(e.cpu) % m_.cpus() : 0;
}

sim::Cycles Replayer::dispatch(const trace::TraceEvent& e, sim::Cpu* reader) {
  if (!have_t0_) {
    have_t0_ = true;
    t0_ = e.ts_ns;
  }
  ++r_.events;
  count_traced(e);
  const sim::Cycles when = due(e);
  SlotId slot = kNoSlot;
  bool reused = false;
  switch (action_of(e.kind)) {
    case Action::count:
      ++r_.skipped;
      return when;
    case Action::alloc_object:
      // A traced NULL or ZERO_SIZE_PTR is replayed but names no object to free.
      if (e.ptr != 0 && e.ptr != kZeroSizePtr) {
        // The kernel never hands out a live object: one still live in the trace
        // was freed without a kmem event (kmem_cache_free_bulk, as kfree_rcu's
        // batches, the maple tree's mt_free_bulk and 6.18's RCU sheaf free), so
        // the model frees it on this CPU just before.
        const SlotId old = map_.unbind(ObjectMap::Space::objects, e.ptr);
        if (old != kNoSlot) {
          ++r_.reused_pointers;
          trace::TraceEvent free = e;
          free.kind = EventKind::kmem_cache_free;  // kfree for an object of no cache
          push(cpu_of(e), {free, old, true});
        }
        slot = map_.bind(ObjectMap::Space::objects, e.ptr, reused);
      }
      break;
    case Action::free_object:
      if (e.ptr == 0 || e.ptr == kZeroSizePtr) {  // kfree does nothing with either
        ++r_.null_frees;
        return when;
      }
      slot = map_.unbind(ObjectMap::Space::objects, e.ptr);
      if (slot == kNoSlot) {
        ++r_.unknown_frees;
        // An object live before the trace began: a warm-started one of its cache.
        if (!opt_.warm_start || e.kind != EventKind::kmem_cache_free || !e.has(Field::name))
          return when;
        const auto warm = opt_.warm_start->take_object(source_.trace().str(e.name));
        if (!warm) return when;
        slot = map_.adopt(warm->second, warm->first);
        ++r_.warm_frees;
      }
      break;
    case Action::alloc_pages:
      if (!e.has(Field::pfn) || (e.pfn == 0 && e.page == 0)) {  // a traced failure
        ++r_.skipped;
        ++r_.traced_page_failures;
        return when;
      }
      if (opt_.pages && !opt_.pages->replay(e, source_.trace())) {
        ++r_.pages_not_replayed;
        return when;
      }
      slot = map_.bind(ObjectMap::Space::pages, e.pfn, reused);
      r_.reused_pointers += reused;
      break;
    case Action::free_pages:
      if (opt_.pages && !opt_.pages->replay(e, source_.trace())) {
        ++r_.pages_not_replayed;
        return when;
      }
      slot = map_.unbind(ObjectMap::Space::pages, e.pfn);
      if (slot == kNoSlot) {
        ++r_.unknown_frees;
        return when;
      }
      break;
  }
  const sim::CpuId cpu = cpu_of(e);
  push(cpu, {e, slot});
  last_due_ = when;
  CpuState& s = cpus_[cpu];
  s.dormant = false;
  if (s.blocked && !s.kicked) {
    // Its first event: wake it when that is due, or at the reader's time if
    // the reader is earlier (open loop reads ahead of every clock only as far
    // as the events are due, so the CPU is not woken after its event's time;
    // back to back, its events begin at the start, however late they are read).
    s.kicked = true;
    m_.cpu(cpu).wake(std::min(reader->now(), when));
  }
  return when;
}

void Replayer::end_of_source(sim::Cpu& reader) {
  done_ = true;
  for (sim::CpuId c = 0; c < m_.cpus(); ++c) {
    CpuState& s = cpus_[c];
    if (s.blocked && !s.kicked) {
      s.kicked = true;
      m_.cpu(c).wake(reader.now());
    }
  }
}

void Replayer::WorkKick::kick(sim::CpuId cpu, sim::Cycles at) {
  if (idle(cpu)) replayer.m_.engine().schedule(at, this, cpu);
}

bool Replayer::WorkKick::idle(sim::CpuId cpu) const {
  const CpuState& s = replayer.cpus_[cpu];
  return s.blocked && !s.kicked;
}

void Replayer::WorkKick::on_event(sim::Cycles time, std::uint64_t cpu) {
  // A stale timer (the CPU got its event first) finds it running, or blocked
  // again: then it only runs what is due and blocks once more.
  CpuState& s = replayer.cpus_[cpu];
  if (!s.blocked || s.kicked) return;
  s.kicked = true;
  replayer.m_.cpu(static_cast<sim::CpuId>(cpu)).wake(time);
}

void Replayer::read_due(sim::Cpu& cpu) {
  trace::TraceEvent e;
  while (!done_ && last_due_ <= cpu.now()) {
    if (!source_.next(e)) return end_of_source(cpu);
    dispatch(e, &cpu);
  }
}

void Replayer::read_for(sim::Cpu& cpu) {
  CpuState& s = cpus_[cpu.id()];
  trace::TraceEvent e;
  while (s.backlog.empty()) {
    if (!source_.next(e)) return end_of_source(cpu);
    const sim::Cycles when = dispatch(e, &cpu);
    if (!s.backlog.empty()) return;
    if (opt_.timing == ReplayTiming::open_loop && when > cpu.now() + horizon_) {
      // Kernel work due before then runs at its time, as on a CPU woken for it.
      for (sim::Cycles w; (w = cpu.next_work_wakeup()) < when;) {
        cpu.sleep_until(w);
        cpu.run_due_work();
      }
      return cpu.sleep_until(when);
    }
  }
}

bool Replayer::next_item(sim::Cpu& cpu, Item& it) {
  CpuState& s = cpus_[cpu.id()];
  for (;;) {
    const std::size_t before = s.backlog.in_memory();
    const bool got = s.backlog.pop(it);
    held_ += s.backlog.in_memory() - before;  // modulo 2^64: a pop may read back a chunk
    if (got) return true;
    if (done_) return false;
    if (s.dormant) {  // a CPU without events reads nothing: it waits for its first one
      s.blocked = true;
      s.kicked = false;
      cpu.block();
      s.blocked = false;
      cpu.run_due_work();  // woken for kernel work, or for its first event
      continue;
    }
    read_for(cpu);
  }
}

void Replayer::cpu_loop(sim::Cpu& cpu) {
  if (cpu.now() < start_) cpu.spend(start_ - cpu.now());
  Item it;
  while (next_item(cpu, it)) {
    cpu.run_due_work();  // kernel work due by the event's time runs before it
    execute(cpu, it);
    cpu.sync();
  }
}

// --- running an event -------------------------------------------------------------

model::Gfp Replayer::gfp_of(const trace::TraceEvent& e) {
  if (!e.has(Field::gfp_flags)) return gfp_kernel_;
  if (e.gfp_numeric) return model::Gfp{static_cast<std::uint32_t>(e.gfp_value)};
  if (e.gfp_text >= gfp_by_text_.size()) gfp_by_text_.resize(e.gfp_text + 1, -1);
  std::int64_t& cached = gfp_by_text_[e.gfp_text];
  if (cached == -1) {
    try {
      cached = trace::event_gfp(k_.pages().flavour(), source_.trace(), e).bits;
    } catch (const std::invalid_argument&) {
      cached = -2;
    }
  }
  if (cached == -2) {
    ++r_.gfp_fallbacks;
    return gfp_kernel_;
  }
  return model::Gfp{static_cast<std::uint32_t>(cached)};
}

int Replayer::node_of(const trace::TraceEvent& e) const {
  return e.node >= 0 && static_cast<unsigned>(e.node) < m_.config().nodes ? e.node : -1;
}

model::KmemCache* Replayer::cache_for(sim::Cpu& cpu, const trace::TraceEvent& e) {
  // The traced kernel's cache by its name (6.x prints it), else one per call
  // site and object size, as the kernel's caches are.
  std::size_t index;
  if (e.has(Field::name) && e.name != 0) {
    if (e.name >= cache_by_name_.size()) cache_by_name_.resize(e.name + 1, -1);
    if (cache_by_name_[e.name] < 0) {
      cache_by_name_[e.name] = static_cast<std::int32_t>(caches_.size());
      caches_.emplace_back();
    }
    index = static_cast<std::size_t>(cache_by_name_[e.name]);
  } else {
    const std::uint64_t site = e.call_site ? e.call_site : (1ull << 63) | e.call_site_sym;
    const auto [it, fresh] = cache_by_site_.try_emplace({site, e.bytes_req}, caches_.size());
    if (fresh) caches_.emplace_back();
    index = it->second;
  }
  for (;;) {
    CacheEntry& c = caches_[index];
    if (c.cache || c.impossible) return c.cache;
    if (!c.creating) break;
    c.waiters.push_back(cpu.id());  // another CPU is creating it (its allocations may wait)
    cpu.block();
  }
  // An object size no cache can have is a failed allocation, not a reason to
  // stop the replay.
  if (e.bytes_req == 0 || e.bytes_req > (model::kPageSize << model::kMaxOrder)) {
    caches_[index].impossible = true;
    return nullptr;
  }
  caches_[index].creating = true;
  const std::string_view traced_name = e.has(Field::name) ? source_.trace().str(e.name) : "";
  CacheSpec spec{static_cast<std::uint32_t>(e.bytes_req), 0, 0, false};
  if (opt_.caches)
    if (auto found = opt_.caches->find(traced_name, e.bytes_req, e.bytes_alloc)) spec = *found;
  const std::string name =
      traced_name.empty() ? "replay-" + std::to_string(caches_.size()) : std::string(traced_name);
  model::KmemCache* made = opt_.warm_start ? opt_.warm_start->cache(traced_name) : nullptr;
  if (!made)
    made = k_.slab().kmem_cache_create(cpu, name, spec.size, spec.align, spec.flags, spec.ctor);
  CacheEntry& c = caches_[index];
  c.creating = false;
  c.cache = made;
  c.impossible = made == nullptr;
  r_.caches_created += made != nullptr;
  for (sim::CpuId w : c.waiters) m_.cpu(w).wake(cpu.now());
  c.waiters.clear();
  return made;
}

void Replayer::allocation_done(sim::Cpu& cpu, SlotId id, sim::VirtAddr addr, model::Pfn pfn,
                               bool ok, unsigned order) {
  if (id == kNoSlot) return;
  Slot& s = map_[id];
  s.addr = addr;
  s.pfn = pfn;
  s.order = static_cast<std::uint8_t>(order);
  s.state = ok ? Slot::State::live : Slot::State::failed;
  s.done_at = cpu.now();
  if (s.waiter >= 0) {
    m_.cpu(static_cast<sim::CpuId>(s.waiter)).wake(cpu.now());
    s.waiter = -1;
  }
  if (s.orphan) map_.release(id);
}

void Replayer::wait_for_allocation(sim::Cpu& cpu, SlotId id, ReplayRow& row) {
  const sim::Cycles before = cpu.now();
  if (map_[id].state == Slot::State::pending) {
    map_[id].waiter = static_cast<std::int32_t>(cpu.id());
    cpu.block();
  }
  if (map_[id].done_at > cpu.now()) cpu.sleep_until(map_[id].done_at);
  if (cpu.now() > before) {
    row.wait = cpu.now() - before;
    ++r_.free_waits;
    r_.free_wait_cycles += row.wait;
  }
}

bool Replayer::alloc_object(sim::Cpu& cpu, const Item& it, ReplayRow& row) {
  const trace::TraceEvent& e = it.ev;
  model::ObjectAllocator& oa = k_.slab();
  row.ptr = e.ptr;
  row.bytes_req = e.bytes_req;
  row.traced_bytes_alloc = e.bytes_alloc;
  if (e.call_site_sym) {
    row.call_site = source_.trace().str(e.call_site_sym);
  } else if (e.call_site) {
    char* buf = cpus_[cpu.id()].call_site;
    const int n = std::snprintf(buf, sizeof cpus_[cpu.id()].call_site, "0x%llx",
                                static_cast<unsigned long long>(e.call_site));
    row.call_site = std::string_view(buf, static_cast<std::size_t>(n));
  }
  const model::Gfp gfp = gfp_of(e);
  sim::VirtAddr addr{};
  std::uint64_t simulated = 0;
  model::KmemCache* cache = nullptr;
  if (is_kmalloc(e.kind)) {
    row.start = cpu.now();
    addr = oa.kmalloc(cpu, e.bytes_req, gfp, node_of(e));
    if (addr) simulated = oa.kmalloc_sizes().bytes_alloc(e.bytes_req);
  } else {
    cache = cache_for(cpu, e);  // creating it is not part of the event
    row.start = cpu.now();
    if (cache) {
      addr = oa.kmem_cache_alloc(cpu, *cache, gfp, node_of(e));
      if (addr) simulated = oa.cache_bytes_alloc(*cache);
    }
  }
  row.simulated_bytes_alloc = simulated;
  // A cache object is freed to its cache (kmem_cache_free): SLOB, unlike SLAB
  // and SLUB, cannot kfree() one.
  if (it.slot != kNoSlot && cache) map_[it.slot].cache = cache;
  allocation_done(cpu, it.slot, addr, model::Pfn{}, static_cast<bool>(addr), 0);
  if (!addr) {
    ++r_.failures;
    return true;
  }
  ++r_.allocations;
  if (e.has(Field::bytes_alloc)) {
    const std::size_t k = static_cast<std::size_t>(
        std::find(kAllocKinds.begin(), kAllocKinds.end(), e.kind) - kAllocKinds.begin());
    ++r_.bytes_alloc_compared;
    ++r_.compared[k];
    if (simulated == e.bytes_alloc)
      ++r_.equal[k];
    else
      ++r_.bytes_alloc_mismatches;
  }
  return true;
}

bool Replayer::free_object(sim::Cpu& cpu, const Item& it, ReplayRow& row) {
  const trace::TraceEvent& e = it.ev;
  row.ptr = e.ptr;
  wait_for_allocation(cpu, it.slot, row);
  const Slot s = map_[it.slot];
  map_.release(it.slot);
  if (s.state != Slot::State::live) {
    ++r_.failed_frees;
    return false;
  }
  model::ObjectAllocator& oa = k_.slab();
  row.start = cpu.now();
  if (s.cache && e.kind == EventKind::kmem_cache_free)
    oa.kmem_cache_free(cpu, *s.cache, s.addr);
  else
    oa.kfree(cpu, s.addr);
  ++r_.frees;
  return true;
}

bool Replayer::alloc_pages(sim::Cpu& cpu, const Item& it, ReplayRow& row) {
  const trace::TraceEvent& e = it.ev;
  row.pfn = e.pfn;
  const unsigned order = static_cast<unsigned>(std::clamp<std::int16_t>(e.order, 0, 255));
  row.order = static_cast<std::uint8_t>(order);
  const model::Gfp gfp = gfp_of(e);
  const model::Flavour f = k_.pages().flavour();
  row.migratetype = model::migratetype_name(f, model::gfp_migratetype(f, gfp));
  row.start = cpu.now();
  const std::optional<model::Pfn> pfn = k_.pages().alloc_pages(cpu, gfp, order);
  allocation_done(cpu, it.slot, sim::VirtAddr{}, pfn.value_or(model::Pfn{}), pfn.has_value(),
                  order);
  if (!pfn) {
    ++r_.failures;
    return true;
  }
  ++r_.allocations;
  return true;
}

bool Replayer::free_pages(sim::Cpu& cpu, const Item& it, ReplayRow& row) {
  row.pfn = it.ev.pfn;
  wait_for_allocation(cpu, it.slot, row);
  const Slot s = map_[it.slot];
  map_.release(it.slot);
  if (s.state != Slot::State::live) {
    ++r_.failed_frees;
    return false;
  }
  row.order = s.order;  // the block as allocated (a batched free prints order 0)
  row.start = cpu.now();
  k_.pages().free_pages(cpu, s.pfn, s.order);
  ++r_.frees;
  return true;
}

void Replayer::execute(sim::Cpu& cpu, const Item& it) {
  const trace::TraceEvent& e = it.ev;
  if (opt_.timing == ReplayTiming::open_loop) {
    const sim::Cycles when = due(e);
    if (cpu.now() < when) {
      cpu.sleep_until(when);
    } else if (cpu.now() > when && !it.implied) {
      ++r_.late_events;
      r_.late_cycles += cpu.now() - when;
    }
    // Every event due by now is read and queued before this one runs, so a
    // CPU whose next event is due meanwhile (a free of what this allocates,
    // say) is awake at its time and not only once this CPU reads on.
    read_due(cpu);
  }
  ReplayRow row;
  row.ts_ns = e.ts_ns;
  row.line = e.line;
  row.trace_cpu = e.cpu;
  row.cpu = static_cast<std::uint16_t>(cpu.id());
  row.kind = e.kind;
  bool ran = false;
  switch (action_of(e.kind)) {
    case Action::alloc_object:
      ran = alloc_object(cpu, it, row);
      break;
    case Action::free_object:
      ran = free_object(cpu, it, row);
      break;
    case Action::alloc_pages:
      ran = alloc_pages(cpu, it, row);
      break;
    case Action::free_pages:
      ran = free_pages(cpu, it, row);
      break;
    case Action::count:
      break;
  }
  if (!ran || it.implied) return;
  row.latency = cpu.now() - row.start;
  cpus_[cpu.id()].latency[run_index(e.kind)]->record(row.latency);
  if (opt_.rows) opt_.rows->row(row);
}

// --- the run ----------------------------------------------------------------------

TracepointTotals Replayer::model_totals() const {
  TracepointTotals t;
  const model::PageAllocator& pa = k_.pages();
  t.page_allocs = pa.tracepoints().mm_page_alloc;
  t.pcp_refill_pages = pa.tracepoints().pcp_refill_pages;
  for (const model::Zone& z : pa.zones()) t.pcp_drain_pages += z.counters.pcp_drained_pages;
  t.extfrag = pa.buddy().extfrag_events();
  return t;
}

ReplayResult Replayer::run() {
  if (opt_.warm_start) opt_.warm_start->apply(k_);
  for (sim::CpuId c = 0; c < m_.cpus(); ++c)
    for (std::size_t i = 0; i < kRunKinds.size(); ++i)
      cpus_[c].latency[i] =
          &m_.stats().latency(gen::kOpLatency, static_cast<int>(c), trace::kind_name(kRunKinds[i]));
  m_.stats().freeze();  // the run begins: no statistic appears in the middle of it
  start_ = m_.now();
  r_.started = start_;
  model_before_ = model_totals();
  // The first event, read before the CPUs start: the CPU it goes to reads on.
  trace::TraceEvent first;
  while (!done_ && cpus_.end() == std::find_if(cpus_.begin(), cpus_.end(),
                                               [](const CpuState& s) { return !s.dormant; })) {
    if (!source_.next(first))
      done_ = true;
    else
      dispatch(first, nullptr);
  }
  if (opt_.run_hooks) opt_.run_hooks->started(start_, *this);
  for (sim::CpuId c = 0; c < m_.cpus(); ++c) m_.spawn(c, [this](sim::Cpu& cpu) { cpu_loop(cpu); });
  struct KickScope {
    sim::Machine& m;
    ~KickScope() { m.set_idle_kick(nullptr); }
  } kick_scope{m_};
  m_.set_idle_kick(&work_kick_);
  m_.run();

  for (sim::CpuId c = 0; c < m_.cpus(); ++c) r_.elapsed = std::max(r_.elapsed, m_.cpu(c).now());
  const TracepointTotals after = model_totals();
  for (std::size_t o = 0; o < after.page_allocs.size(); ++o)
    r_.model.page_allocs[o] = after.page_allocs[o] - model_before_.page_allocs[o];
  r_.model.pcp_refill_pages = after.pcp_refill_pages - model_before_.pcp_refill_pages;
  r_.model.pcp_drain_pages = after.pcp_drain_pages - model_before_.pcp_drain_pages;
  r_.model.extfrag = after.extfrag - model_before_.extfrag;
  r_.traced_live = map_.bound();
  const model::ObjectAllocator& oa = k_.slab();
  map_.for_each_bound([&](const Slot& s) {
    r_.simulated_live += s.state == Slot::State::live && (s.pages || oa.ksize(s.addr) > 0);
  });
  r_.peak_tracked = map_.peak();
  for (std::size_t id = 0; id < cache_by_name_.size(); ++id)
    if (cache_by_name_[id] >= 0)
      r_.caches.emplace_back(source_.trace().str(static_cast<trace::StrId>(id)));
  std::sort(r_.caches.begin(), r_.caches.end());
  for (const CpuState& s : cpus_) r_.spilled_events += s.backlog.spilled();
  return std::move(r_);
}

}  // namespace allocsim::workloads::replaying
