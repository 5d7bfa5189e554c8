#pragma once
// Per-CPU deferred kernel work: a kworker's delayed_work (cache_reap,
// vmstat_update), a batch of RCU callbacks, kswapd's turn on a CPU. An item
// runs on its CPU at that CPU's first op boundary at or after its due time
// (Cpu::run_due_work, which the workload drivers call between operations), is
// charged to that CPU and takes locks like any other code there. So an item
// never runs inside an allocator call: a CPU busy in a long operation runs
// its due work right after it, as a non-preemptible kernel section delays a
// kworker, and an operation's latency never includes work run beside it.
//
// Deferrable items (INIT_DEFERRABLE_WORK: 6.x's cache_reap, vmstat_update; 2.6.32's
// cache_reap is not deferrable) never wake an idle CPU: they wait for its next activity, as
// a deferrable timer waits for the next tick of a NO_HZ idle CPU. Other items
// wake it through the Machine's IdleKick.
#include <cstdint>
#include <vector>

#include "sim/types.hpp"

namespace allocsim::sim {

class Cpu;

class WorkQueue;

class Work {
 public:
  Work() = default;
  Work(const Work&) = delete;
  Work& operator=(const Work&) = delete;
  // A pending item leaves its queue with its owner (cancel_delayed_work), so
  // a kernel destroyed before its machine leaves nothing queued behind.
  virtual ~Work();
  virtual void run(Cpu& cpu) = 0;
  bool pending() const { return pending_; }
  Cycles due() const { return due_; }

 private:
  friend class WorkQueue;
  Cycles due_ = 0;
  std::uint64_t seq_ = 0;
  WorkQueue* queue_ = nullptr;  // while pending
  bool pending_ = false;
};

// Work whose function is a member of its owner (the delayed_work embedded in
// a kernel structure, whose function finds the structure): runs owner.*Fn.
template <class Owner, void (Owner::*Fn)(Cpu&)>
class MemberWork final : public Work {
 public:
  explicit MemberWork(Owner& owner) : owner_(owner) {}
  void run(Cpu& cpu) override { (owner_.*Fn)(cpu); }

 private:
  Owner& owner_;
};

// Items leave in (due, queueing order) order, so equal due times run in the
// order they were queued: deterministic whatever the host.
class WorkQueue {
 public:
  WorkQueue() {
    heap_[0].reserve(8);
    heap_[1].reserve(8);
  }
  // queue_delayed_work: false (and nothing changes) if `w` is already pending.
  bool queue(Work& w, Cycles due, bool deferrable);
  // The earliest due time of any item, kNever if none.
  Cycles next_due() const { return next_due_; }
  // The earliest due time of an item that wakes an idle CPU, kNever if none.
  Cycles next_wakeup() const;
  // Takes the earliest item due at or before `now`; null if none is.
  Work* pop_due(Cycles now);
  // Takes `w` off the queue if it is on it (cancel_delayed_work).
  void cancel(Work& w);
  std::size_t size() const { return heap_[0].size() + heap_[1].size(); }

 private:
  static bool later(const Work* a, const Work* b) {
    return a->due_ != b->due_ ? a->due_ > b->due_ : a->seq_ > b->seq_;
  }
  void refresh_next_due();
  std::vector<Work*> heap_[2];  // [0] wakes an idle CPU, [1] deferrable
  std::uint64_t next_seq_ = 0;
  Cycles next_due_ = kNever;
};

// Wakes a workload driver's idle CPU for work due at `at` (installed by the
// generator's runner and the replayer; without one, work waits for activity).
class IdleKick {
 public:
  virtual ~IdleKick() = default;
  virtual void kick(CpuId cpu, Cycles at) = 0;
  // Whether the driver has `cpu` idle: waiting, with nothing to run before
  // its next own event (where a woken kernel thread would be placed).
  virtual bool idle(CpuId) const { return false; }
};

}  // namespace allocsim::sim
