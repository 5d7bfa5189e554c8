// RCU (model/rcu.hpp): grace periods, per-CPU callback batches, and its users
// in the object allocator: kfree_rcu, SLAB_TYPESAFE_BY_RCU slabs (SLAB and
// SLUB) and SLOB's RCU object frees.
#include "model/rcu.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "model/object_allocator.hpp"
#include "model/slob.hpp"
#include "model_machines.hpp"
#include "object_alloc_fixture.hpp"
#include "sim/machine.hpp"

namespace allocsim::model {
namespace {

// Records "a@clock cpuN" for every invocation.
struct LogCb final : RcuCallback {
  std::vector<std::string> log;
  void invoke(sim::Cpu& cpu, std::uint64_t a, std::uint64_t /*b*/) override {
    log.push_back(std::to_string(a) + "@" + std::to_string(cpu.now()) + " cpu" +
                  std::to_string(cpu.id()));
  }
};

// Moves `cpu`'s clock to `t` and passes an op boundary there.
void at(sim::Cpu& cpu, sim::Cycles t) {
  ASSERT_LE(cpu.now(), t);
  cpu.spend(t - cpu.now());
  cpu.run_due_work();
}

TEST(Rcu, ACallbackWaitsForTheFirstGracePeriodThatStartsAtOrAfterIt) {
  sim::Machine m(testing::small_machine(1, 64), 1);
  sim::Cpu &c0 = m.cpu(0), &c1 = m.cpu(1);
  Rcu rcu(m, 1000);
  LogCb cb;
  // call_rcu takes 20 cycles; the callback is queued at its end.
  rcu.call_rcu(c0, Rcu::kHeadCharged, cb, 1, 0);  // queued at 20: a grace period [20, 1020)
  at(c1, 500);
  rcu.call_rcu(c1, Rcu::kHeadCharged, cb, 2, 0);  // at 520, during it: the next, [1020, 2020)
  at(c1, 600);
  rcu.call_rcu(c1, Rcu::kHeadCharged, cb, 3, 0);  // the same next one
  EXPECT_EQ(rcu.pending(0), 1u);
  EXPECT_EQ(rcu.pending(1), 2u);
  // The batches are not deferrable: an idle CPU wakes for them.
  EXPECT_EQ(c0.next_work_wakeup(), 1020u);
  EXPECT_EQ(c1.next_work_wakeup(), 2020u);
  at(c0, 1019);
  EXPECT_TRUE(cb.log.empty());
  at(c0, 1020);
  at(c1, 2019);
  EXPECT_EQ(cb.log, (std::vector<std::string>{"1@1030 cpu0"}));  // after rcu_do_batch's step
  at(c1, 2500);
  EXPECT_EQ(cb.log, (std::vector<std::string>{"1@1030 cpu0", "2@2510 cpu1", "3@2520 cpu1"}));
  // Nothing in progress: a new grace period starts with the next callback.
  at(c0, 2600);
  rcu.call_rcu(c0, Rcu::kHeadCharged, cb, 4, 0);
  EXPECT_EQ(c0.next_work_wakeup(), 3620u);
  EXPECT_EQ(rcu.stats().callbacks_queued, 4u);
  EXPECT_EQ(rcu.stats().callbacks_completed, 3u);
  EXPECT_EQ(rcu.pending(), 1u);
  EXPECT_EQ(rcu.pending(1), 0u);
}

TEST(Rcu, CallbacksQueuedByCallbacksWaitForTheirOwnGracePeriod) {
  sim::Machine m(testing::small_machine(1, 64), 1);
  sim::Cpu& c0 = m.cpu(0);
  Rcu rcu(m, 100);
  struct Chain final : RcuCallback {
    Rcu* rcu = nullptr;
    std::vector<sim::Cycles> ran;
    void invoke(sim::Cpu& cpu, std::uint64_t a, std::uint64_t) override {
      ran.push_back(cpu.now());
      if (a) rcu->call_rcu(cpu, Rcu::kHeadCharged, *this, a - 1, 0);
    }
  } chain;
  chain.rcu = &rcu;
  rcu.call_rcu(c0, Rcu::kHeadCharged, chain, 2, 0);  // queued at 20: [20, 120)
  at(c0, 120);                                       // runs at 130 and queues at 150: [150, 250)
  at(c0, 249);                                       // not yet
  at(c0, 250);                                       // runs at 260 and queues at 280: [280, 380)
  at(c0, 1000);                                      // the last
  EXPECT_EQ(chain.ran, (std::vector<sim::Cycles>{130, 260, 1010}));
  EXPECT_EQ(rcu.pending(), 0u);
}

TEST(Rcu, TheGracePeriodIsAtLeastOneCycleAndFixedOnceUsed) {
  sim::Machine m(testing::small_machine(1, 64), 1);
  EXPECT_THROW(Rcu(m, 0), std::invalid_argument);
  Rcu rcu(m, 10);
  rcu.set_grace_period(20);
  EXPECT_EQ(rcu.grace_period(), 20u);
  LogCb cb;
  rcu.call_rcu(m.cpu(0), Rcu::kHeadCharged, cb, 1, 0);
  EXPECT_THROW(rcu.set_grace_period(30), std::logic_error);
}

// A machine, page allocator and object allocator with kernel.rcu_grace_period
// = `grace` (0: the default) at kernel.hz = `hz`.
struct RcuBooted {
  RcuBooted(Flavour f, std::string_view design, sim::Cycles grace, unsigned hz = 250)
      : machine(testing::small_machine(1, 64), 1),
        pa(machine, config(f, grace, hz)),
        hm(pa),
        diag(false) {
    ObjectAllocatorConfig oc = pa.config().slab;
    oc.design = slab_design(design).traits.name;
    oa = ObjectAllocator::create(pa, hm, oc, diag);
  }
  static KernelConfig config(Flavour f, sim::Cycles grace, unsigned hz) {
    KernelConfig k = testing::kernel(f);
    k.rcu_grace_period = grace;
    k.hz = hz;
    return k;
  }
  Gfp gfp(const char* text) const { return parse_gfp(pa.flavour(), text); }
  sim::Cpu& cpu(unsigned i = 0) { return machine.cpu(i); }
  // Passes the end of every grace period started so far on `c`.
  void after_grace(sim::Cpu& c) { at(c, c.now() + 2 * oa->rcu().grace_period()); }

