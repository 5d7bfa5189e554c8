#include "model/rcu.hpp"

#include <stdexcept>
#include <string>

#include "sim/machine.hpp"

namespace allocsim::model {
namespace {

// __call_rcu's own work beside the rcu_head write: irqs off, the segmented
// callback list's enqueue and counters (rcu_segcblist_enqueue).
constexpr sim::Cycles kCallRcuCycles = 20;
// rcu_do_batch per callback beside reading its rcu_head: the list step and
// the indirect call.
constexpr sim::Cycles kInvokeCycles = 10;

}  // namespace

Rcu::Rcu(sim::Machine& machine, sim::Cycles grace_period) : grace_(grace_period) {
  if (grace_ == 0) throw std::invalid_argument("RCU grace period must be at least one cycle");
  cpus_.reserve(machine.cpus());
  for (sim::CpuId c = 0; c < machine.cpus(); ++c) {
    auto b = std::make_unique<Batch>();
    b->rcu = this;
    b->cbs.reserve(kReservedCallbacks);
    cpus_.push_back(std::move(b));
  }
}

Rcu::~Rcu() = default;

void Rcu::set_grace_period(sim::Cycles g) {
  if (g == 0) throw std::invalid_argument("RCU grace period must be at least one cycle");
  if (stats_.callbacks_queued)
    throw std::logic_error("the RCU grace period changes only before any call_rcu");
  grace_ = g;
}

std::uint64_t Rcu::pending(sim::CpuId cpu) const {
  const Batch& b = *cpus_.at(cpu);
  return b.cbs.size() - b.first;
}

void Rcu::forget(const RcuCallback& fn) {
  for (const std::unique_ptr<Batch>& b : cpus_)
    for (std::size_t i = b->first; i < b->cbs.size(); ++i)
      if (b->cbs[i].fn == &fn) b->cbs[i].fn = nullptr;
}

sim::Cycles Rcu::grace_end_for(sim::Cycles t) {
  if (!any_gp_ || t >= gp_end_) {
    // No grace period in progress: rcu_start_this_gp starts one now.
    gp_start_ = t;
    gp_end_ = t + grace_;
    any_gp_ = true;
  } else if (t > gp_start_) {
    // One is in progress: the callback needs the next, which starts when it ends.
    gp_start_ = gp_end_;
    gp_end_ += grace_;
  }
  // Otherwise the latest one starts at or after t (a CPU whose clock is
  // behind): it serves.
  return gp_end_;
}

void Rcu::call_rcu(sim::Cpu& cpu, sim::PhysAddr head, RcuCallback& fn, std::uint64_t a,
                   std::uint64_t b) {
  if (head != kHeadCharged) cpu.write(head, 16);  // head->func, head->next
  cpu.spend(kCallRcuCycles);
  Batch& batch = *cpus_[cpu.id()];
  // Ready times never decrease (gp_end_ only grows), so the list stays in order.
  if (batch.first == batch.cbs.size()) {
    batch.cbs.clear();
    batch.first = 0;
  }
  batch.cbs.push_back({&fn, a, b, head, grace_end_for(cpu.now())});
  ++stats_.callbacks_queued;
  if (!batch.running) cpu.queue_work(batch, batch.cbs[batch.first].ready, false);
}

void Rcu::Batch::run(sim::Cpu& cpu) {
  running = true;
  while (first < cbs.size() && cbs[first].ready <= cpu.now()) {
    const Head h = cbs[first++];  // a copy: the callback may queue more (and grow cbs)
    if (h.head != kHeadCharged) cpu.read(h.head, 16);
    cpu.spend(kInvokeCycles);
    if (h.fn) h.fn->invoke(cpu, h.a, h.b);
    ++rcu->stats_.callbacks_completed;
  }
  running = false;
  if (first == cbs.size()) {
    cbs.clear();
    first = 0;
  } else {
    if (first > cbs.size() / 2) {  // keep the FIFO from creeping: no allocation
      cbs.erase(cbs.begin(), cbs.begin() + static_cast<std::ptrdiff_t>(first));
      first = 0;
    }
    cpu.queue_work(*this, cbs[first].ready, false);
  }
}

}  // namespace allocsim::model
