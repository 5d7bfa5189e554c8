// SLAB's cache_reap as the kernel's per-CPU delayed work (mm/slab.c):
// start_cpu_timer's staggered first runs, REAPTIMEOUT_AC re-arming, the
// node pass every REAPTIMEOUT_NODE from a start staggered by the cache's
// address, drain_freelist's amounts, and reap_alien's node stepping once per
// pass. Values for a 1 GHz machine at HZ=250 (one jiffy: 4,000,000 cycles).
#include <gtest/gtest.h>

#include "model/slab.hpp"
#include "object_alloc_fixture.hpp"

namespace allocsim::model {
namespace {

using testing::Booted;

constexpr sim::Cycles kJiffy = 4'000'000;

const Slab& slab_of(const Booted& b) {
  return static_cast<const Slab&>(*b.oa);
}

// Every CPU's clock brought to `t` (outside the engine: each CPU on its own),
// then its due work run.
void advance_to(Booted& b, sim::Cycles t) {
  for (sim::CpuId c = 0; c < b.machine.cpus(); ++c) {
    sim::Cpu& cpu = b.cpu(c);
    if (cpu.now() < t) cpu.spend(t - cpu.now());
    cpu.run_due_work();
  }
}

TEST(SlabReap, StartCpuTimerStaggersTheFirstRuns) {
  // __round_jiffies_relative(HZ, cpu) from boot, where jiffies % 250 = 46:
  // 250 + 3*cpu rounds down to the second, less the skew: 204 - 3*cpu jiffies.
  for (const Flavour f : {Flavour::linux_2_6, Flavour::linux_6}) {
    Booted b(f, "slab", /*nodes=*/2);   // four CPUs
    ASSERT_LT(b.cpu(0).now(), kJiffy);  // boot ends within the first jiffy
    std::vector<sim::Cycles> due;
    for (sim::CpuId c = 0; c < 4; ++c) {
      EXPECT_TRUE(slab_of(b).reap_work(c).pending());
      due.push_back(slab_of(b).reap_work(c).due());
    }
    if (f == Flavour::linux_2_6) {
      // 2.6.32's wheel fires at the expiry: 204, 201, 198, 195 jiffies.
      EXPECT_EQ(due,
                (std::vector<sim::Cycles>{816'000'000, 804'000'000, 792'000'000, 780'000'000}));
      // INIT_DELAYED_WORK: an idle CPU wakes for it.
      EXPECT_EQ(b.cpu(3).next_work_wakeup(), 780'000'000u);
    } else {
      // 6.x: level 1 of the wheel (granularity 8 jiffies) rounds the expiry
      // up past the bucket: 208, 208, 200, 200 jiffies.
      EXPECT_EQ(due,
                (std::vector<sim::Cycles>{832'000'000, 832'000'000, 800'000'000, 800'000'000}));
      // INIT_DEFERRABLE_WORK: it waits for the CPU's next activity.
      EXPECT_EQ(b.cpu(3).next_work_wakeup(), sim::kNever);
    }
  }
}

TEST(SlabReap, RearmsEveryRoundedTwoSecondsOnTheSameCpu) {
  Booted b(Flavour::linux_2_6, "slab");
  const sim::Work& w = slab_of(b).reap_work(1);
  advance_to(b, 804'000'000);  // CPU 1's first run, at jiffy 201
  EXPECT_EQ(b.oa->reap_events().runs, 1u);
  // round_jiffies_relative(2*HZ) on CPU 1 from jiffies % 250 = 247:
  // 247 + 500 + 3 is a whole second: 500 jiffies later.
  EXPECT_EQ(w.due(), (201 + 500) * kJiffy);
  advance_to(b, 816'000'000);  // CPU 0's first run
  EXPECT_EQ(b.oa->reap_events().runs, 2u);
  EXPECT_EQ(slab_of(b).reap_work(0).due(), (204 + 500) * kJiffy);
  advance_to(b, (201 + 500) * kJiffy);
  EXPECT_EQ(b.oa->reap_events().runs, 3u);
  EXPECT_EQ(w.due(), (201 + 1000) * kJiffy);
}

// One cache of 1024-byte objects (4 to a slab) whose 400 objects were all
// freed, with limit 200, batchcount 100 and no shared array, so that
// free_limit is (1 + 2 CPUs) * 100 + 4 = 304 and 76 empty slabs stay on the
// node's free list. Returns the jiffy (from boot) and the slabs freed of every
// cache_reap run that freed some, until `until` jiffies.
struct Freed {
  std::uint64_t jiffy, slabs;
  bool operator==(const Freed&) const = default;
};

std::vector<Freed> reap_freed_slabs(Flavour f, std::uint64_t until, std::uint64_t* first_pass) {
  Booted b(f, "slab");  // one node, two CPUs
  sim::Cpu& cpu = b.cpu();
  KmemCache* c = b.oa->kmem_cache_create(cpu, "reapme", 1024, 0, 0, false);
  const SlabCache& sc = slab_of(b).cache(*c);
  b.oa->slabinfo_write(cpu, "reapme 200 100 0");
  EXPECT_EQ(sc.g.num, 4u);
  EXPECT_EQ(sc.node[0].free_limit, 304u);
  std::vector<sim::VirtAddr> objs;
  for (int i = 0; i < 400; ++i)
    objs.push_back(b.oa->kmem_cache_alloc(cpu, *c, b.gfp("GFP_KERNEL")));
  for (sim::VirtAddr o : objs) b.oa->kmem_cache_free(cpu, *c, o);
  // A second write drains the per-CPU arrays (do_tune_cpucache); free_block
  // keeps free_limit objects on empty slabs and frees the other slabs.
  b.oa->slabinfo_write(cpu, "reapme 200 100 0");
  EXPECT_EQ(sc.node[0].free.count, 76u);
  EXPECT_TRUE(sc.node[0].free_touched);  // refills took slabs from slabs_free
  // The node's first pass: jiffies + REAPTIMEOUT_NODE + cachep % REAPTIMEOUT_NODE.
  const std::uint64_t j0 = slab_of(b).jiffies().initial();
  *first_pass = sc.node[0].next_reap - j0;
  EXPECT_EQ(*first_pass, 1000 + b.hm.va(c->desc).value() % 1000);
  std::vector<Freed> out;
  std::uint64_t reaped = 0;
  for (std::uint64_t j = 1; j <= until; ++j) {
    advance_to(b, j * kJiffy);
    if (c->stats.reaped != reaped) out.push_back({j, c->stats.reaped - reaped});
    reaped = c->stats.reaped;
  }
  EXPECT_EQ(sc.node[0].free.count, 0u);
  EXPECT_EQ(c->stats.slabs_freed, 100u);
  b.oa->check_invariants();
  return out;
}

TEST(SlabReap, EmptySlabsWaitForTheNodePassThenGoByDrainFreelistsAmounts) {
  // drain_freelist(cache, n, (free_limit + 5*num - 1) / (5*num)): 16 slabs a
  // pass, REAPTIMEOUT_NODE (1000 jiffies) apart, 16, 16, 16, 16 and the last 12.
  // The first node pass only clears free_touched.
  std::uint64_t first = 0;
  // 2.6.32: the cache's offset is 144, so the node's first pass is due at
  // jiffy 1144, and CPU 1's run at 1201 (its runs: 201, 701, 1201, ...) takes
  // it; then every 1000 jiffies.
  EXPECT_EQ(reap_freed_slabs(Flavour::linux_2_6, 7000, &first),
            (std::vector<Freed>{{2201, 16}, {3201, 16}, {4201, 16}, {5201, 16}, {6201, 12}}));
  EXPECT_EQ(first, 1144u);
  // 6.5: offset 816, due at 1816; the runs (208, 704/712, 1208, 1704/1712,
  // 2208, ...) fire at the 6.x wheel's 8-jiffy buckets: CPU 0 at 2208 takes it.
  EXPECT_EQ(reap_freed_slabs(Flavour::linux_6, 8000, &first),
            (std::vector<Freed>{{3208, 16}, {4208, 16}, {5208, 16}, {6208, 16}, {7208, 12}}));
  EXPECT_EQ(first, 1816u);
}

// reap_alien drains the alien cache of the CPU's reap node in every cache,
// and next_reap_node steps to the next node once per pass (after all caches).
TEST(SlabReap, ReapAlienStepsItsNodeOncePerPass) {
  for (const Flavour f : {Flavour::linux_2_6, Flavour::linux_6}) {
    SCOPED_TRACE(to_string(f));
    Booted b(f, "slab", /*nodes=*/3);  // CPUs 0, 1 on node 0
    sim::Cpu& cpu = b.cpu(0);
    const Slab& slab = slab_of(b);
    EXPECT_EQ(slab.reap_node(0), 1u);  // init_reap_node: the node after CPU 0's
    EXPECT_EQ(slab.reap_node(4), 0u);  // CPU 4 is on node 2: wraps to node 0
    KmemCache* a = b.oa->kmem_cache_create(cpu, "alien_a", 100, 0, 0, false);
    KmemCache* z = b.oa->kmem_cache_create(cpu, "alien_z", 200, 0, 0, false);
    // Five objects of nodes 1 and 2 freed on CPU 0 in each cache: they wait
    // in node 0's alien caches for nodes 1 and 2.
    for (KmemCache* c : {a, z})
      for (int remote : {1, 2}) {
        std::vector<sim::VirtAddr> objs;
        for (int i = 0; i < 5; ++i)
          objs.push_back(b.oa->kmem_cache_alloc(cpu, *c, b.gfp("GFP_KERNEL"), remote));
        for (sim::VirtAddr o : objs) b.oa->kmem_cache_free(cpu, *c, o);
      }
    auto alien = [&](KmemCache* c, sim::NodeId r) {
      return slab.cache(*c).node[0].alien[r]->avail;
    };
    ASSERT_EQ(alien(a, 1), 5u);
    ASSERT_EQ(alien(z, 2), 5u);
    b.oa->cache_reap_now(cpu);  // reap node 1, in both caches
    // The ten alien objects; the per-CPU arrays holding objects were all
    // touched since boot, so this first pass only clears their flags.
    EXPECT_EQ(b.oa->reap_events().objects_drained, 10u);
    EXPECT_EQ(alien(a, 1), 0u);
    EXPECT_EQ(alien(z, 1), 0u);
    EXPECT_EQ(alien(a, 2), 5u);
    EXPECT_EQ(alien(z, 2), 5u);
    EXPECT_EQ(slab.reap_node(0), 2u);
    b.oa->cache_reap_now(cpu);  // node 2
    EXPECT_EQ(alien(a, 2), 0u);
    EXPECT_EQ(alien(z, 2), 0u);
    EXPECT_EQ(slab.reap_node(0), 0u);  // the own node next: nothing to drain
    EXPECT_EQ(slab.reap_node(1), 1u);  // CPU 1 has not reaped
    b.oa->check_invariants();
  }
}

}  // namespace
}  // namespace allocsim::model
