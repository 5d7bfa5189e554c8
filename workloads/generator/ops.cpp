// What one thread instance does: phases, passes over their ops, and each
// operation's unit of work against the kernel model.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "model/page_alloc.hpp"
#include "workloads/generator/runner.hpp"

namespace allocsim::workloads::gen {

void Runner::note(const Instance& in, OpKind kind, std::uint64_t a, std::uint64_t b) {
  for (std::uint64_t v :
       {static_cast<std::uint64_t>(in.id), static_cast<std::uint64_t>(kind), a, b})
    fingerprint_.u64(v);
}

void Runner::record(const sim::Cpu& cpu, OpTotals& t, OpKind kind, sim::Cycles cycles) {
  ++t.ops;
  t.cycles += cycles;
  latency_[static_cast<std::size_t>(kind) * m_.cpus() + cpu.id()]->record(cycles);
  // A sleep is recorded as it starts, every other operation as it ends.
  if (op_hook_)
    op_hook_->op(cpu.id(), kind, kind == OpKind::sleep ? cpu.now() : cpu.now() - cycles, cycles);
}

void Runner::finish(Instance& in, sim::Cycles now) {
  if (in.finished) return;
  in.finished = true;
  in.wait = Wait::none;
  --unfinished_;
  if (!in.spec->irq) --process_unfinished_;
  // Idle executors wait for this: unbounded irq phases end, the run ends.
  if (process_unfinished_ == 0 || unfinished_ == 0) kick_all(now);
}

bool Runner::advance_phase_if_done(sim::Cpu& cpu, Instance& in) {
  const sim::Cycles now = cpu.now();
  if (now >= end_) {
    finish(in, now);
    return true;
  }
  for (;;) {
    if (in.phase >= in.spec->phases.size()) {
      finish(in, now);
      return true;
    }
    const Phase& ph = in.spec->phases[in.phase];
    const bool unbounded = ph.iterations == 0 && ph.duration == 0;
    const bool done = (ph.iterations && in.iteration >= ph.iterations) ||
                      (ph.duration && now - in.phase_start >= ph.duration) ||
                      (unbounded && in.spec->irq && process_unfinished_ == 0);
    if (!done) return false;
    ++in.phase;
    in.iteration = 0;
    in.op = 0;
    in.op_started = false;
    in.phase_start = now;
  }
}

void Runner::advance(Instance& in) {
  if (++in.rep < in.reps) return;
  in.op_started = false;
  if (++in.op == in.spec->phases[in.phase].ops.size()) {
    in.op = 0;
    ++in.iteration;
  }
}

void Runner::step(sim::Cpu& cpu, Instance& in) {
  if (cpu.now() >= end_) return finish(in, cpu.now());
  if (in.wait != Wait::none) {
    const Wait w = in.wait;
    in.wait = Wait::none;
    if (w == Wait::sleep || w == Wait::barrier) return;  // that unit is complete
  }
  // Ops drawn to run zero times are passed over; a pass that did nothing
  // still costs a cycle, so an unbounded phase always moves time on.
  for (std::size_t guard = 0;; ++guard) {
    if (in.op == 0 && !in.op_started && advance_phase_if_done(cpu, in)) return;
    const Op& op = in.spec->phases[in.phase].ops[in.op];
    if (!in.op_started) {
      in.reps = op.all ? 1 : op.count.sample(in.rng);
      in.rep = 0;
      in.op_started = true;
    }
    if (in.rep < in.reps) break;
    in.op_started = false;
    if (++in.op == in.spec->phases[in.phase].ops.size()) {
      in.op = 0;
      ++in.iteration;
      cpu.spend(1);
    }
    if (guard > in.spec->phases[in.phase].ops.size()) return;  // let the executor look around
  }
  const Op& op = in.spec->phases[in.phase].ops[in.op];
  if (run_unit(cpu, in, op)) advance(in);
}

void Runner::run_iteration(sim::Cpu& cpu, Instance& in) {
  for (const Op& op : in.spec->phases[in.phase].ops) {
    const std::uint64_t reps = op.all ? 1 : op.count.sample(in.rng);
    for (std::uint64_t r = 0; r < reps; ++r) {
      run_unit(cpu, in, op);  // validation keeps waits out of interrupt context
      in.wait = Wait::none;
    }
  }
}

bool Runner::run_unit(sim::Cpu& cpu, Instance& in, const Op& op) {
  if (must_wait(in, op)) return false;
  switch (op_def(op.kind).family) {
    case OpFamily::alloc:
      allocate(cpu, in, op);
      break;
    case OpFamily::page_cache:
      add_page_cache(cpu, in, op);
      break;
    case OpFamily::free:
      free_from_pool(cpu, in, op);
      break;
    case OpFamily::touch:
      touch(cpu, in, op);
      break;
    case OpFamily::pass:
      pass(cpu, in, op);
      break;
    case OpFamily::compute:
      compute(cpu, in, op);
      break;
    case OpFamily::sleep:
      sleep(cpu, in, op);
      break;
    case OpFamily::barrier:
      barrier(cpu, in, op);
      break;
    case OpFamily::reap:
      cache_reap(cpu, in, op);
      break;
  }
  return true;
}

bool Runner::must_wait(Instance& in, const Op& op) {
  if (op_def(op.kind).family == OpFamily::alloc && in.spec->max_live &&
      in.live >= in.spec->max_live) {
    in.wait = Wait::live;
    ++result_.live_waits;
    return true;
  }
  if ((op.kind == OpKind::free || op.kind == OpKind::pass) && op.wait) {
    const std::uint64_t need = 1;
    PoolStore& p = in.pools[static_cast<std::size_t>(op.pool)];
    if (p.size() < need) {
      in.wait = Wait::pool;
      in.wait_index = op.pool;
      in.pool_need = need;
      ++result_.pool_waits;
      return true;
    }
  }
  return false;
}

void Runner::compute(sim::Cpu& cpu, Instance& in, const Op& op) {
  const std::uint64_t c = op.cycles.sample(in.rng);
  cpu.spend(c);
  record(cpu, totals(in, op.kind), op.kind, c);
  note(in, op.kind, c, 0);
}

// The config reader lets cache_reap through for SLAB only.
void Runner::cache_reap(sim::Cpu& cpu, Instance& in, const Op& op) {
  const sim::Cycles t0 = cpu.now();
  k_.slab().cache_reap_now(cpu);
  record(cpu, totals(in, op.kind), op.kind, cpu.now() - t0);
  note(in, op.kind, 0, 0);
}

void Runner::sleep(sim::Cpu& cpu, Instance& in, const Op& op) {
  const sim::Cycles now = cpu.now();
  const std::uint64_t c = op.cycles.sample(in.rng);
  record(cpu, totals(in, op.kind), op.kind, c);
  note(in, op.kind, c, 0);
  if (c > 0) {
    in.wait = Wait::sleep;
    in.wake_at = now + c;
  }
}

void Runner::barrier(sim::Cpu& cpu, Instance& in, const Op& op) {
  const sim::Cycles now = cpu.now();
  BarrierState& b = barriers_[static_cast<std::size_t>(op.barrier)];
  cpu.rmw(b.word);
  record(cpu, totals(in, op.kind), op.kind, cpu.now() - now);
  note(in, op.kind, b.generation, 0);
  if (++b.arrived == b.parties) {
    b.arrived = 0;
    ++b.generation;
    for (int w : b.waiters) kick(instances_[static_cast<std::size_t>(w)].cpu, cpu.now());
    b.waiters.clear();
  } else {
    in.wait = Wait::barrier;
    in.wait_index = op.barrier;
    in.barrier_gen = b.generation;
    b.waiters.push_back(in.id);
    ++result_.barrier_waits;
  }
}

void Runner::allocate(sim::Cpu& cpu, Instance& in, const Op& op) {
  PoolStore* pool = op.pool != kNone ? &in.pools[static_cast<std::size_t>(op.pool)] : nullptr;
  if (op.keep && pool && pool->size() >= op.keep) {
    free_object(cpu, pool->take(op.evict, in.rng), totals(in, OpKind::free));
    ++result_.evictions;
  }
  const std::uint64_t amount = op.amount.sample(in.rng);
  const sim::Cycles t0 = cpu.now();
  Object o = make_object(cpu, in, op, amount);
  OpTotals& t = totals(in, op.kind);
  record(cpu, t, op.kind, cpu.now() - t0);
  // The fingerprint word of an object: its pfn (pages) or its address.
  note(in, op.kind, amount, o.kind == ObjectKind::pages ? o.pfn.value() : o.addr.value());
  if (o.kind == ObjectKind::pages ? o.size == 0 : !o.addr) {
    ++t.failures;
    return;
  }
  if (op.zero)
    touch_object(cpu, o, 0, o.size, TouchMode::write);
  else if (op.init)
    touch_object(cpu, o, 0, std::min<std::uint64_t>(o.size, m_.config().line_bytes),
                 TouchMode::write);
  const ObjectId id = objects_.add(o);
  ++in.live;
  result_.peak_live = std::max<std::uint64_t>(result_.peak_live, objects_.live());
  if (op.has_lifetime)
    schedule_free(cpu, in, op, id, op.lifetime.sample(in.rng));
  else if (pool)
    pool->push(id);
}

Object Runner::make_object(sim::Cpu& cpu, const Instance& in, const Op& op, std::uint64_t amount) {
  Object o;
  o.owner = in.id;
  o.kind = *op_def(op.kind).objects;
  const int node = op.node;
  model::ObjectAllocator& oa = k_.slab();
  switch (op.kind) {
    case OpKind::alloc_pages: {
      const auto order = static_cast<unsigned>(amount);
      const std::optional<model::Pfn> pfn =
          node >= 0
              ? k_.pages().alloc_pages_node(cpu, static_cast<sim::NodeId>(node), op.gfp, order)
              : k_.pages().alloc_pages(cpu, op.gfp, order);
      o.pfn = pfn ? *pfn : model::Pfn{};
      o.order = static_cast<std::uint8_t>(order);
      o.size = pfn ? model::kPageSize << order : 0;
      break;
    }
    case OpKind::kmalloc:
      o.addr = oa.kmalloc(cpu, amount, op.gfp, node);
      o.size = amount;
      break;
    case OpKind::kmem_cache_alloc: {
      model::KmemCache& c = *caches_[static_cast<std::size_t>(op.cache)];
      const std::uint64_t slabs_before = c.stats.slabs_created;
      o.index = static_cast<std::int16_t>(op.cache);
      o.addr = oa.kmem_cache_alloc(cpu, c, op.gfp, node);
      o.size = c.object_size;
      // The constructor's own work: every object of a new slab (SLOB: each object).
      const sim::Cycles ctor = spec_.caches[static_cast<std::size_t>(op.cache)].ctor;
      if (ctor && o.addr)
        cpu.spend(ctor * (c.objects_per_slab
                              ? (c.stats.slabs_created - slabs_before) * c.objects_per_slab
                              : 1));
      break;
    }
    case OpKind::mempool_alloc: {
      const MempoolSpec& ps = spec_.mempools[static_cast<std::size_t>(op.mempool)];
      o.index = static_cast<std::int16_t>(op.mempool);
      o.addr = mempools_[static_cast<std::size_t>(op.mempool)]->alloc(cpu, op.gfp);
      o.size = ps.backend == ObjectKind::cache
                   ? caches_[static_cast<std::size_t>(ps.cache)]->object_size
               : ps.backend == ObjectKind::kmalloc ? ps.size
                                                   : model::kPageSize << ps.order;
      break;
    }
    case OpKind::vmalloc:
      o.addr = node >= 0 ? k_.vmalloc().vmalloc_node(cpu, amount, node, in.spec->name)
                         : k_.vmalloc().vmalloc(cpu, amount, in.spec->name);
      o.size = amount;
      break;
    default:
      throw std::logic_error("op kind '" + std::string(to_string(op.kind)) +
                             "' is in the alloc family but makes no object");
  }
  return o;
}

void Runner::add_page_cache(sim::Cpu& cpu, Instance& in, const Op& op) {
  const sim::Cycles t0 = cpu.now();
  const std::optional<model::Pfn> pfn = k_.pages().alloc_page_cache(cpu);
  OpTotals& t = totals(in, op.kind);
  record(cpu, t, op.kind, cpu.now() - t0);
  if (!pfn) ++t.failures;
  note(in, op.kind, pfn ? pfn->value() : 0,
       0);  // owned by the page cache from now on: reclaim frees it
}

void Runner::schedule_free(sim::Cpu& cpu, Instance& in, const Op& op, ObjectId id,
                           sim::Cycles delay) {
  sim::CpuId target = cpu.id();
  switch (op.free_by) {
    case FreeBy::self:
      break;
    case FreeBy::next_cpu:
      target = (cpu.id() + 1) % m_.cpus();
      break;
    case FreeBy::random_cpu:
      target = static_cast<sim::CpuId>(in.rng.below(m_.cpus()));
      break;
    case FreeBy::cpus:
      target = op.free_cpus[in.rng.below(op.free_cpus.size())];
      break;
  }
  executors_[target].deferred.push({cpu.now() + delay, seq_++, id, cpu.id(), op.rcu});
  if (target != cpu.id()) kick(target, cpu.now());
}

void Runner::release_object(sim::Cpu& cpu, int owner) {
  Instance& in = instances_[static_cast<std::size_t>(owner)];
  --in.live;
  if (in.wait == Wait::live && in.live < in.spec->max_live && in.cpu != cpu.id())
    kick(in.cpu, cpu.now());
}

void Runner::free_object(sim::Cpu& cpu, ObjectId id, OpTotals& as) {
  const Object o = objects_[id];
  const sim::Cycles t0 = cpu.now();
  switch (o.kind) {
    case ObjectKind::pages:
      k_.pages().free_pages(cpu, o.pfn, o.order);
      break;
    case ObjectKind::kmalloc:
      k_.slab().kfree(cpu, o.addr);
      break;
    case ObjectKind::cache:
      k_.slab().kmem_cache_free(cpu, *caches_[static_cast<std::size_t>(o.index)], o.addr);
      break;
    case ObjectKind::mempool:
      mempools_[static_cast<std::size_t>(o.index)]->free(cpu, o.addr);
      break;
    case ObjectKind::vmalloc:
      k_.vmalloc().vfree(cpu, o.addr);
      break;
  }
  record(cpu, as, OpKind::free, cpu.now() - t0);
  fingerprint_.word(o.kind == ObjectKind::pages ? o.pfn.value() : o.addr.value());
  objects_.remove(id);
  release_object(cpu, o.owner);
}

void Runner::free_from_pool(sim::Cpu& cpu, Instance& in, const Op& op) {
  PoolStore& p = in.pools[static_cast<std::size_t>(op.pool)];
  if (p.empty()) {
    ++result_.empty_pool;
    return;
  }
  const std::size_t n = op.all ? p.size() : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const ObjectId id = p.take(op.pick, in.rng);
    if (op.rcu) {  // call_rcu: freed by this CPU once the grace period has passed
      free_rcu(cpu, id);
    } else {
      free_object(cpu, id, totals(in, OpKind::free));
    }
    if (n > 1) cpu.sync();
  }
}

