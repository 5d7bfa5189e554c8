#pragma once
// A simulated CPU and the one narrow interface the kernel model is written
// against: memory accesses, locks, spending cycles and reading the clock. Every
// call returns at once; its cost is added to this CPU's local clock. With timing
// off, accesses cost nothing and touch no cache state (fast functional runs).
#include <boost/context/fiber.hpp>
#include <functional>
#include <vector>

#include "sim/event_queue.hpp"
#include "sim/rng.hpp"
#include "sim/spinlock.hpp"
#include "sim/types.hpp"
#include "sim/work_queue.hpp"

namespace allocsim::sim {

class AccessRecorder;
class Engine;
class MemorySystem;

class Cpu final : public EventHandler {
 public:
  // `line_bytes` (a power of 2) is the cache line size access_range splits at.
  Cpu(CpuId id, NodeId node, std::uint64_t seed, Engine& engine, MemorySystem* memory,
      std::uint32_t line_bytes);

  CpuId id() const { return id_; }
  NodeId node() const { return node_; }
  Cycles now() const { return clock_; }
  Rng& rng() { return rng_; }
  bool timing() const { return memory_ != nullptr; }

  // Memory accesses: return their cost, already added to the clock.
  Cycles read(PhysAddr addr, std::uint32_t size = 8) {
    return charge(addr, size, AccessKind::read);
  }
  Cycles write(PhysAddr addr, std::uint32_t size = 8) {
    return charge(addr, size, AccessKind::write);
  }
  Cycles rmw(PhysAddr addr, std::uint32_t size = 8) { return charge(addr, size, AccessKind::rmw); }
  // An access of any length (a memset, a memcpy side, a touch of an object)
  // charged as one access per cache line it spans, in address order; returns
  // the summed cost.
  Cycles access_range(PhysAddr addr, std::uint64_t bytes, AccessKind kind);
  // Pure computation.
  void spend(Cycles cycles) { clock_ += cycles; }

  void lock(SpinLock& lock);
  // spin_trylock: takes the lock if it is free, else false (one atomic either way).
  bool trylock(SpinLock& lock);
  void unlock(SpinLock& lock);

  // A synchronisation point: if any CPU or timer is behind this CPU in simulated
  // time, let it catch up first. Workloads call it between operations.
  void sync();
  // Sleep (in simulated time) until `when`, letting others run meanwhile.
  void sleep_until(Cycles when);
  // Suspend until someone calls wake(); the clock then jumps to the wake time.
  void block();
  void wake(Cycles at);

  // Per-CPU deferred kernel work (sim/work_queue.hpp). queue_work is
  // queue_delayed_work_on: false if `w` is already pending; work that is not
  // deferrable wakes this CPU if its workload driver has it idle.
  bool queue_work(Work& w, Cycles due, bool deferrable);
  // An op boundary: runs every item due by now, each followed by a sync.
  void run_due_work() {
    if (work_.next_due() <= clock_) [[unlikely]]
      run_work();
  }
  // When an idle CPU must wake for its work (kNever: only deferrable work).
  Cycles next_work_wakeup() const { return work_.next_wakeup(); }
  const WorkQueue& work() const { return work_; }
  // Idle in its workload driver (IdleKick::idle); false without a driver.
  bool idle() const { return idle_kick_ && idle_kick_->idle(id_); }

  bool finished() const { return finished_; }
  bool blocked() const { return blocked_; }

  // The test seam: from now on every access this CPU makes is also given to
  // `r` (null: none, the default). Costs and state are unchanged.
  void set_recorder(AccessRecorder* r) { recorder_ = r; }

 private:
  friend class Engine;
  friend class Machine;
  Cycles charge(PhysAddr addr, std::uint32_t size, AccessKind kind);
  Cycles charge_memory(PhysAddr addr, std::uint32_t size, AccessKind kind);
  Cycles record_and_charge(PhysAddr addr, std::uint32_t size, AccessKind kind);
  void on_event(Cycles time, std::uint64_t arg) override;
  void yield();
  void run_work();

  CpuId id_;
  NodeId node_;
  Cycles clock_ = 0;
  Rng rng_;
  Engine* engine_;
  MemorySystem* memory_;
  AccessRecorder* recorder_ = nullptr;
  IdleKick* idle_kick_ = nullptr;  // the workload driver's, set through Machine
  WorkQueue work_;
  bool in_work_ = false;
  std::uint64_t line_mask_;                        // line_bytes - 1
  const std::vector<PhysAddr>* qnodes_ = nullptr;  // every CPU's MCS queue node
  boost::context::fiber fiber_;
  const void* stack_bottom_ = nullptr;  // the fiber's stack, for ASan's fiber API
  std::size_t stack_size_ = 0;
  std::function<void(Cpu&)> body_;
  bool started_ = false;
  bool finished_ = false;
  bool blocked_ = false;

 public:
  void set_qnodes(const std::vector<PhysAddr>* qnodes) { qnodes_ = qnodes; }
};

}  // namespace allocsim::sim
