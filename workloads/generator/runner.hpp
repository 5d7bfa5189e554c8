#pragma once
// Internals of run_generator (run.hpp): the thread instances, the per-CPU
// executors and the shared state they meet in (barriers, pools, counters).
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "model/mempool.hpp"
#include "model/rcu.hpp"
#include "sim/fnv.hpp"
#include "sim/machine.hpp"
#include "workloads/generator/object_store.hpp"
#include "workloads/generator/run.hpp"

namespace allocsim::workloads::gen {

enum class Wait : std::uint8_t { none, sleep, barrier, pool, live };

struct Instance {
  const ThreadSpec* spec = nullptr;
  int spec_index = 0;
  int index = 0;  // among the instances of its spec
  int id = 0;     // in Runner::instances_
  sim::CpuId cpu = 0;
  sim::Rng rng{0, 0};
  std::size_t phase = 0, op = 0;
  std::uint64_t iteration = 0, rep = 0, reps = 0;
  sim::Cycles phase_start = 0;
  sim::Cycles next_arrival = 0;  // irq
  bool finished = false;
  std::uint64_t live = 0;  // objects it allocated (or was passed) not yet freed
  Wait wait = Wait::none;
  sim::Cycles wake_at = 0;        // Wait::sleep
  std::uint64_t barrier_gen = 0;  // Wait::barrier: released when the barrier passes it
  std::uint64_t pool_need = 0;    // Wait::pool
  int wait_index = kNone;         // the barrier or pool waited for
  bool op_started = false;        // reps drawn for the current op
  std::uint64_t deal_next = 0;    // pass, round robin
  std::vector<PoolStore> pools;
};

struct Deferred {
  sim::Cycles due;
  std::uint64_t seq;
  ObjectId id;
  sim::CpuId from_cpu;  // where the lifetime began
  bool rcu;             // then call_rcu: freed after a grace period
  bool operator>(const Deferred& o) const { return due != o.due ? due > o.due : seq > o.seq; }
};

class Runner;

// One CPU's fiber: its instances, its pending frees, its waiting state.
struct Executor final : sim::EventHandler {
  Runner* runner = nullptr;
  sim::CpuId cpu = 0;
  std::vector<int> threads, irqs;  // instance indices
  std::priority_queue<Deferred, std::vector<Deferred>, std::greater<>> deferred;
  std::size_t current = 0;  // round robin position in `threads`
  sim::Cycles slice_start = 0;
  bool waiting = false, kicked = false;
  bool irq_ran = false;  // the last thing done was an interrupt
  std::uint64_t wait_gen = 0;
  void on_event(sim::Cycles time, std::uint64_t gen) override;  // the wait's timer
};

struct BarrierState {
  std::uint64_t parties = 0, arrived = 0, generation = 0;
  std::vector<int> waiters;
  sim::PhysAddr word{};  // the shared counter each arrival updates
  int last_counted = kNone;
};

class Runner final : public RunProgress {
 public:
  Runner(const GeneratorSpec& spec, model::Kernel& kernel);
  ~Runner() override;
  GeneratorResult run(RunHooks* hooks);
  double fraction(sim::Cycles now) const override;

  // Called from another CPU: re-evaluate `cpu`'s instances now.
  void kick(sim::CpuId cpu, sim::Cycles at);
  void kick_all(sim::Cycles at);

 private:
  friend struct Executor;
  // Wakes an idle executor for kernel work due at `at` (sim/work_queue.hpp).
  struct WorkKick final : sim::IdleKick {
    explicit WorkKick(Runner& r) : runner(r) {}
    void kick(sim::CpuId cpu, sim::Cycles at) override;
    bool idle(sim::CpuId cpu) const override;
    Runner& runner;
  };
  void setup(sim::Cpu& cpu);
  void executor_loop(sim::Cpu& cpu, Executor& ex);
  bool ready(const Instance& in, sim::Cycles now) const;
  int pick_thread(Executor& ex, sim::Cycles now);
  void wait_until(sim::Cpu& cpu, Executor& ex, sim::Cycles when);
  void run_due_frees(sim::Cpu& cpu, Executor& ex);
  bool run_irq(sim::Cpu& cpu, Executor& ex);
  sim::Cycles next_event(const Executor& ex) const;
  std::string describe_waits() const;