void Runner::touch_object(sim::Cpu& cpu, const Object& o, std::uint64_t offset, std::uint64_t bytes,
                          TouchMode mode) {
  if (offset >= o.size) return;
  bytes = std::min(bytes, o.size - offset);
  if (o.kind == ObjectKind::vmalloc) {
    k_.vmalloc().access(cpu, o.addr + offset, bytes, mode != TouchMode::read);
    return;
  }
  const sim::PhysAddr base =
      o.kind == ObjectKind::pages ? k_.pages().pfn_to_phys(o.pfn) : k_.highmem().pa(o.addr);
  const sim::AccessKind kind = mode == TouchMode::read    ? sim::AccessKind::read
                               : mode == TouchMode::write ? sim::AccessKind::write
                                                          : sim::AccessKind::rmw;
  cpu.access_range(base + offset, bytes, kind);
}

void Runner::touch(sim::Cpu& cpu, Instance& in, const Op& op) {
  PoolStore& p = in.pools[static_cast<std::size_t>(op.pool)];
  if (p.empty()) {
    ++result_.empty_pool;
    return;
  }
  const sim::Cycles t0 = cpu.now();
  const std::uint64_t bytes = op.bytes ? op.bytes : ~std::uint64_t{0};
  if (op.pick == Pick::each) {
    for (std::size_t i = 0; i < p.size(); ++i)
      touch_object(cpu, objects_[p.at(i)], op.offset, bytes, op.mode);
  } else {
    touch_object(cpu, objects_[p.peek(op.pick, in.rng)], op.offset, bytes, op.mode);
  }
  record(cpu, totals(in, op.kind), op.kind, cpu.now() - t0);
  note(in, op.kind, p.size(), 0);
}

