#include "sim/cpu.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

#include "sim/access_recorder.hpp"
#include "sim/engine.hpp"
#include "sim/memory_system.hpp"

namespace allocsim::sim {

Cpu::Cpu(CpuId id, NodeId node, std::uint64_t seed, Engine& engine, MemorySystem* memory,
         std::uint32_t line_bytes)
    : id_(id),
      node_(node),
      rng_(seed, id),
      engine_(&engine),
      memory_(memory),
      line_mask_(std::uint64_t{line_bytes} - 1) {
  if (!std::has_single_bit(line_bytes))
    throw std::invalid_argument("cache line size " + std::to_string(line_bytes) +
                                " is not a power of 2");
}

inline Cycles Cpu::charge_memory(PhysAddr addr, std::uint32_t size, AccessKind kind) {
  if (!memory_) return 0;
  const Cycles cost = memory_->access(id_, addr, size, kind, clock_);
  clock_ += cost;
  return cost;
}

// Out of line and cold, and charge() jumps to it rather than calling it, so
// that without a recorder charge() costs one compare and branch more (inlined,
// the recording loop doubled charge's instructions).
[[gnu::cold, gnu::noinline]] Cycles Cpu::record_and_charge(PhysAddr addr, std::uint32_t size,
                                                           AccessKind kind) {
  recorder_->record(addr, size, kind);
  return charge_memory(addr, size, kind);
}

Cycles Cpu::charge(PhysAddr addr, std::uint32_t size, AccessKind kind) {
  if (recorder_) [[unlikely]]
    return record_and_charge(addr, size, kind);
  return charge_memory(addr, size, kind);
}

Cycles Cpu::access_range(PhysAddr addr, std::uint64_t bytes, AccessKind kind) {
  if (!memory_ && !recorder_) return 0;  // timing off: nothing to charge or record
  Cycles total = 0;
  for (PhysAddr a = addr, end = addr + bytes; a < end;) {
    const PhysAddr next = std::min(end, line_start(a, line_mask_) + (line_mask_ + 1));
    total += charge(a, static_cast<std::uint32_t>(next - a), kind);
    a = next;
  }
  return total;
}

void Cpu::on_event(Cycles time, std::uint64_t) {
  if (time > clock_) clock_ = time;
  blocked_ = false;
  engine_->resume(*this);
}

void Cpu::yield() {
  engine_->queue().push(clock_, id_, this, 0);
  engine_->switch_to_scheduler();
}

void Cpu::sync() {
  if (!engine_->in_task()) return;
  const EventQueue& q = engine_->queue();
  if (clock_ > engine_->horizon()) return yield();
  if (q.empty()) return;
  const Event& next = q.top();
  if (next.time < clock_ || (next.time == clock_ && next.cpu < id_)) yield();
}

bool Cpu::queue_work(Work& w, Cycles due, bool deferrable) {
  if (!work_.queue(w, due, deferrable)) return false;
  if (!deferrable && idle_kick_) idle_kick_->kick(id_, due);
  return true;
}

void Cpu::run_work() {
  if (in_work_) return;  // an item's own sync points are not op boundaries
  in_work_ = true;
  while (Work* w = work_.pop_due(clock_)) {
    w->run(*this);
    sync();
  }
  in_work_ = false;
}

void Cpu::sleep_until(Cycles when) {
  if (when > clock_) clock_ = when;
  sync();
}

void Cpu::block() {
  if (!engine_->in_task())
    throw std::logic_error("CPU " + std::to_string(id_) + " would wait outside the engine");
  blocked_ = true;
  engine_->switch_to_scheduler();
}

void Cpu::wake(Cycles at) {
  if (!blocked_) throw std::logic_error("CPU " + std::to_string(id_) + " woken while not waiting");
  engine_->queue().push(at, id_, this, 0);
}

void Cpu::lock(SpinLock& l) {
  if (l.holder_ == id_)
    throw std::logic_error("CPU " + std::to_string(id_) + " takes a spinlock it already holds");
  sync();
  if (l.holder_ == kNoCpu) {
    rmw(l.word_);
    l.holder_ = id_;
    l.acquired_at_ = clock_;
    l.stats_.acquisitions->add();
    l.stats_.wait->record(0);
    spend(l.acquire_cycles_);
    return;
  }
  if (!engine_->in_task())
    throw std::logic_error("spinlock held by CPU " + std::to_string(l.holder_) + " when CPU " +
                           std::to_string(id_) + " takes it outside the engine");
  l.stats_.contended->add();
  if (l.kind_ == LockKind::ticket) {
    rmw(l.word_);  // take a ticket
  } else {
    write((*qnodes_)[id_], 16);  // initialise the own queue node
    rmw(l.word_);                // swap in as the queue tail
  }
  l.enqueue(this, clock_);
  block();  // the releaser makes us the holder and wakes us at the grant time
  spend(l.acquire_cycles_);
}

bool Cpu::trylock(SpinLock& l) {
  if (l.holder_ == id_)
    throw std::logic_error("CPU " + std::to_string(id_) + " takes a spinlock it already holds");
  sync();
  rmw(l.word_);  // the cmpxchg, whether or not it takes the lock
  if (l.holder_ != kNoCpu) return false;
  l.holder_ = id_;
  l.acquired_at_ = clock_;
  l.stats_.acquisitions->add();
  l.stats_.wait->record(0);
  spend(l.acquire_cycles_);
  return true;
}

void Cpu::unlock(SpinLock& l) {
  if (l.holder_ != id_)
    throw std::logic_error("CPU " + std::to_string(id_) + " releases a spinlock it does not hold");
  spend(l.release_cycles_);
  sync();
  l.stats_.hold_cycles->add(clock_ - l.acquired_at_);
  write(l.word_);  // ticket: now_serving++; queued: clear the locked byte
  if (l.count_ == 0) {
    l.holder_ = kNoCpu;
    return;
  }
  Cycles requested = 0;
  Cpu* const next = l.dequeue(&requested);
  Cycles t = clock_;
  auto on_behalf = [&](CpuId cpu, PhysAddr addr, AccessKind kind) {
    if (memory_) t += memory_->access(cpu, addr, 8, kind, t);
  };
  if (l.kind_ == LockKind::ticket) {
    // Every spinner re-reads the invalidated line; the next holder is served last.
    for (std::uint32_t i = 0; i < l.count_; ++i)
      on_behalf(l.waiter(i)->id_, l.word_, AccessKind::read);
    on_behalf(next->id_, l.word_, AccessKind::read);
  } else {
    const PhysAddr qnode = (*qnodes_)[next->id_];
    t += write(qnode, 8);  // hand over: set the successor's locked flag
    on_behalf(next->id_, qnode, AccessKind::read);
    on_behalf(next->id_, l.word_, AccessKind::rmw);  // the successor takes the lock byte
  }
  // The waiter's own ticket/tail access may complete after the handoff.
  t = std::max(t, requested);
  l.holder_ = next->id_;
  l.acquired_at_ = t;
  l.stats_.acquisitions->add();
  l.stats_.wait_cycles->add(t - requested);
  l.stats_.wait->record(t - requested);
  next->wake(t);
}

}  // namespace allocsim::sim
