#pragma once
// RCU as the allocators meet it: call_rcu(head, func) runs `func` once a grace
// period has passed. Grace periods are machine-wide and last
// kernel.rcu_grace_period each. A callback queued at t waits for the first
// grace period that starts at or after t: one starts at t when none is in
// progress, otherwise the next one starts when the current one ends (Tree
// RCU's rcu_accelerate_cbs gives a callback the gp_seq after the current one),
// so a callback waits between one and two grace periods. Quiescent states are
// not modelled: every grace period lasts exactly its length.
//
// Each CPU's callbacks are invoked on that CPU, in queueing order, as one
// batch of per-CPU work (rcu_do_batch from RCU_SOFTIRQ) that is not
// deferrable: a CPU with callbacks is kept from going fully idle
// (rcu_needs_cpu), so it wakes for them.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/stat_decl.hpp"
#include "sim/work_queue.hpp"

namespace allocsim::sim {
class Cpu;
class Machine;
}  // namespace allocsim::sim

namespace allocsim::model {

// The `func` of a struct rcu_head, with two words of its own (the object's
// address, its cache, a slab's pfn and order).
class RcuCallback {
 public:
  virtual ~RcuCallback() = default;
  virtual void invoke(sim::Cpu& cpu, std::uint64_t a, std::uint64_t b) = 0;
};

struct RcuStats {
  std::uint64_t callbacks_queued = 0, callbacks_completed = 0, slabs_freed = 0;

  static constexpr std::array<sim::FieldDecl<RcuStats>, 3> kFields{{
      {{"rcu_callbacks_queued", "1", "RCU callbacks queued (call_rcu, kfree_rcu, RCU slab frees)",
        "call_rcu() / __call_rcu() (kernel/rcu/tree.c); Rcu::call_rcu (model/rcu.cpp)"},
       &RcuStats::callbacks_queued},
      {{"rcu_callbacks_completed", "1", "RCU callbacks invoked after their grace period",
        "rcu_do_batch() (kernel/rcu/tree.c); Rcu::Batch::run (model/rcu.cpp)"},
       &RcuStats::callbacks_completed},
      {{"rcu_slabs_freed", "slabs",
        "slabs of SLAB_TYPESAFE_BY_RCU caches whose pages went back after a grace period",
        "kmem_rcu_free() (mm/slab.c), rcu_free_slab() (mm/slub.c)"},
       &RcuStats::slabs_freed},
  }};
};
static_assert(sim::declares_every_field(RcuStats::kFields),
              "every RcuStats field needs its declaration in RcuStats::kFields");
// callbacks_queued - callbacks_completed, a gauge.
inline constexpr sim::StatDecl kRcuPending{
    "rcu_callbacks_pending", "1", "now: RCU callbacks queued and not yet invoked",
    "rcu_callbacks_queued - rcu_callbacks_completed (rcu_segcblist_n_cbs summed over CPUs)"};

// The default grace period in jiffies: the grace-period kthread's first
// force-quiescent-state scan after jiffies_till_first_fqs
// (RCU_JIFFIES_TILL_FORCE_QS, 1 at HZ <= 250, kernel/rcu/tree.c), one tick for
// the busy CPUs to report their quiescent states (rcu_sched_clock_irq), one
// for the callbacks' CPU to see the grace period end (rcu_core).
inline constexpr std::uint64_t kDefaultRcuGraceJiffies = 3;

class Rcu {
 public:
  // `grace_period` in cycles (> 0).
  Rcu(sim::Machine& machine, sim::Cycles grace_period);
  ~Rcu();
  Rcu(const Rcu&) = delete;
  Rcu& operator=(const Rcu&) = delete;

  // call_rcu on `cpu` at its clock: fn.invoke(cpu, a, b) after a grace period.
  // Charges the rcu_head's write at `head` (the object or the slab's struct
  // page; kHeadCharged: the caller charges it, and the invocation's read) and
  // the per-CPU callback list's update.
  void call_rcu(sim::Cpu& cpu, sim::PhysAddr head, RcuCallback& fn, std::uint64_t a,
                std::uint64_t b);
  static constexpr sim::PhysAddr kHeadCharged = sim::kPhysAddrMax;
  // A user that goes away (a workload run) forgets its callbacks still
  // pending: they are dropped when due, their objects left allocated.
  void forget(const RcuCallback& fn);
  sim::Cycles grace_period() const { return grace_; }
  // A workload's own grace period (workload.generator.rcu_grace); only
  // before any callback is queued.
  void set_grace_period(sim::Cycles g);
  // Callbacks queued on `cpu` and not yet invoked.
  std::uint64_t pending(sim::CpuId cpu) const;
  std::uint64_t pending() const { return stats_.callbacks_queued - stats_.callbacks_completed; }
  const RcuStats& stats() const { return stats_; }
  void count_slab_freed() { ++stats_.slabs_freed; }

  // Callbacks each CPU's list holds without growing (host memory reserved at
  // boot); a longer backlog grows the list once, by doubling.
  static constexpr std::size_t kReservedCallbacks = 1024;

 private:
  struct Head {
    RcuCallback* fn;
    std::uint64_t a, b;
    sim::PhysAddr head;  // the simulated struct rcu_head
    sim::Cycles ready;   // the end of the grace period it waits for
  };
  // One CPU's callback list (rcu_data's cblist) and its batch work.
  struct Batch final : sim::Work {
    Rcu* rcu = nullptr;
    std::vector<Head> cbs;  // FIFO: [first, end), ready times non-decreasing
    std::size_t first = 0;
    bool running = false;  // callbacks queued by callbacks wait for the requeue at the end
    void run(sim::Cpu& cpu) override;
  };
  // The end of the grace period a callback queued at `t` waits for.
  sim::Cycles grace_end_for(sim::Cycles t);

  sim::Cycles grace_;
  std::vector<std::unique_ptr<Batch>> cpus_;
  // The latest grace period started or scheduled: [gp_start_, gp_end_).
  sim::Cycles gp_start_ = 0, gp_end_ = 0;
  bool any_gp_ = false;
  RcuStats stats_;
};

}  // namespace allocsim::model