void Runner::pass(sim::Cpu& cpu, Instance& in, const Op& op) {
  PoolStore& p = in.pools[static_cast<std::size_t>(op.pool)];
  if (p.empty()) {
    ++result_.empty_pool;
    return;
  }
  const std::vector<int>& targets = instances_of_[static_cast<std::size_t>(op.to_thread)];
  const sim::Cycles t0 = cpu.now();
  const std::size_t n = op.all ? p.size() : 1;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t slot = 0;
    switch (op.deal) {
      case Deal::same_index:
        slot = static_cast<std::size_t>(in.index) % targets.size();
        break;
      case Deal::round_robin:
        slot = in.deal_next++ % targets.size();
        break;
      case Deal::random:
        slot = in.rng.below(targets.size());
        break;
    }
    Instance& to = instances_[static_cast<std::size_t>(targets[slot])];
    const ObjectId id = p.take(op.pick, in.rng);
    Object& o = objects_[id];
    touch_object(cpu, o, 0, 8, TouchMode::write);  // linked into the receiver's list
    release_object(cpu, o.owner);
    o.owner = to.id;
    ++to.live;
    to.pools[static_cast<std::size_t>(op.to_pool)].push(id);
    ++result_.passed;
    if (to.cpu != cpu.id()) kick(to.cpu, cpu.now());
  }
  record(cpu, totals(in, op.kind), op.kind, cpu.now() - t0);
  note(in, op.kind, n, 0);
}

}  // namespace allocsim::workloads::gen
