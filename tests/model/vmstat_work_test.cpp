// The page allocator's periodic vmstat work (model/vmstat_work.cpp): when
// vmstat_update runs on each flavour, 6.8's decay_pcp_high, and the NUMA
// expire rule that drains a CPU's list of a remote zone.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "model/jiffies.hpp"
#include "model/page_alloc.hpp"
#include "model_machines.hpp"

namespace allocsim::model {
namespace {

using testing::kernel;
using testing::small_machine;

// One vmstat pass as a test sees it: the jiffy (since boot) it ran at and the
// state of the watched pcp list after it.
struct Pass {
  std::uint64_t jiffy;
  std::int64_t high, count;
  bool operator==(const Pass&) const = default;
};

struct Booted : testing::BootedPages {
  using BootedPages::BootedPages;
  std::size_t zone_index(sim::NodeId n, ZoneType t) const {
    return &zone(n, t) - pa.zones().data();
  }
  PerCpuPages& pcp(sim::NodeId n, ZoneType t, sim::CpuId c) {
    return pa.zones()[zone_index(n, t)].pcp[c];
  }
  // Runs CPU `c` awake at every jiffy for `jiffies` jiffies (an op boundary
  // at each tick), after `setup` ran on it at boot, and records every
  // vmstat pass with the state of `watch` after it.
  std::vector<Pass> run(sim::CpuId c, std::uint64_t jiffies, const PerCpuPages& watch,
                        const std::function<void(sim::Cpu&)>& setup = {},
                        const std::function<void(sim::Cpu&, std::uint64_t)>& tick = {}) {
    std::vector<Pass> passes;
    machine.spawn(c, [&](sim::Cpu& cpu) {
      if (setup) setup(cpu);
      const Jiffies& j = pa.jiffies();
      std::uint64_t seen = pa.events().vmstat_updates;
      for (std::uint64_t t = 1; t <= jiffies; ++t) {
        cpu.sleep_until(j.tick_of(j.initial() + t));
        cpu.run_due_work();
        for (; seen < pa.events().vmstat_updates; ++seen)
          passes.push_back({t, watch.high, watch.count});
        if (tick) tick(cpu, t);
      }
    });
    machine.run();
    return passes;
  }
};

KernelConfig with_hz(Flavour f, unsigned hz) {
  KernelConfig k = kernel(f);
  k.hz = hz;
  return k;
}

TEST(VmstatWork, Linux26StartCpuTimerStaggersEachCpuThenReArmsEverySecond) {
  // 2.6.32 start_cpu_timer: __round_jiffies_relative(HZ, cpu) from boot,
  // where jiffies % 250 = 46 (INITIAL_JIFFIES): CPU 0 at 204, CPU 1 (skew 3)
  // at 201; then round_jiffies_relative(HZ) from each run, on whole seconds
  // of jiffies (minus the CPU's skew): 454, 704, ...
  for (sim::CpuId c : {0u, 1u}) {
    Booted b(small_machine(1, 64), with_hz(Flavour::linux_2_6, 250));
    const std::vector<Pass> p = b.run(c, 1000, b.pcp(0, ZoneType::dma32, c));
    std::vector<std::uint64_t> at;
    for (const Pass& x : p) at.push_back(x.jiffy);
    const std::uint64_t skew = 3 * c;
    EXPECT_EQ(at, (std::vector<std::uint64_t>{204 - skew, 454 - skew, 704 - skew, 954 - skew}))
        << "cpu " << c;
  }
  // HZ=1000: jiffies % 1000 = 296 at boot, past HZ/4: rounded up to 1704.
  Booted b(small_machine(1, 64), with_hz(Flavour::linux_2_6, 1000));
  const std::vector<Pass> p = b.run(1, 4000, b.pcp(0, ZoneType::dma32, 1));
  std::vector<std::uint64_t> at;
  for (const Pass& x : p) at.push_back(x.jiffy);
  EXPECT_EQ(at, (std::vector<std::uint64_t>{1701, 2701, 3701}));
}

// CPU 0's DMA32 list of a 1 GiB node (batch 63, high_min 626) after
// warm_pcp(count, high), and its state after each vmstat pass.
std::vector<Pass> decay_run(std::uint64_t count, std::int64_t high, std::uint64_t* drained,
                            unsigned stat_interval = 1) {
  KernelConfig k = with_hz(Flavour::linux_6, 250);
  k.stat_interval = stat_interval;
  Booted b(small_machine(1, 1024), k);
  const std::size_t zi = b.zone_index(0, ZoneType::dma32);
  const PerCpuPages& pcp = b.pcp(0, ZoneType::dma32, 0);
  EXPECT_EQ(pcp.batch, 63);
  EXPECT_EQ(pcp.high_min, 626);
  std::uint64_t free_after_warm = 0;
  const std::vector<Pass> p = b.run(0, 2500, pcp, [&](sim::Cpu& cpu) {
    EXPECT_EQ(b.pa.warm_pcp(cpu, zi, count, high), count);
    free_after_warm = b.pa.zones()[zi].nr_free_pages;
  });
  *drained = b.pa.events().pcp_decay_pages;
  // What decay drained went back to the buddy lists.
  EXPECT_EQ(b.pa.zones()[zi].nr_free_pages - free_after_warm, *drained);
  b.pa.check_invariants();
  return p;
}

TEST(VmstatWork, Linux68DecayPcpHighTakesHighToHighMinByItsFormula) {
  // 6.x timing: the shepherd's first run at round_jiffies_relative(HZ) = 204
  // jiffies, fired at the end of its timer-wheel bucket (level 1, 8 jiffies):
  // 208; it queues CPU 0's vmstat_update at once, which then re-arms itself:
  // 456, 712, 960, ... (HZ=250, jiffies % 250 = 46 at boot).
  // decay_pcp_high: high = max3(count - (63 << 5), high - high / 8, 626),
  // then the pages above high are freed:
  //   1200 -> 1050 (count 1000 stays), 1050 -> 919 (81 freed), -> 805 (114),
  //   -> 705 (100), 705 - 88 = 617 -> high_min 626 (79).
  // The pass after that folds the drain's stat change (a change: re-armed),
  // the next finds nothing and does not re-arm; the shepherd leaves a CPU
  // without stat diffs alone: 7 passes in 10 s.
  std::uint64_t drained = 0;
  EXPECT_EQ(decay_run(1000, 1200, &drained), (std::vector<Pass>{{208, 1050, 1000},
                                                                {456, 919, 919},
                                                                {712, 805, 805},
                                                                {960, 705, 705},
                                                                {1208, 626, 626},
                                                                {1456, 626, 626},
                                                                {1712, 626, 626}}));
  EXPECT_EQ(drained, 1000u - 626u);
  // Far above high, the decrement is capped at batch << PCP_BATCH_SCALE_MAX
  // under count: 3000 pages at high 1000 -> high 3000 - 2016 = 984 (not
  // 1000 - 125), 2016 pages freed in one pass; then 861, 754, 660, 626.
  EXPECT_EQ(decay_run(3000, 1000, &drained), (std::vector<Pass>{{208, 984, 984},
                                                                {456, 861, 861},
                                                                {712, 754, 754},
                                                                {960, 660, 660},
                                                                {1208, 626, 626},
                                                                {1456, 626, 626},
                                                                {1712, 626, 626}}));
  EXPECT_EQ(drained, 3000u - 626u);
  // kernel.stat_interval: none: no vmstat work, the list keeps its pages.
  EXPECT_TRUE(decay_run(1000, 1200, &drained, 0).empty());
  EXPECT_EQ(drained, 0u);
}

// CPU 0 (node 0) holds as many pages as its high allows on its lists of node
// 1's DMA32 zone (remote) and of node 0's (local), with 6.8's high at
// high_min so that decay leaves them alone; the passes as seen on one of them.
// With `alloc_every`, CPU 0 also allocates one movable page from node 1 (a hit on
// the remote list) in the middle of every period of that many jiffies.
std::vector<Pass> expire_run(Flavour f, unsigned hz, std::uint64_t jiffies, bool remote,
                             std::uint64_t* drained, std::uint64_t alloc_every = 0) {
  Booted b(small_machine(2, 64), with_hz(f, hz));
  const std::size_t far = b.zone_index(1, ZoneType::dma32), near = b.zone_index(0, ZoneType::dma32);
  const PerCpuPages& watch = b.pa.zones()[remote ? far : near].pcp[0];
  const std::vector<Pass> p = b.run(
      0, jiffies, watch,
      [&](sim::Cpu& cpu) {
        for (std::size_t zi : {far, near}) {
          const PerCpuPages& pcp = b.pa.zones()[zi].pcp[0];
          const std::int64_t high = f == Flavour::linux_2_6 ? pcp.high : pcp.high_min;
          b.pa.warm_pcp(cpu, zi, static_cast<std::uint64_t>(high), high);
        }
      },
      [&](sim::Cpu& cpu, std::uint64_t t) {
        if (alloc_every && t % alloc_every == alloc_every / 2) {
          EXPECT_TRUE(b.pa.alloc_pages_node(cpu, 1, b.gfp("GFP_HIGHUSER_MOVABLE"), 0));
        }
      });
  if (remote) {
    EXPECT_EQ(watch.batch, 3);  // node 1's 64 MiB DMA32 zone, both flavours
  }
  *drained = b.pa.events().pcp_expire_pages;
  b.pa.check_invariants();
  return p;
}

TEST(VmstatWork, Linux68DrainsARemoteListAfterThreePassesAndNeverALocalOne) {
  // The first pass folds the refill's stat diff (expire = 3) and counts down
  // to 2, the next to 1, the third reaches 0 and drain_zone_pages frees
  // min(count, batch) = 3 pages. That drain is itself a stat change: the
  // countdown starts again, so a batch goes every third pass.
  std::uint64_t drained = 0;
  EXPECT_EQ(expire_run(Flavour::linux_6, 250, 2500, true, &drained),
            (std::vector<Pass>{{208, 111, 111},
                               {456, 111, 111},
                               {712, 111, 108},
                               {960, 111, 108},
                               {1208, 111, 108},
                               {1456, 111, 105},
                               {1712, 111, 105},
                               {1960, 111, 105},
                               {2208, 111, 102},
                               {2456, 111, 102}}));
  EXPECT_EQ(drained, 9u);
  // Node 0's list on node 0's CPU: expire is reset to 0, nothing drains (the
  // remote list's countdown keeps the work re-armed meanwhile).
  const std::vector<Pass> local = expire_run(Flavour::linux_6, 250, 2500, false, &drained);
  ASSERT_EQ(local.size(), 10u);
  for (const Pass& x : local) EXPECT_EQ(x.count, 83) << x.jiffy;
}

TEST(VmstatWork, Linux26DrainsARemoteListAfterThreePassesAtHz1000) {
  // 2.6.32 at HZ=1000: CPU 0's first run at __round_jiffies_relative(1000, 0)
  // = 1704 (jiffies % 1000 = 296 at boot rounds up), then every second
  // (vmstat_update always re-arms); high is 6 x batch = 18, not decayed.
  std::uint64_t drained = 0;
  EXPECT_EQ(expire_run(Flavour::linux_2_6, 1000, 9000, true, &drained),
            (std::vector<Pass>{{1704, 18, 18},
                               {2704, 18, 18},
                               {3704, 18, 15},
                               {4704, 18, 15},
                               {5704, 18, 15},
                               {6704, 18, 12},
                               {7704, 18, 12},
                               {8704, 18, 12}}));
  EXPECT_EQ(drained, 6u);
  const std::vector<Pass> local = expire_run(Flavour::linux_2_6, 1000, 9000, false, &drained);
  ASSERT_EQ(local.size(), 8u);
  for (const Pass& x : local) EXPECT_EQ(x.count, 18) << x.jiffy;
}

TEST(VmstatWork, PcpHitsKeepARemoteList26ButNot68) {
  // A pcp hit changes no NR_FREE_PAGES. On 2.6.32 its zone_statistics
  // (__inc_zone_state of NUMA_HIT, NUMA_OTHER) still leaves a stat diff, so
  // each pass re-arms expire at 3 and the list never drains by the rule; on
  // 6.x NUMA events are not zone stat items and the list drains as if idle.
  std::uint64_t drained = 0;
  const std::vector<Pass> old = expire_run(Flavour::linux_2_6, 250, 2100, true, &drained, 250);
  ASSERT_EQ(old.size(), 8u);  // 201 + 250 k, CPU 0: 204, 454, ..., 1954
  EXPECT_EQ(old.front().jiffy, 204u);
  EXPECT_EQ(old.back().count, 18 - 8);  // a page taken at 125, 375, ..., 1875; none drained
  EXPECT_EQ(drained, 0u);
  // 6.8 at HZ=1000: the shepherd's first run at round_jiffies_relative(1000)
  // = 1704, at the end of its level-2 bucket (64 jiffies): 1760.
  const std::vector<Pass> now = expire_run(Flavour::linux_6, 1000, 8000, true, &drained, 1000);
  ASSERT_FALSE(now.empty());
  EXPECT_EQ(now.front().jiffy, 1760u);
  EXPECT_EQ(drained, 6u);  // two batches of 3, at the third and sixth passes
}

}  // namespace
}  // namespace allocsim::model
