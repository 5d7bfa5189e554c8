// The generated-workload runner: what each construct of the language does
// when it runs (lifetimes, free_by, pools and keep, pass, barriers, irq
// arrivals, max_live, rcu, durations), counted exactly, and determinism.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "io/config/load.hpp"
#include "model/kernel.hpp"
#include "model/rcu.hpp"
#include "sim/machine.hpp"
#include "workloads/generator/run.hpp"

namespace allocsim::workloads::gen {
namespace {

constexpr auto kKmalloc = static_cast<std::size_t>(OpKind::kmalloc);
constexpr auto kFree = static_cast<std::size_t>(OpKind::free);
constexpr auto kPass = static_cast<std::size_t>(OpKind::pass);
constexpr auto kTouch = static_cast<std::size_t>(OpKind::touch);
constexpr auto kCache = static_cast<std::size_t>(OpKind::kmem_cache_alloc);

struct Outcome {
  io::Config config;
  GeneratorResult result;
  std::uint64_t kswapd_runs = 0;
  model::RcuStats rcu;
  sim::Cycles rcu_grace = 0;
};

// `generator` is the body of workload.generator (indented by 4).
Outcome run(const std::string& generator, std::vector<std::string> sets = {}) {
  Outcome r;
  sets.insert(sets.begin(), "machine.cpus=4");
  r.config = io::load_config_text("workload:\n  kind: generator\n  generator:\n" + generator,
                                  "w.yaml", sets);
  sim::Machine machine(r.config.machine, r.config.run.seed);
  model::Kernel kernel(machine, r.config.kernel);
  r.result = run_generator(r.config.generator, kernel);
  r.kswapd_runs = kernel.pages().events().kswapd_runs;
  r.rcu = kernel.rcu().stats();
  r.rcu_grace = kernel.rcu().grace_period();
  return r;
}

TEST(GeneratorRun, PoolFilledThenFreedAllCountsEveryObject) {
  const Outcome r = run(R"y(    name: t
    threads:
      - name: w
        cpus: "0-1"
        iterations: 3
        ops:
          - kmalloc: {size: 64, count: 10, into: objs}
          - touch: {from: objs, pick: each, bytes: all}
          - kfree: {from: objs, count: all}
)y");
  const GeneratorResult& g = r.result;
  EXPECT_EQ(g.total[kKmalloc].ops, 2u * 3u * 10u);
  EXPECT_EQ(g.total[kFree].ops, 2u * 3u * 10u);
  EXPECT_EQ(g.total[kTouch].ops, 2u * 3u);
  EXPECT_EQ(g.live_at_end, 0u);
  EXPECT_GE(g.peak_live, 10u);  // how far the two CPUs overlap is the model's business
  EXPECT_LE(g.peak_live, 20u);
  EXPECT_EQ(g.diagnostics, 0u);
}

// count: all takes the objects the pool holds when the unit starts; on an
// empty pool (without wait) it does nothing and counts one empty-pool unit.
TEST(GeneratorRun, CountAllOnAnEmptyPoolIsOneEmptyUnit) {
  const Outcome r = run(R"y(    name: t
    threads:
      - name: w
        cpus: "0"
        iterations: 3
        ops:
          - kfree: {from: p, count: all}
          - kmalloc: {size: 64, count: 5, into: p}
)y");
  EXPECT_EQ(r.result.empty_pool, 1u);             // the first pass only
  EXPECT_EQ(r.result.total[kFree].ops, 2u * 5u);  // one free per object, passes 2 and 3
  EXPECT_EQ(r.result.live_at_end, 5u);            // the last pass's objects stay
}

TEST(GeneratorRun, LifetimesEndOnTheChosenCpu) {
  const Outcome r = run(R"y(    name: t
    threads:
      - name: w
        cpus: "0"
        iterations: 50
        ops:
          - kmalloc: {size: 128, lifetime: 1000cycles, free_by: next_cpu}
          - compute: 400
)y");
  const GeneratorResult& g = r.result;
  EXPECT_EQ(g.total[kKmalloc].ops, 50u);
  // Frees whose time came before the last thread finished were done, on CPU 1;
  // the rest are still pending when the run ends.
  EXPECT_EQ(g.lifetime_frees + g.pending_at_end, 50u);
  EXPECT_EQ(g.remote_frees, g.lifetime_frees);
  EXPECT_GE(g.lifetime_frees, 45u);
  EXPECT_EQ(g.live_at_end, g.pending_at_end);
}

TEST(GeneratorRun, KeepEvictsBeforeAllocatingIntoAFullPool) {
  const Outcome r = run(R"y(    name: t
    threads:
      - name: w
        cpus: "0"
        iterations: 10
        ops:
          - kmalloc: {size: 64, into: p, keep: 4, evict: oldest}
)y");
  EXPECT_EQ(r.result.evictions, 6u);
  EXPECT_EQ(r.result.total[kFree].ops, 6u);
  EXPECT_EQ(r.result.live_at_end, 4u);
}

TEST(GeneratorRun, PassHandsObjectsToAnotherCpuWhichFreesThem) {
  const Outcome r = run(R"y(    name: t
    threads:
      - name: producer
        cpus: "0-1"
        iterations: 5
        ops:
          - kmalloc: {size: 256, count: 8, into: out}
          - pass: {from: out, to: consumer, into: inbox, count: all}
      - name: consumer
        cpus: "2-3"
        iterations: 40
        ops:
          - kfree: {from: inbox, wait: true}
)y");
  const GeneratorResult& g = r.result;
  EXPECT_EQ(g.passed, 2u * 5u * 8u);
  EXPECT_EQ(g.total[kPass].ops, 2u * 5u);
  EXPECT_EQ(g.by_thread[1][kFree].ops, 2u * 40u);  // consumers free every object
  EXPECT_EQ(g.by_thread[0][kFree].ops, 0u);
  EXPECT_EQ(g.live_at_end, 0u);
  EXPECT_GT(g.pool_waits, 0u);  // consumers started before anything arrived
  EXPECT_EQ(g.diagnostics, 0u);
}

TEST(GeneratorRun, BarrierHoldsEarlyThreadsUntilTheLastArrives) {
  const Outcome r = run(R"y(    name: t
    threads:
      - name: slow
        cpus: "0"
        iterations: 4
        ops:
          - compute: 50000
          - barrier: b
      - name: fast
        cpus: "1-3"
        iterations: 4
        ops:
          - barrier: b
          - kmalloc: {size: 32, lifetime: 10cycles}
)y");
  // Every round the three fast instances wait for the slow one.
  EXPECT_EQ(r.result.barrier_waits, 4u * 3u);
  EXPECT_GE(r.result.elapsed, 4u * 50000u);
}

TEST(GeneratorRun, MismatchedBarrierIsReportedNotHung) {
  try {
    run(R"y(    name: t
    threads:
      - name: a
        cpus: "0"
        iterations: 2
        ops:
          - barrier: b
      - name: c
        cpus: "1"
        iterations: 1
        ops:
          - barrier: b
)y");
    FAIL() << "expected a deadlock report";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("thread 'a' on CPU 0"), std::string::npos) << what;
    EXPECT_NE(what.find("barrier 'b'"), std::string::npos) << what;
  }
}

TEST(GeneratorRun, IrqArrivalsInterleaveWithTheThread) {
  const Outcome r = run(R"y(    name: t
    caches:
      - {name: skb, size: 232, flags: SLAB_HWCACHE_ALIGN}
    threads:
      - name: w
        cpus: "0"
        iterations: 200
        ops:
          - kmalloc: {size: 64, lifetime: 100cycles}
          - compute: 1000
      - name: rx
        cpus: "0"
        context: irq
        arrival: 5000cycles
        ops:
          - kmem_cache_alloc: {cache: skb, lifetime: 2000cycles, free_by: "1"}
)y");
  const GeneratorResult& g = r.result;
  // The irq's phase is unbounded: it runs while the thread does, about one
  // arrival per 5000 cycles of the thread's ~200 x 1100 cycles.
  EXPECT_EQ(g.irq_arrivals, g.by_thread[1][kCache].ops);
  EXPECT_GT(g.irq_arrivals, 30u);
  EXPECT_LT(g.irq_arrivals, 60u);
}

TEST(GeneratorRun, IrqPhaseWithIterationsTakesExactlyThatMany) {
  const Outcome r = run(R"y(    name: t
    threads:
      - name: rx
        cpus: "2"
        context: irq
        arrival: exponential(2us)
        iterations: 25
        ops:
          - kmalloc: {size: 512, lifetime: 1us}
)y");
  EXPECT_EQ(r.result.irq_arrivals, 25u);
  EXPECT_EQ(r.result.total[kKmalloc].ops, 25u);
}

TEST(GeneratorRun, MaxLiveMakesTheThreadWait) {
  const Outcome r = run(R"y(    name: t
    threads:
      - name: w
        cpus: "0"
        max_live: 3
        iterations: 20
        ops:
          - kmalloc: {size: 64, lifetime: 10us}
)y");
  EXPECT_EQ(r.result.total[kKmalloc].ops, 20u);
  EXPECT_LE(r.result.peak_live, 3u);
  EXPECT_GT(r.result.live_waits, 0u);
  EXPECT_GE(r.result.elapsed, 5u * 25000u);  // 17 waits of ~10 us at 2.5 GHz, at least
}

TEST(GeneratorRun, RcuFreesWaitForTheGracePeriod) {
  // Through the kernel's RCU: the first call_rcu starts a grace period
  // [t, t + 100us); the nine queued during it wait for the next, which ends
  // 200us after t. A linger of 150us sees only the first freed.
  const auto outcome = [](const char* linger) {
    return run(std::string(R"y(    name: t
    rcu_grace: 100us
    threads:
      - name: w
        cpus: "0"
        phases:
          - name: fill
            iterations: 10
            ops:
              - kmalloc: {size: 64, into: p}
          - name: free
            iterations: 1
            ops:
              - kfree: {from: p, count: all, rcu: true}
          - name: linger
            iterations: 1
            ops:
              - sleep: )y") +
               linger + "\n");
  };
  const Outcome r = outcome("250us");
  EXPECT_EQ(r.rcu_grace, 250'000u);  // the workload's rcu_grace at 2.5 GHz
  EXPECT_EQ(r.result.rcu_frees, 10u);
  EXPECT_EQ(r.result.live_at_end, 0u);
  EXPECT_EQ(r.rcu.callbacks_queued, 10u);
  EXPECT_EQ(r.rcu.callbacks_completed, 10u);
  const Outcome early = outcome("150us");
  EXPECT_EQ(early.result.rcu_frees, 1u);
  EXPECT_EQ(early.result.live_at_end, 9u);
  EXPECT_EQ(early.result.pending_at_end, 9u);
  EXPECT_EQ(early.rcu.callbacks_completed, 1u);
}

// Without workload.generator.rcu_grace the kernel's grace period serves;
// rcu lifetimes end with a call_rcu on the freeing CPU.
TEST(GeneratorRun, RcuLifetimesUseTheKernelsGracePeriod) {
  const auto once = [] {
    return run(R"y(    name: t
    threads:
      - name: w
        cpus: "0-1"
        iterations: 20
        ops:
          - kmem_cache_alloc: {cache: c, lifetime: 1us, free_by: next_cpu, rcu: true}
          - sleep: 5ms
    caches:
      - {name: c, size: 128, flags: SLAB_TYPESAFE_BY_RCU}
)y",
               {"kernel.rcu_grace_period=2ms"});
  };
  const Outcome r = once();
  // The same seed: the same interleaving of callbacks and workload.
  const Outcome again = once();
  EXPECT_EQ(again.result.fingerprint, r.result.fingerprint);
  EXPECT_EQ(again.result.elapsed, r.result.elapsed);
  EXPECT_EQ(r.rcu_grace, 5'000'000u);  // 2 ms at 2.5 GHz
  EXPECT_EQ(r.rcu.callbacks_queued, 40u);
  EXPECT_EQ(r.result.rcu_frees, 40u);
  EXPECT_EQ(r.result.remote_frees, 40u);
  EXPECT_EQ(r.result.live_at_end, 0u);
}

TEST(GeneratorRun, DurationEndsUnboundedPhases) {
  const Outcome r = run(R"y(    name: t
    duration: 50us
    threads:
      - name: w
        cpus: all
        ops:
          - kmalloc: {size: "uniform(8, 2048)", lifetime: exponential(1us)}
          - compute: 100
)y");
  // Elapsed counts from the machine's boot; the workload ran 50 us after setup.
  const double ghz = r.config.machine.ghz;
  EXPECT_GE(r.result.elapsed - r.result.started, static_cast<std::uint64_t>(50e3 * ghz));
  EXPECT_LT(r.result.elapsed - r.result.started,
            static_cast<std::uint64_t>(60e3 * ghz));  // the last op may overrun
  EXPECT_GT(r.result.total[kKmalloc].ops, 100u);
}

TEST(GeneratorRun, OpsDrawnZeroTimesDoNotStallThePhase) {
  const Outcome r = run(R"y(    name: t
    threads:
      - name: w
        cpus: "0"
        iterations: 100
        ops:
          - kmalloc: {size: 64, count: "uniform(0, 1)", into: p}
)y");
  EXPECT_LT(r.result.total[kKmalloc].ops, 100u);
  EXPECT_GT(r.result.total[kKmalloc].ops, 20u);
}

constexpr const char* kRandomWorkload = R"y(    name: t
    threads:
      - name: w
        cpus: all
        iterations: 300
        ops:
          - kmalloc: {size: "lognormal(256, 1)", lifetime: exponential(3us), free_by: random_cpu}
          - alloc_pages: {order: "table(0:7, 1:2, 2:1)", into: p, keep: 16, evict: random}
          - compute: exponential(300)
)y";

