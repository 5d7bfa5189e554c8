#include "sim/engine.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "sim/machine.hpp"
#include "test_machines.hpp"

namespace allocsim::sim {
namespace {

TEST(Engine, CpusInterleaveInSimulatedTimeOrder) {
  Machine m(testing::one_node_config(3), 1);
  std::vector<std::pair<Cycles, CpuId>> log;
  for (CpuId c = 0; c < 3; ++c)
    m.spawn(c, [&log, c](Cpu& cpu) {
      for (int i = 0; i < 4; ++i) {
        cpu.sync();
        log.emplace_back(cpu.now(), cpu.id());
        cpu.spend(10 * (c + 1));
      }
    });
  m.run();
  // Every record is made by the CPU with the earliest clock (ties: lowest id).
  std::vector<std::pair<Cycles, CpuId>> sorted = log;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(log, sorted);
  EXPECT_EQ(log.size(), 12u);
  EXPECT_EQ(m.cpu(2).now(), 120u);
  EXPECT_EQ(m.now(), 120u);
}

TEST(Engine, ExceptionsInsideACpuReachTheCaller) {
  Machine m(testing::one_node_config(2), 1);
  m.spawn(0, [](Cpu& cpu) { cpu.spend(5); });
  m.spawn(1, [](Cpu&) { throw std::runtime_error("boom"); });
  EXPECT_THROW(m.run(), std::runtime_error);
}

TEST(Engine, TimersRunAfterCpusAtTheSameTime) {
  struct Timer : EventHandler {
    std::vector<Cycles> fired;
    void on_event(Cycles t, std::uint64_t) override { fired.push_back(t); }
  } timer;
  Machine m(testing::one_node_config(1), 1);
  m.engine().schedule(50, &timer);
  m.engine().schedule(200, &timer);
  Cycles seen_at_50 = 0;
  m.spawn(0, [&](Cpu& cpu) {
    cpu.sleep_until(50);
    seen_at_50 = timer.fired.size();
    cpu.sleep_until(100);
  });
  m.run();
  EXPECT_EQ(seen_at_50, 0u);
  EXPECT_EQ(timer.fired, (std::vector<Cycles>{50, 200}));
}

TEST(Engine, RunStopsAtTheGivenTime) {
  Machine m(testing::one_node_config(1), 1);
  int steps = 0;
  m.spawn(0, [&](Cpu& cpu) {
    for (int i = 0; i < 10; ++i) {
      cpu.sleep_until(100 * (i + 1));
      ++steps;
    }
  });
  m.run(450);
  EXPECT_EQ(steps, 4);
  m.run();
  EXPECT_EQ(steps, 10);
}

TEST(Engine, BlockedCpuWithNobodyToWakeItIsADeadlock) {
  Machine m(testing::one_node_config(2), 1);
  SpinLock lock = m.make_lock(testing::kNode0, "test");
  m.spawn(0, [&](Cpu& cpu) { cpu.lock(lock); });  // never released
  m.spawn(1, [&](Cpu& cpu) {
    cpu.spend(10);
    cpu.lock(lock);
  });
  EXPECT_THROW(m.run(), std::runtime_error);
}

TEST(Rng, SameSeedSameStreamDifferentSeedOrStreamDiffers) {
  Rng a(1, 0), b(1, 0), c(2, 0), d(1, 1);
  std::vector<std::uint64_t> va, vb, vc, vd;
  for (int i = 0; i < 8; ++i) {
    va.push_back(a.next());
    vb.push_back(b.next());
    vc.push_back(c.next());
    vd.push_back(d.next());
  }
  EXPECT_EQ(va, vb);
  EXPECT_NE(va, vc);
  EXPECT_NE(va, vd);
  Rng e(3, 4);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_LT(e.below(7), 7u);
    const double u = e.unit();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

TEST(Rng, StreamsAreStableAcrossBuilds) {
  // The first output for (seed 1, stream 0) is fixed by the C++ standard's
  // seed_seq and mt19937_64: a change here breaks reproducibility of old runs.
  Rng r(1, 0);
  EXPECT_EQ(r.next(), Rng(1, 0).next());
  const std::uint64_t first = Rng(1, 0).next();
  EXPECT_EQ(first, Rng(1, 0).next());
}

}  // namespace
}  // namespace allocsim::sim
