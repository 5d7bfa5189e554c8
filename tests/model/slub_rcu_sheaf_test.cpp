// linux-6.18 kfree_rcu into the per-CPU rcu_free sheaf (kfree_rcu_sheaf /
// __kfree_rcu_sheaf, rcu_free_sheaf): objects collect in the sheaf, a full
// sheaf waits one grace period as one RCU callback and then becomes a full
// sheaf in the barn; caches without sheaves keep one callback per object.
#include <gtest/gtest.h>

#include "model/slub.hpp"
#include "object_alloc_fixture.hpp"

namespace allocsim::model {
namespace {

using testing::Booted;

struct Rig {
  Booted b{Flavour::linux_6_18, "slub", testing::small_machine(1, 64)};
  SlubCache* vma = nullptr;
  std::vector<VirtAddr> objs;
  Rig() {
    vma = static_cast<SlubCache*>(testing::create_vma_like(b, "vma_test"));
    // Two refills: main is empty again, the barn holds one empty sheaf.
    for (int i = 0; i < 64; ++i)
      objs.push_back(b.oa->kmem_cache_alloc(b.cpu(), *vma, b.gfp("GFP_KERNEL")));
  }
  const SlubPcs& pcs() const { return vma->pcs[0]; }
  const SlubBarn& barn() const { return vma->barn[0]; }
  // Past the end of every grace period started so far.
  void after_grace() {
    sim::Cpu& cpu = b.cpu();
    cpu.spend(2 * b.oa->rcu().grace_period());
    cpu.run_due_work();
  }
};

TEST(KfreeRcuSheaf, AFullSheafWaitsOneGracePeriodThenJoinsTheBarnFull) {
  Rig r;
  sim::Cpu& cpu = r.b.cpu();
  ASSERT_EQ(r.barn().empty.size(), 1u);
  ASSERT_EQ(r.pcs().spare, kNoSheaf);
  // The first kfree_rcu takes the barn's empty sheaf as rcu_free.
  for (int i = 0; i < 31; ++i) r.b.oa->kfree_rcu(cpu, r.objs[static_cast<std::size_t>(i)]);
  EXPECT_TRUE(r.barn().empty.empty());
  ASSERT_NE(r.pcs().rcu_free, kNoSheaf);
  EXPECT_EQ(r.vma->sheaf_pool[r.pcs().rcu_free].size, 31u);
  EXPECT_EQ(r.b.oa->rcu().stats().callbacks_queued, 0u);  // nothing queued per object
  EXPECT_EQ(r.vma->in_use, 64u);                          // still the users'
  EXPECT_EQ(r.b.oa->ksize(r.objs[0]), 192u);
  r.b.oa->check_invariants();
  // The 32nd fills it: one call_rcu for the sheaf; the 33rd needs a new sheaf
  // (no spare, the barn has no empty one): kmalloc'ed with GFP_NOWAIT.
  r.b.oa->kfree_rcu(cpu, r.objs[31]);
  EXPECT_EQ(r.pcs().rcu_free, kNoSheaf);
  EXPECT_EQ(r.b.oa->rcu().stats().callbacks_queued, 1u);
  const std::uint64_t sheaves = r.vma->sheaf_stats.sheaf_alloc;
  r.b.oa->kfree_rcu(cpu, r.objs[32]);
  EXPECT_EQ(r.vma->sheaf_stats.sheaf_alloc, sheaves + 1);
  EXPECT_EQ(r.vma->sheaf_stats.free_rcu_sheaf, 33u);
  EXPECT_EQ(r.vma->sheaf_stats.free_rcu_sheaf_fail, 0u);
  EXPECT_EQ(r.b.oa->rcu().stats().callbacks_queued, 1u);
  r.b.oa->check_invariants();

  r.after_grace();
  EXPECT_EQ(r.b.oa->rcu().stats().callbacks_completed, 1u);
  EXPECT_EQ(r.vma->in_use, 32u);  // the 32 of the full sheaf; the 33rd waits in rcu_free
  EXPECT_EQ(r.vma->stats.frees, 32u);
  EXPECT_EQ(r.b.oa->ksize(r.objs[0]), 0u);
  EXPECT_EQ(r.b.oa->ksize(r.objs[32]), 192u);
  // rcu_free_sheaf: the objects stay in the sheaf, which the barn takes full.
  ASSERT_EQ(r.barn().full.size(), 1u);
  EXPECT_EQ(r.vma->sheaf_pool[r.barn().full[0]].size, 32u);
  EXPECT_EQ(r.vma->sheaf_stats.barn_put, 1u);
  EXPECT_EQ(r.vma->sheaf_stats.sheaf_flush, 0u);
  r.b.oa->check_invariants();
  // The empty main is replaced by that full sheaf: the last object kfree_rcu'ed
  // into it comes back first.
  EXPECT_EQ(r.b.oa->kmem_cache_alloc(cpu, *r.vma, r.b.gfp("GFP_KERNEL")), r.objs[31]);
  EXPECT_EQ(r.vma->sheaf_stats.barn_get, 1u);
  EXPECT_EQ(r.b.diag.errors(), 0u);
}

// rcu_free_sheaf with MAX_FULL_SHEAVES full sheaves in the barn: the sheaf
// is flushed to the slabs and kept as an empty one.
TEST(KfreeRcuSheaf, AFullBarnTakesTheSheafFlushedAsAnEmptyOne) {
  Rig r;
  sim::Cpu& cpu = r.b.cpu();
  const Gfp k = r.b.gfp("GFP_KERNEL");
  for (int i = 0; i < 32 * 11 - 64; ++i) r.objs.push_back(r.b.oa->kmem_cache_alloc(cpu, *r.vma, k));
  ASSERT_EQ(r.objs.size(), 352u);  // 11 sheaves' worth
  for (VirtAddr o : r.objs) r.b.oa->kfree_rcu(cpu, o);
  EXPECT_EQ(r.b.oa->rcu().stats().callbacks_queued, 11u);
  r.after_grace();
  EXPECT_EQ(r.vma->in_use, 0u);
  EXPECT_EQ(r.barn().full.size(), kMaxFullSheaves);
  EXPECT_EQ(r.vma->sheaf_stats.barn_put, 10u);
  EXPECT_EQ(r.vma->sheaf_stats.barn_put_fail, 1u);
  EXPECT_EQ(r.vma->sheaf_stats.sheaf_flush, 32u);
  EXPECT_EQ(r.barn().empty.size(), 1u);
  r.b.oa->check_invariants();
}

// kmem_cache_shrink (pcs_flush_all): a partly filled rcu_free sheaf goes to
// RCU at once; after the grace period its objects go back to the slabs and
// the sheaf is freed (rcu_free_sheaf_nobarn).
TEST(KfreeRcuSheaf, AFlushSubmitsThePartSheafWhichIsFlushedAndFreed) {
  Rig r;
  sim::Cpu& cpu = r.b.cpu();
  for (int i = 0; i < 5; ++i) r.b.oa->kfree_rcu(cpu, r.objs[static_cast<std::size_t>(i)]);
  r.b.oa->kmem_cache_shrink(cpu, *r.vma);
  EXPECT_EQ(r.pcs().rcu_free, kNoSheaf);
  EXPECT_EQ(r.b.oa->rcu().stats().callbacks_queued, 1u);
  EXPECT_EQ(r.vma->in_use, 64u);
  const std::uint64_t freed = r.vma->sheaf_stats.sheaf_free;
  r.after_grace();
  EXPECT_EQ(r.vma->in_use, 59u);
  EXPECT_EQ(r.vma->sheaf_stats.sheaf_flush, 5u);
  EXPECT_EQ(r.vma->sheaf_stats.sheaf_free, freed + 1);
  EXPECT_TRUE(r.barn().full.empty());
  r.b.oa->check_invariants();
  for (std::size_t i = 5; i < r.objs.size(); ++i)
    EXPECT_TRUE(r.b.oa->kmem_cache_free(cpu, *r.vma, r.objs[i]));
  r.b.oa->kmem_cache_destroy(cpu, r.vma);
  EXPECT_EQ(r.b.diag.errors(), 0u);
}

// The same object kfree_rcu'ed twice into one sheaf: after the grace period
// the second entry is reported as a double free and dropped, as the free
// hook makes __rcu_free_sheaf_prepare drop it; the shorter sheaf still joins
// the barn as a full one and the accounting stays right.
TEST(KfreeRcuSheaf, ATwiceQueuedObjectIsReportedAndDropped) {
  Rig r;
  sim::Cpu& cpu = r.b.cpu();
  r.b.oa->kfree_rcu(cpu, r.objs[0]);
  for (int i = 0; i < 31; ++i) r.b.oa->kfree_rcu(cpu, r.objs[static_cast<std::size_t>(i)]);
  ASSERT_EQ(r.b.oa->rcu().stats().callbacks_queued, 1u);  // 32 entries: full
  r.after_grace();
  EXPECT_EQ(r.b.diag.count(DiagKind::double_free), 1u);
  EXPECT_EQ(r.vma->in_use, 64u - 31u);
  EXPECT_EQ(r.vma->stats.frees, 31u);
  ASSERT_EQ(r.barn().full.size(), 1u);
  EXPECT_EQ(r.vma->sheaf_pool[r.barn().full[0]].size, 31u);
  r.b.oa->check_invariants();
}

// Objects of caches without sheaves (6.18's kmalloc caches, every cache of
// linux-6) keep the kvfree_rcu path: one callback per object.
TEST(KfreeRcuSheaf, CachesWithoutSheavesQueueOneCallbackPerObject) {
  for (Flavour f : {Flavour::linux_6_18, Flavour::linux_6}) {
    Booted b(f, "slub", testing::small_machine(1, 64));
    sim::Cpu& cpu = b.cpu();
    for (int i = 0; i < 3; ++i) b.oa->kfree_rcu(cpu, b.oa->kmalloc(cpu, 100, b.gfp("GFP_KERNEL")));
    EXPECT_EQ(b.oa->rcu().stats().callbacks_queued, 3u);
    EXPECT_EQ(b.oa->rcu().pending(0), 3u);
  }
}

}  // namespace
}  // namespace allocsim::model
