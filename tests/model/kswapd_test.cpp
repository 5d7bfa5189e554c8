// kswapd as a kernel thread: woken by an allocation, it runs as per-CPU work
// on a CPU of its node, takes the LRU and zone locks, and its cycles land on
// that CPU's clock (model/reclaim.cpp).
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "model/kswapd.hpp"
#include "model_machines.hpp"
#include "sim/lock_class.hpp"

namespace allocsim::model {
namespace {

using testing::BootedPages;
using testing::kernel;
using testing::small_machine;

const sim::LockStats& lock_class(const sim::Machine& m, const std::string& name) {
  for (const auto& e : m.lock_classes())
    if (e.name == name) return e.stats;
  throw std::out_of_range(name);
}

TEST(Kswapd, RunsOnTheWakingCpuWithTheZoneLockAndIsChargedThere) {
  KernelConfig k = kernel(Flavour::linux_6);
  k.pcp = false;
  k.stat_interval = 0;  // no vmstat work: kswapd's is the only item queued
  BootedPages b(small_machine(1, 64, true), k);
  sim::Cpu& cpu = b.cpu(0);
  // Page cache until an allocation wakes kswapd; no driver, so it is queued
  // on the waking CPU (the node's other CPU is not known to be idle).
  sim::Cycles before = 0;
  while (b.pa.events().kswapd_wakeups == 0) {
    before = cpu.now();
    ASSERT_TRUE(b.pa.alloc_page_cache(cpu));
  }
  const sim::Cycles after = cpu.now();
  ASSERT_EQ(cpu.work().size(), 1u);
  EXPECT_EQ(b.cpu(1).work().size(), 0u);
  EXPECT_EQ(b.pa.events().kswapd_runs, 0u);
  const sim::Cycles due = cpu.work().next_due();
  EXPECT_GE(due, before + k.kswapd_wakeup_delay);
  EXPECT_LE(due, after + k.kswapd_wakeup_delay);
  // Nothing runs until the CPU reaches an op boundary at or after `due`.
  cpu.run_due_work();
  EXPECT_EQ(b.pa.events().kswapd_runs, 0u);

  const sim::LockStats& zone = lock_class(b.machine, "zone");
  const sim::LockStats& lru = lock_class(b.machine, "lru_lock");
  const std::uint64_t zone_acq = zone.acquisitions->value, zone_hold = zone.hold_cycles->value;
  const std::uint64_t lru_acq = lru.acquisitions->value;
  cpu.spend(due - cpu.now());
  const sim::Cycles start = cpu.now();
  cpu.run_due_work();
  const std::uint64_t steal = b.pa.events().pgsteal_kswapd;
  EXPECT_EQ(b.pa.events().kswapd_runs, 1u);
  ASSERT_GT(steal, 0u);
  EXPECT_EQ(b.pa.events().pgsteal_direct, 0u);
  // One zone-lock hold per page freed to the buddy lists, one LRU-lock hold
  // per SWAP_CLUSTER_MAX batch isolated.
  EXPECT_EQ(zone.acquisitions->value - zone_acq, steal);
  EXPECT_EQ(lru.acquisitions->value - lru_acq, (steal + k.reclaim_batch - 1) / k.reclaim_batch);
  const std::uint64_t held = zone.hold_cycles->value - zone_hold;
  EXPECT_GT(held, 0u);
  // Its cycles are CPU 0's clock advance, all of them, and no other CPU's.
  const std::uint64_t spent = cpu.now() - start;
  EXPECT_GE(spent, held + steal * k.reclaim_cycles_per_page);
  EXPECT_EQ(b.pa.events().kswapd_cycles, spent);
  EXPECT_EQ(b.machine.stats().value("kswapd.cycles", 0), spent);
  EXPECT_EQ(b.machine.stats().value("kswapd.cycles", 1), 0u);
  EXPECT_EQ(b.cpu(1).now(), 0u);
  for (const Zone& z : b.pa.zones()) {
    if (!z.populated()) continue;
    EXPECT_GE(z.nr_free_pages, z.wmark.high);
  }
  // Woken again while balanced: it stays asleep.
  const std::uint64_t wakeups = b.pa.events().kswapd_wakeups;
  EXPECT_TRUE(b.pa.alloc_pages(cpu, b.gfp(), 0));
  EXPECT_EQ(cpu.work().size(), 0u);
  EXPECT_EQ(b.pa.events().kswapd_wakeups, wakeups);
  b.pa.check_invariants();
}

// Timing off, the zone lock costing 7 cycles to take and 5 to release, the
// LRU lock nothing: every cycle kswapd spends is known.
TEST(Kswapd, ZoneLockHoldCyclesAndItsCyclesAreExact) {
  sim::MachineConfig mc = small_machine(1, 64);
  mc.lock_classes[sim::lock_class_of_stat("zone")] = {std::nullopt, 7, 5};
  KernelConfig k = kernel(Flavour::linux_2_6);
  k.pcp = false;
  k.stat_interval = 0;  // no vmstat work: kswapd's is the only item queued
  BootedPages b(mc, k);
  sim::Cpu& cpu = b.cpu(1);
  while (cpu.work().size() == 0) ASSERT_TRUE(b.pa.alloc_page_cache(cpu));
  const sim::LockStats& zone = lock_class(b.machine, "zone");
  const std::uint64_t acq = zone.acquisitions->value, hold = zone.hold_cycles->value;
  cpu.spend(cpu.work().next_due() - cpu.now());
  const sim::Cycles start = cpu.now();
  cpu.run_due_work();
  const std::uint64_t steal = b.pa.events().pgsteal_kswapd;
  ASSERT_GT(steal, 0u);
  EXPECT_EQ(zone.acquisitions->value - acq, steal);
  EXPECT_EQ(zone.hold_cycles->value - hold, steal * (7 + 5));
  EXPECT_EQ(cpu.now() - start, steal * (k.reclaim_cycles_per_page + 7 + 5));
  EXPECT_EQ(b.machine.stats().value("kswapd.cycles", 1), steal * (k.reclaim_cycles_per_page + 12));
  EXPECT_EQ(b.machine.stats().value("kswapd.cycles", 0), 0u);
}

TEST(Kswapd, EachNodesThreadRunsOnItsOwnCpusAMemoryOnlyNodesOnTheNearest) {
  sim::MachineConfig mc = small_machine(3, 16);
  mc.cpus = 4;
  mc.cpu_node = {0, 0, 1, 1};  // node 2 has memory only
  mc.links = {{0, 1, 21}, {1, 2, 21}, {0, 2, 31}};
  BootedPages b(mc, kernel(Flavour::linux_6));
  EXPECT_EQ(b.pa.kswapd_cpus(0), (std::vector<sim::CpuId>{0, 1}));
  EXPECT_EQ(b.pa.kswapd_cpus(1), (std::vector<sim::CpuId>{2, 3}));
  EXPECT_EQ(b.pa.kswapd_cpus(2), (std::vector<sim::CpuId>{2, 3}));  // distance 21 < 31
}

}  // namespace
}  // namespace allocsim::model
