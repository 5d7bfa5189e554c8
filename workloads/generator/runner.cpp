// The per-CPU executors of a generated workload: which instance runs next,
// interrupt arrivals, due frees, and waiting (in simulated time) until one of
// them is due or another CPU hands over work.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "sim/engine.hpp"
#include "workloads/generator/generator_stats.hpp"
#include "workloads/generator/runner.hpp"

namespace allocsim::workloads::gen {

void Executor::on_event(sim::Cycles time, std::uint64_t gen) {
  if (gen != wait_gen || !waiting || kicked) return;  // a stale timer
  kicked = true;
  runner->m_.cpu(cpu).wake(time);
}

Runner::Runner(const GeneratorSpec& spec, model::Kernel& kernel)
    : spec_(spec), k_(kernel), m_(kernel.machine()) {
  const model::Flavour f = k_.pages().flavour();
  gfp_kernel_ = model::parse_gfp(f, "GFP_KERNEL");
  gfp_atomic_ = model::parse_gfp(f, "GFP_ATOMIC");
  executors_.resize(m_.cpus());
  for (sim::CpuId c = 0; c < m_.cpus(); ++c) {
    executors_[c].runner = this;
    executors_[c].cpu = c;
  }
  instances_of_.resize(spec_.threads.size());
  for (std::size_t s = 0; s < spec_.threads.size(); ++s) {
    const ThreadSpec& t = spec_.threads[s];
    for (sim::CpuId c : t.cpus) {
      if (c >= m_.cpus())
        throw std::invalid_argument("thread '" + t.name + "' is bound to CPU " + std::to_string(c) +
                                    " of a " + std::to_string(m_.cpus()) + "-CPU machine");
      Instance in;
      in.spec = &t;
      in.spec_index = static_cast<int>(s);
      in.index = static_cast<int>(instances_of_[s].size());
      in.cpu = c;
      in.id = static_cast<int>(instances_.size());
      in.rng.reseed(m_.seed(), (std::uint64_t{1} << 32) + instances_.size());
      in.pools.resize(t.pools.size());
      instances_of_[s].push_back(in.id);
      (t.irq ? executors_[c].irqs : executors_[c].threads).push_back(in.id);
      instances_.push_back(std::move(in));
    }
  }
  barriers_.resize(spec_.barriers.size());
  for (BarrierState& b : barriers_) b.word = m_.boot_memory().alloc(64, 64, 0);
  for (const Instance& in : instances_)
    for (const Phase& ph : in.spec->phases)
      for (const Op& op : ph.ops)
        if (op.kind == OpKind::barrier) {
          BarrierState& b = barriers_[static_cast<std::size_t>(op.barrier)];
          if (b.last_counted != in.id) ++b.parties;
          b.last_counted = in.id;
        }
  // workload.generator.rcu_grace: this workload's grace period for the
  // kernel's RCU (else kernel.rcu_grace_period).
  if (spec_.rcu_grace && spec_.rcu_grace != k_.rcu().grace_period()) {
    if (k_.rcu().stats().callbacks_queued)
      throw std::invalid_argument("workload '" + spec_.name +
                                  "' sets rcu_grace, but the kernel's RCU is already in use");
    k_.rcu().set_grace_period(spec_.rcu_grace);
  }
  result_.by_thread.resize(spec_.threads.size());
  for (std::size_t i = 0; i < kOpKinds; ++i)
    for (sim::CpuId c = 0; c < m_.cpus(); ++c)
      latency_.push_back(
          &m_.stats().latency(kOpLatency, static_cast<int>(c), to_string(static_cast<OpKind>(i))));
  objects_.reserve(4096);
  unfinished_ = instances_.size();
  for (const Instance& in : instances_) process_unfinished_ += !in.spec->irq;
}

Runner::~Runner() {
  k_.rcu().forget(rcu_free_);
}

void Runner::free_rcu(sim::Cpu& cpu, ObjectId id) {
  touch_object(cpu, objects_[id], 0, 16, TouchMode::write);  // the rcu_head in the object
  ++rcu_pending_;
  k_.rcu().call_rcu(cpu, model::Rcu::kHeadCharged, rcu_free_, id, 0);
}

void Runner::RcuFree::invoke(sim::Cpu& cpu, std::uint64_t a, std::uint64_t /*b*/) {
  const auto id = static_cast<ObjectId>(a);
  runner.touch_object(cpu, runner.objects_[id], 0, 16, TouchMode::read);
  --runner.rcu_pending_;
  ++runner.result_.rcu_frees;
  const Instance& owner = runner.instances_[static_cast<std::size_t>(runner.objects_[id].owner)];
  runner.free_object(cpu, id, runner.totals(owner, OpKind::free));
}

void Runner::kick(sim::CpuId cpu, sim::Cycles at) {
  Executor& ex = executors_[cpu];
  if (!ex.waiting || ex.kicked) return;
  ex.kicked = true;
  m_.cpu(cpu).wake(at);
}

void Runner::WorkKick::kick(sim::CpuId cpu, sim::Cycles at) {
  Executor& ex = runner.executors_[cpu];
  // The wait's own timer stays armed: whichever comes first wakes the executor.
  if (ex.waiting && !ex.kicked) runner.m_.engine().schedule(at, &ex, ex.wait_gen);
}

bool Runner::WorkKick::idle(sim::CpuId cpu) const {
  const Executor& ex = runner.executors_[cpu];
  return ex.waiting && !ex.kicked;
}

void Runner::kick_all(sim::Cycles at) {
  for (sim::CpuId c = 0; c < m_.cpus(); ++c) kick(c, at);
}

void Runner::setup(sim::Cpu& cpu) {
  model::ObjectAllocator& oa = k_.slab();
  for (const CacheSpec& c : spec_.caches) {
    if (c.boot) {  // the kernel made it at boot: the first cache of that name
      caches_.push_back(oa.find_cache(c.name));
      if (!caches_.back())
        throw std::runtime_error("the kernel has no boot cache '" + c.name + "'");
      continue;
    }
    model::KmemCache* kc =
        oa.kmem_cache_create(cpu, c.name, c.size, c.align, c.flags, c.ctor > 0, c.args);
    if (!kc) throw std::runtime_error("workload cache '" + c.name + "' could not be created");
    if (c.tunables.any()) oa.set_tunables(cpu, *kc, c.tunables);
    caches_.push_back(kc);
  }
  for (const MempoolSpec& p : spec_.mempools) {
    using B = model::Mempool::Backend;
    const B backend = p.backend == ObjectKind::cache     ? B::slab
                      : p.backend == ObjectKind::kmalloc ? B::kmalloc
                                                         : B::pages;
    model::KmemCache* cache =
        p.cache != kNone ? caches_[static_cast<std::size_t>(p.cache)] : nullptr;
    auto pool = model::Mempool::create(cpu, oa, p.min_nr, backend, cache, p.size, p.order);
    if (!pool)
      throw std::runtime_error("workload mempool '" + p.name + "' could not fill its " +
                               std::to_string(p.min_nr) + " reserved elements");
    mempools_.push_back(std::move(pool));
  }
}

bool Runner::ready(const Instance& in, sim::Cycles now) const {
  if (now >= end_) return true;  // it will finish
  switch (in.wait) {
    case Wait::none:
      return true;
    case Wait::sleep:
      return now >= in.wake_at;
    case Wait::barrier:
      return barriers_[static_cast<std::size_t>(in.wait_index)].generation != in.barrier_gen;
    case Wait::pool:
      return in.pools[static_cast<std::size_t>(in.wait_index)].size() >= in.pool_need;
    case Wait::live:
      return in.live < in.spec->max_live;
  }
  return true;
}

int Runner::pick_thread(Executor& ex, sim::Cycles now) {
  const std::size_t n = ex.threads.size();
  if (n == 0) return kNone;
  const auto usable = [&](std::size_t i) {
    const Instance& in = instances_[static_cast<std::size_t>(ex.threads[i])];
    return !in.finished && ready(in, now);
  };
  const bool slice_left = spec_.quantum == 0 || now - ex.slice_start < spec_.quantum;
  if (slice_left && usable(ex.current)) return ex.threads[ex.current];
  for (std::size_t step = 1; step <= n; ++step) {
    const std::size_t i = (ex.current + step) % n;
    if (usable(i)) {
      ex.current = i;
      ex.slice_start = now;
      return ex.threads[i];
    }
  }
  return kNone;
}

sim::Cycles Runner::next_event(const Executor& ex) const {
  sim::Cycles next = sim::kNever;
  for (int id : ex.threads) {
    const Instance& in = instances_[static_cast<std::size_t>(id)];
    if (in.finished) continue;
    if (in.wait == Wait::sleep) next = std::min(next, in.wake_at);
    if (in.wait != Wait::none) next = std::min(next, end_);
  }
  for (int id : ex.irqs) {
    const Instance& in = instances_[static_cast<std::size_t>(id)];
    if (!in.finished) next = std::min(next, in.next_arrival);
  }
  if (!ex.deferred.empty()) next = std::min(next, ex.deferred.top().due);
  return std::min(next, m_.cpu(ex.cpu).next_work_wakeup());
}

void Runner::wait_until(sim::Cpu& cpu, Executor& ex, sim::Cycles when) {
  if (when <= cpu.now()) return;
  ex.waiting = true;
  ex.kicked = false;
  ++ex.wait_gen;
  if (when != sim::kNever) m_.engine().schedule(when, &ex, ex.wait_gen);
  cpu.block();
  ex.waiting = false;
}

void Runner::run_due_frees(sim::Cpu& cpu, Executor& ex) {
  while (!ex.deferred.empty() && ex.deferred.top().due <= cpu.now()) {
    const Deferred d = ex.deferred.top();
    ex.deferred.pop();
    const Object& o = objects_[d.id];
    const Instance& owner = instances_[static_cast<std::size_t>(o.owner)];
    if (d.from_cpu != cpu.id()) ++result_.remote_frees;
    if (d.rcu) {
      free_rcu(cpu, d.id);  // rcu_frees counts it when the grace period is over
    } else {
      ++result_.lifetime_frees;
      free_object(cpu, d.id, totals(owner, OpKind::free));
    }
    cpu.sync();
  }
}

bool Runner::run_irq(sim::Cpu& cpu, Executor& ex) {
  for (int id : ex.irqs) {
    Instance& in = instances_[static_cast<std::size_t>(id)];
    if (in.finished) continue;
    const bool due = in.next_arrival <= cpu.now();
    // An unbounded irq phase ends with the last process thread.
    if (!due && process_unfinished_ > 0) continue;
    if (advance_phase_if_done(cpu, in)) continue;
    if (!due) continue;
    ++result_.irq_arrivals;
    run_iteration(cpu, in);
    ++in.iteration;
    in.next_arrival += std::max<std::uint64_t>(1, in.spec->arrival.sample(in.rng));
    return true;
  }
  return false;
}

void Runner::executor_loop(sim::Cpu& cpu, Executor& ex) {
  for (;;) {
    cpu.run_due_work();
    run_due_frees(cpu, ex);
    // Interrupts first, but never two in a row while a thread can run: a
    // backlog of arrivals (handlers slower than the arrival rate) slows the
    // threads down instead of starving them for ever, as NAPI's budget does.
    const int id = pick_thread(ex, cpu.now());
    if ((id == kNone || !ex.irq_ran) && run_irq(cpu, ex)) {
      ex.irq_ran = true;
      cpu.sync();
      continue;
    }
    ex.irq_ran = false;
    if (id != kNone) {
      step(cpu, instances_[static_cast<std::size_t>(id)]);
      cpu.sync();
      continue;
    }
    if (unfinished_ == 0) break;  // frees still pending stay pending: the run is over
    wait_until(cpu, ex, next_event(ex));
  }
}

std::string Runner::describe_waits() const {
  std::string out;
  for (const Instance& in : instances_) {
    if (in.finished || in.wait == Wait::none || in.wait == Wait::sleep) continue;
    out += "\n  thread '" + in.spec->name + "' on CPU " + std::to_string(in.cpu) + ", phase '" +
           in.spec->phases[in.phase].name + "': ";
    if (in.wait == Wait::barrier)
      out += "at barrier '" + spec_.barriers[static_cast<std::size_t>(in.wait_index)] + "'";
    else if (in.wait == Wait::pool)
      out += "waiting for " + std::to_string(in.pool_need) + " object(s) in pool '" +
             in.spec->pools[static_cast<std::size_t>(in.wait_index)].name + "'";
    else
      out += "waiting for its live objects to drop below max_live";
  }
  return out;
}

double Runner::fraction(sim::Cycles now) const {
  if (end_ != sim::kNever && now >= end_) return 1.0;
  double sum = 0;
  std::size_t n = 0;
  for (const Instance& in : instances_) {
    if (in.spec->irq) continue;
    ++n;
    const std::size_t phases = in.spec->phases.size();
    if (in.finished || in.phase >= phases) {
      sum += 1.0;
      continue;
    }
    const Phase& ph = in.spec->phases[in.phase];
    double within = 0;
    if (ph.iterations)
      within = static_cast<double>(in.iteration) / static_cast<double>(ph.iterations);
    else if (ph.duration && now > in.phase_start)
      within = static_cast<double>(now - in.phase_start) / static_cast<double>(ph.duration);
    sum += (static_cast<double>(in.phase) + std::min(within, 1.0)) / static_cast<double>(phases);
  }
  double f = n ? sum / static_cast<double>(n) : 0.0;
  if (end_ != sim::kNever && end_ > result_.started && now > result_.started)
    f = std::max(f, static_cast<double>(now - result_.started) /
                        static_cast<double>(end_ - result_.started));
  return std::min(f, 1.0);
}

GeneratorResult Runner::run(RunHooks* hooks) {
  diagnostics_before_ = k_.diagnostics().errors();
  m_.spawn(0, [this](sim::Cpu& cpu) { setup(cpu); });
  m_.run();
  m_.stats().freeze();  // set up: from here on no statistic may appear
  const sim::Cycles start = m_.now();
  if (spec_.duration) end_ = start + spec_.duration;
  result_.started = start;
  for (Instance& in : instances_) {
    in.phase_start = start;
    if (in.spec->irq) in.next_arrival = start + in.spec->arrival.sample(in.rng);
  }
  if (hooks) hooks->started(start, *this);
  if (hooks && hooks->wants_ops()) op_hook_ = hooks;
  for (sim::CpuId c = 0; c < m_.cpus(); ++c) {
    Executor& ex = executors_[c];  // every CPU: frees may be handed to any
    m_.spawn(c, [this, &ex, start](sim::Cpu& cpu) {
      if (cpu.now() < start) cpu.spend(start - cpu.now());
      ex.slice_start = cpu.now();
      executor_loop(cpu, ex);
    });
  }
  // Kernel work that is due wakes an idle executor while the workload runs.
  struct KickScope {
    sim::Machine& m;
    ~KickScope() { m.set_idle_kick(nullptr); }
  } kick_scope{m_};
  m_.set_idle_kick(&work_kick_);
  try {
    m_.run();
  } catch (const std::runtime_error& e) {
    if (std::string_view(e.what()).starts_with("deadlock"))
      throw std::runtime_error("workload '" + spec_.name +
                               "' cannot go on: every thread left waits for another" +
                               describe_waits());
    throw;
  }
  // The last CPU's clock: engine events (a results sampler) may lie beyond it.
  for (sim::CpuId c = 0; c < m_.cpus(); ++c)
    result_.elapsed = std::max(result_.elapsed, m_.cpu(c).now());
  result_.live_at_end = objects_.live();
  for (const Executor& ex : executors_) result_.pending_at_end += ex.deferred.size();
  result_.pending_at_end += rcu_pending_;
  result_.diagnostics = k_.diagnostics().errors() - diagnostics_before_;
  for (const auto& per_thread : result_.by_thread)
    for (std::size_t i = 0; i < kOpKinds; ++i) {
      result_.total[i].ops += per_thread[i].ops;
      result_.total[i].failures += per_thread[i].failures;
      result_.total[i].cycles += per_thread[i].cycles;
    }
  result_.fingerprint = fingerprint_.h;
  return std::move(result_);
}

GeneratorResult run_generator(const GeneratorSpec& spec, model::Kernel& kernel, RunHooks* hooks) {
  Runner r(spec, kernel);
  return r.run(hooks);
}

}  // namespace allocsim::workloads::gen