  // Phases and ops (ops.cpp).
  bool advance_phase_if_done(sim::Cpu& cpu, Instance& in);
  void finish(Instance& in, sim::Cycles now);
  void step(sim::Cpu& cpu, Instance& in);
  void run_iteration(sim::Cpu& cpu, Instance& in);  // irq: one arrival, every op
  // Returns false when the instance must wait before the unit can run.
  bool run_unit(sim::Cpu& cpu, Instance& in, const Op& op);
  bool must_wait(Instance& in, const Op& op);  // sets the wait if so
  void allocate(sim::Cpu& cpu, Instance& in, const Op& op);
  Object make_object(sim::Cpu& cpu, const Instance& in, const Op& op, std::uint64_t amount);
  void add_page_cache(sim::Cpu& cpu, Instance& in, const Op& op);
  void compute(sim::Cpu& cpu, Instance& in, const Op& op);
  void sleep(sim::Cpu& cpu, Instance& in, const Op& op);
  void barrier(sim::Cpu& cpu, Instance& in, const Op& op);
  void free_object(sim::Cpu& cpu, ObjectId id, OpTotals& as);
  void record(const sim::Cpu& cpu, OpTotals& t, OpKind kind, sim::Cycles cycles);
  void free_from_pool(sim::Cpu& cpu, Instance& in, const Op& op);
  void touch(sim::Cpu& cpu, Instance& in, const Op& op);
  void touch_object(sim::Cpu& cpu, const Object& o, std::uint64_t offset, std::uint64_t bytes,
                    TouchMode mode);
  void pass(sim::Cpu& cpu, Instance& in, const Op& op);
  void cache_reap(sim::Cpu& cpu, Instance& in, const Op& op);
  void schedule_free(sim::Cpu& cpu, Instance& in, const Op& op, ObjectId id, sim::Cycles delay);
  // call_rcu on `cpu` through the kernel's RCU: the object is freed with the
  // function of its kind (kfree, kmem_cache_free, ...) on this CPU after a
  // grace period, as kfree_rcu and call_rcu callbacks free.
  void free_rcu(sim::Cpu& cpu, ObjectId id);
  void release_object(sim::Cpu& cpu, int owner);  // the owner's count, a waiting owner
  void advance(Instance& in);                     // past one unit of the current op
  OpTotals& totals(const Instance& in, OpKind kind) {
    return result_
        .by_thread[static_cast<std::size_t>(in.spec_index)][static_cast<std::size_t>(kind)];
  }
  void note(const Instance& in, OpKind kind, std::uint64_t a, std::uint64_t b);

  const GeneratorSpec& spec_;
  model::Kernel& k_;
  sim::Machine& m_;
  model::Gfp gfp_kernel_{}, gfp_atomic_{};
  std::vector<model::KmemCache*> caches_;
  std::vector<std::unique_ptr<model::Mempool>> mempools_;
  std::vector<Instance> instances_;
  std::vector<std::vector<int>> instances_of_;  // per spec
  std::vector<Executor> executors_;
  WorkKick work_kick_{*this};
  // The rcu_head func of free_rcu (a = the object id).
  struct RcuFree final : model::RcuCallback {
    explicit RcuFree(Runner& r) : runner(r) {}
    void invoke(sim::Cpu& cpu, std::uint64_t a, std::uint64_t b) override;
    Runner& runner;
  } rcu_free_{*this};
  std::uint64_t rcu_pending_ = 0;  // objects queued by free_rcu, not yet freed
  std::vector<BarrierState> barriers_;
  ObjectTable objects_;
  std::uint64_t process_unfinished_ = 0, unfinished_ = 0;
  std::uint64_t seq_ = 0;
  sim::Cycles end_ = sim::kNever;  // start + the workload's duration, if it has one
  std::uint64_t diagnostics_before_ = 0;
  std::vector<sim::LatencyHistogram*> latency_;  // [op kind * cpus + cpu]
  RunHooks* op_hook_ = nullptr;                  // set when the hooks want every op
  sim::Fnv1a fingerprint_;                       // of every operation and its result
  GeneratorResult result_;
};

}  // namespace allocsim::workloads::gen