TEST(GeneratorRun, SameSeedSameOperationsOtherSeedOthers) {
  const Outcome a = run(kRandomWorkload);
  const Outcome b = run(kRandomWorkload);
  const Outcome c = run(kRandomWorkload, {"run.seed=2"});
  EXPECT_EQ(a.result.fingerprint, b.result.fingerprint);
  EXPECT_EQ(a.result.elapsed, b.result.elapsed);
  EXPECT_EQ(a.result.total[kFree].ops, b.result.total[kFree].ops);
  EXPECT_NE(a.result.fingerprint, c.result.fingerprint);
}

TEST(GeneratorRun, DefaultWorkloadRunsCleanUnderEveryAllocator) {
  for (const char* flavour : {"linux-2.6", "linux-6"})
    for (const char* slab : {"slab", "slub", "slob"}) {
      io::Config c = io::load_config(
          {}, {std::string("kernel.flavour=") + flavour, std::string("kernel.slab=") + slab,
               "workload.generator.duration=150us"});
      sim::Machine machine(c.machine, c.run.seed);
      model::Kernel kernel(machine, c.kernel);
      const GeneratorResult r = run_generator(c.generator, kernel);
      EXPECT_EQ(r.diagnostics, 0u) << flavour << " " << slab;
      EXPECT_GT(r.total[kKmalloc].ops, 0u);
      EXPECT_GT(r.irq_arrivals, 0u);
    }
}

}  // namespace
}  // namespace allocsim::workloads::gen