  sim::Machine machine;
  PageAllocator pa;
  Highmem hm;
  DiagnosticLog diag;
  std::unique_ptr<ObjectAllocator> oa;
};

TEST(Rcu, TheDefaultGracePeriodIsThreeJiffies) {
  // small_machine: 1 GHz, so a jiffy is 4,000,000 cycles at HZ 250.
  EXPECT_EQ(RcuBooted(Flavour::linux_6, "slub", 0).oa->rcu().grace_period(), 12'000'000u);
  EXPECT_EQ(RcuBooted(Flavour::linux_6, "slub", 0, 1000).oa->rcu().grace_period(), 3'000'000u);
  EXPECT_EQ(RcuBooted(Flavour::linux_2_6, "slab", 5000).oa->rcu().grace_period(), 5000u);
}

struct Case {
  Flavour flavour;
  const char* design;
};
class KfreeRcu : public ::testing::TestWithParam<Case> {};

TEST_P(KfreeRcu, TheObjectStaysAllocatedUntilItsGracePeriodEnds) {
  RcuBooted b(GetParam().flavour, GetParam().design, 10'000);
  sim::Cpu& cpu = b.cpu(1);
  const Gfp g = b.gfp("GFP_KERNEL");
  const sim::VirtAddr p = b.oa->kmalloc(cpu, 100, g);
  ASSERT_TRUE(p);
  const std::uint64_t ks = b.oa->ksize(p);
  ASSERT_GT(ks, 0u);
  b.oa->kfree_rcu(cpu, p);
  b.oa->kfree_rcu(cpu, sim::VirtAddr{});  // NULL: nothing queued
  EXPECT_EQ(b.oa->rcu().pending(1), 1u);
  EXPECT_EQ(b.oa->ksize(p), ks);  // still allocated
  const sim::VirtAddr q = b.oa->kmalloc(cpu, 100, g);
  EXPECT_NE(q, p);  // its slot is not reused
  EXPECT_TRUE(b.oa->kfree(cpu, q));
  b.oa->check_invariants();
  // The callback runs on the CPU that queued it, charged to it.
  const sim::Cycles cpu0_before = b.cpu(0).now();
  at(b.cpu(0), cpu0_before + 100'000);
  EXPECT_EQ(b.oa->ksize(p), ks);
  const sim::Cycles due = cpu.next_work_wakeup();
  at(cpu, due);
  EXPECT_GT(cpu.now(), due);  // the batch's cycles
  EXPECT_EQ(b.oa->ksize(p), 0u);
  EXPECT_EQ(b.oa->rcu().stats().callbacks_completed, 1u);
  EXPECT_EQ(b.oa->rcu().pending(), 0u);
  EXPECT_EQ(b.diag.errors(), 0u);
  b.oa->check_invariants();
  // Freed now: a second kfree is a double free.
  EXPECT_FALSE(b.oa->kfree(cpu, p));
  EXPECT_EQ(b.diag.errors(), 1u);
}

TEST_P(KfreeRcu, ABadPointerIsReportedWhenQueued) {
  RcuBooted b(GetParam().flavour, GetParam().design, 10'000);
  const sim::VirtAddr p = b.oa->kmalloc(b.cpu(), 100, b.gfp("GFP_KERNEL"));
  b.oa->kfree_rcu(b.cpu(), p + 8);
  EXPECT_EQ(b.diag.errors(), 1u);
  EXPECT_EQ(b.oa->rcu().stats().callbacks_queued, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Designs, KfreeRcu,
    ::testing::Values(Case{Flavour::linux_6, "slub"}, Case{Flavour::linux_6, "slab"},
                      Case{Flavour::linux_6, "slob"}, Case{Flavour::linux_2_6, "slub"},
                      Case{Flavour::linux_2_6, "slab"}, Case{Flavour::linux_2_6, "slob"}),
    [](const auto& i) { return testing::name(i.param.flavour, i.param.design); });

// SLUB and SLAB reuse the last freed object first: with kfree_rcu, only after the grace period.
TEST(KfreeRcuReuse, TheSlotComesBackAfterTheGracePeriod) {
  for (const char* design : {"slub", "slab"}) {
    SCOPED_TRACE(design);
    RcuBooted b(Flavour::linux_6, design, 10'000);
    sim::Cpu& cpu = b.cpu();
    const sim::VirtAddr p = b.oa->kmalloc(cpu, 100, b.gfp("GFP_KERNEL"));
    b.oa->kfree_rcu(cpu, p);
    b.after_grace(cpu);
    EXPECT_EQ(b.oa->kmalloc(cpu, 100, b.gfp("GFP_KERNEL")), p);
  }
}

TEST(KmemCacheFreeRcu, FreesThroughTheCacheAfterTheGracePeriod) {
  RcuBooted b(Flavour::linux_6, "slub", 10'000);
  sim::Cpu& cpu = b.cpu();
  KmemCache* c = b.oa->kmem_cache_create(cpu, "objs", 200, 0, 0, false);
  KmemCache* other = b.oa->kmem_cache_create(cpu, "other", 96, 0, SLAB_NO_MERGE, false);
  const sim::VirtAddr p = b.oa->kmem_cache_alloc(cpu, *c, b.gfp("GFP_KERNEL"));
  b.oa->kmem_cache_free_rcu(cpu, *other, p);  // the wrong cache: reported now
  EXPECT_EQ(b.diag.errors(), 1u);
  b.oa->kmem_cache_free_rcu(cpu, *c, p);
  EXPECT_EQ(c->in_use, 1u);
  EXPECT_EQ(c->stats.frees, 0u);
  b.after_grace(cpu);
  EXPECT_EQ(c->in_use, 0u);
  EXPECT_EQ(c->stats.frees, 1u);
  EXPECT_EQ(b.diag.errors(), 1u);
}

// A TYPESAFE_BY_RCU cache's empty slab leaves the cache at once but keeps its
// pages (counted as slab pages) until the grace period ends; a plain cache's
// pages go back at once.
void typesafe_slab(Flavour f, const char* design) {
  for (bool rcu : {false, true}) {
    SCOPED_TRACE(std::string(design) + (rcu ? " rcu" : " plain"));
    RcuBooted b(f, design, 10'000);
    sim::Cpu& cpu = b.cpu();
    // A constructor: never merged, and the same layout either way under SLUB.
    KmemCache* c =
        b.oa->kmem_cache_create(cpu, "typesafe", 256, 0, rcu ? SLAB_TYPESAFE_BY_RCU : 0, true);
    ASSERT_NE(c, nullptr);
    std::vector<sim::VirtAddr> objs;
    for (std::uint32_t i = 0; i < c->objects_per_slab; ++i)
      objs.push_back(b.oa->kmem_cache_alloc(cpu, *c, b.gfp("GFP_KERNEL")));
    ASSERT_EQ(c->stats.slabs_created, 1u);
    std::uint32_t pages = 0;
    for (const SlabinfoRow& r : b.oa->slabinfo_rows())
      if (r.name == "typesafe") pages = r.pagesperslab;
    ASSERT_GT(pages, 0u);
    for (sim::VirtAddr o : objs) ASSERT_TRUE(b.oa->kmem_cache_free(cpu, *c, o));
    const std::uint64_t held = b.oa->pages_held();
    const SlabPages counted = b.oa->slab_pages();
    b.oa->kmem_cache_shrink(cpu, *c);
    EXPECT_EQ(c->stats.slabs_freed, 1u);
    b.oa->check_invariants();
    if (!rcu) {
      EXPECT_EQ(b.oa->pages_held(), held - pages);
      EXPECT_EQ(b.oa->rcu().stats().callbacks_queued, 0u);
      continue;
    }
    EXPECT_EQ(b.oa->pages_held(), held);
    EXPECT_EQ(b.oa->slab_pages().unreclaimable, counted.unreclaimable);  // NR_SLAB until freed
    EXPECT_EQ(b.oa->rcu().pending(), 1u);
    EXPECT_EQ(b.oa->rcu().stats().slabs_freed, 0u);
    // A new slab never takes the waiting pages.
    const sim::VirtAddr fresh = b.oa->kmem_cache_alloc(cpu, *c, b.gfp("GFP_KERNEL"));
    EXPECT_EQ(c->stats.slabs_created, 2u);
    EXPECT_TRUE(b.oa->kmem_cache_free(cpu, *c, fresh));
    const std::uint64_t held2 = b.oa->pages_held();
    at(cpu, cpu.next_work_wakeup());
    EXPECT_EQ(b.oa->pages_held(), held2 - pages);
    EXPECT_EQ(b.oa->rcu().stats().slabs_freed, 1u);
    EXPECT_EQ(b.oa->rcu().pending(), 0u);
    b.oa->check_invariants();
    EXPECT_EQ(b.diag.errors(), 0u);
  }
}

TEST(TypesafeByRcu, SlabKeepsAnEmptiedSlabsPagesUntilTheGracePeriodEnds) {
  typesafe_slab(Flavour::linux_6, "slab");
  typesafe_slab(Flavour::linux_2_6, "slab");
}

TEST(TypesafeByRcu, SlubKeepsAnEmptiedSlabsPagesUntilTheGracePeriodEnds) {
  typesafe_slab(Flavour::linux_6, "slub");
  typesafe_slab(Flavour::linux_2_6, "slub");
  typesafe_slab(Flavour::linux_6_18, "slub");
}

// SLOB defers each object of an RCU cache (kmem_cache_free -> call_rcu(kmem_rcu_free)).
TEST(TypesafeByRcu, SlobFreesEachObjectAfterTheGracePeriod) {
  for (Flavour f : {Flavour::linux_6, Flavour::linux_2_6}) {
    RcuBooted b(f, "slob", 10'000);
    sim::Cpu& cpu = b.cpu();
    const auto& slob = static_cast<const Slob&>(*b.oa);
    KmemCache* c = b.oa->kmem_cache_create(cpu, "rcu", 100, 0, SLAB_TYPESAFE_BY_RCU, false);
    KmemCache* big = b.oa->kmem_cache_create(cpu, "big", 5000, 0, SLAB_TYPESAFE_BY_RCU, false);
    const sim::VirtAddr p = b.oa->kmem_cache_alloc(cpu, *c, b.gfp("GFP_KERNEL"));
    const Pfn pfn = b.pa.phys_to_pfn(b.hm.pa(p));
    const std::int32_t free_units = slob.heap().page_free_units(pfn);
    EXPECT_TRUE(b.oa->kmem_cache_free(cpu, *c, p));
    EXPECT_EQ(c->in_use, 0u);
    EXPECT_EQ(slob.heap().page_free_units(pfn), free_units);  // the block is still in use
    b.oa->check_invariants();
    EXPECT_FALSE(b.oa->kmem_cache_free(cpu, *c, p));  // but freed: a double free
    EXPECT_EQ(b.diag.errors(), 1u);
    // A big (page-sized) RCU object: its pages stay held until then.
    const sim::VirtAddr q = b.oa->kmem_cache_alloc(cpu, *big, b.gfp("GFP_KERNEL"));
    const std::uint64_t held = b.oa->pages_held();
    EXPECT_TRUE(b.oa->kmem_cache_free(cpu, *big, q));
    EXPECT_EQ(b.oa->pages_held(), held);
    b.oa->check_invariants();
    b.after_grace(cpu);
    // SLOB_UNITS(size + footer) units come back (2-byte units, 100 + footer).
    const std::int32_t units = static_cast<std::int32_t>(c->size / 2);
    EXPECT_EQ(slob.heap().page_free_units(pfn), free_units + units);
    EXPECT_EQ(b.oa->pages_held(), held - 2);  // order 1
    EXPECT_EQ(b.oa->rcu().stats().callbacks_completed, 2u);
    b.oa->check_invariants();
  }
}

}  // namespace
}  // namespace allocsim::model
