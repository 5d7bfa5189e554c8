// SLAB at run time: boot caches as /proc/slabinfo prints them, per-CPU array
// refill and flush, alien caches for remote frees, and cache_reap.
#include <gtest/gtest.h>

#include "model/slab.hpp"
#include "object_alloc_fixture.hpp"

namespace allocsim::model {
namespace {

using testing::Booted;

std::string row_of(const std::string& info, const std::string& name) {
  const std::size_t at = info.find("\n" + name + " ");
  if (at == std::string::npos) return "";
  return info.substr(at + 1, info.find('\n', at + 1) - at - 1);
}

TEST(SlabRuntime, BootCachesAsSlabinfoPrintsThem) {
  // 2.6.32 x86_64, > 1 CPU: the reference's size-32 and size-128 rows (§4.9).
  Booted old(Flavour::linux_2_6, "slab");
  const std::string info = old.oa->slabinfo();
  EXPECT_EQ(row_of(info, "size-32"),
            "size-32                0      0     32  112    1 : tunables  120   60    8 : slabdata "
            "     0      0      0");
  EXPECT_EQ(row_of(info, "size-1024"),
            "size-1024              0      0   1024    4    1 : tunables   54   27    8 : slabdata "
            "     0      0      0");
  EXPECT_EQ(
      row_of(info, "size-4194304"),
      "size-4194304           0      0 4194304    1 1024 : tunables    1    1    0 : slabdata "
      "     0      0      0");
  EXPECT_EQ(row_of(info, "size-96"), "");  // L1_CACHE_BYTES 64: no size-96
  // 6.5 SLAB: kmalloc-32 on-slab with 124 objects (§4.9).
  Booted now(Flavour::linux_6, "slab");
  EXPECT_EQ(row_of(now.oa->slabinfo(), "kmalloc-32"),
            "kmalloc-32             0      0     32  124    1 : tunables  120   60    8 : slabdata "
            "     0      0      0");
}

TEST(SlabRuntime, ArrayRefillTakesABatchAndObjectsInArraysCountAsActive) {
  Booted b(Flavour::linux_2_6, "slab");
  const Slab& slab = static_cast<const Slab&>(*b.oa);
  KmemCache* c = b.oa->kmem_cache_create(b.cpu(), "batch", 100, 0, 0, false);
  const SlabCache& sc = slab.cache(*c);
  ASSERT_EQ(sc.g.limit, 120u);
  // The first allocation finds an empty array: cache_alloc_refill takes
  // min(batchcount, BATCHREFILL_LIMIT) = 16 objects (the array is untouched).
  const sim::VirtAddr first = b.oa->kmem_cache_alloc(b.cpu(), *c, b.gfp("GFP_KERNEL"));
  ASSERT_TRUE(first);
  EXPECT_EQ(sc.array[0].avail, 15u);
  EXPECT_EQ(c->stats.refills, 1u);
  // /proc/slabinfo: the 15 in the array are active objects too.
  const std::string row = row_of(b.oa->slabinfo(), "batch");
  EXPECT_EQ(row.substr(0, 38),
            "batch                 16     " + std::to_string(sc.g.num) + "    104");
  // The next refill is touched (batchcount 60) but takes only what the
  // partial slab still has: the list walk stops at must_grow when the node has
  // no partial or free slab left, and grows only if the array is still empty.
  for (int i = 0; i < 15; ++i) b.oa->kmem_cache_alloc(b.cpu(), *c, b.gfp("GFP_KERNEL"));
  EXPECT_EQ(sc.array[0].avail, 0u);
  b.oa->kmem_cache_alloc(b.cpu(), *c, b.gfp("GFP_KERNEL"));
  EXPECT_EQ(sc.array[0].avail, sc.g.num - 16 - 1);
  // The one after that grows a slab and takes a full batch of 60.
  for (std::uint32_t i = 0; i < sc.g.num - 16 - 1; ++i)
    b.oa->kmem_cache_alloc(b.cpu(), *c, b.gfp("GFP_KERNEL"));
  b.oa->kmem_cache_alloc(b.cpu(), *c, b.gfp("GFP_KERNEL"));
  EXPECT_EQ(sc.array[0].avail, std::min(60u, sc.g.num) - 1);
  b.oa->check_invariants();
}

TEST(SlabRuntime, RemoteFreesGoThroughAlienCaches) {
  Booted b(Flavour::linux_2_6, "slab", /*nodes=*/2);
  const Slab& slab = static_cast<const Slab&>(*b.oa);
  KmemCache* c = b.oa->kmem_cache_create(b.cpu(0), "alien", 200, 0, 0, false);
  std::vector<sim::VirtAddr> objs;
  for (int i = 0; i < 13; ++i)
    objs.push_back(b.oa->kmem_cache_alloc(b.cpu(0), *c, b.gfp("GFP_KERNEL")));
  sim::Cpu& remote = b.cpu(2);  // node 1
  ASSERT_EQ(remote.node(), 1u);
  const ArrayCache& alien = *slab.cache(*c).node[1].alien[0];
  EXPECT_EQ(alien.limit, 12u);
  for (int i = 0; i < 12; ++i) b.oa->kmem_cache_free(remote, *c, objs[i]);
  EXPECT_EQ(alien.avail, 12u);
  EXPECT_EQ(slab.cache(*c).array[2].avail, 0u);  // never in the remote CPU's own array
  // Full: __drain_alien_cache sends the twelve home before the thirteenth goes in.
  b.oa->kmem_cache_free(remote, *c, objs[12]);
  EXPECT_EQ(alien.avail, 1u);
  EXPECT_EQ(slab.cache(*c).alien_overflow, 1u);
  EXPECT_EQ(c->stats.remote_frees, 13u);
  b.oa->check_invariants();
}

TEST(SlabRuntime, CacheReapDrainsAFifthOfAnUntouchedArray) {
  Booted b(Flavour::linux_6, "slab", testing::small_machine(1, 64));
  const Slab& slab = static_cast<const Slab&>(*b.oa);
  KmemCache* c = b.oa->kmem_cache_create(b.cpu(), "reaped", 100, 0, 0, false);
  std::vector<sim::VirtAddr> objs;
  for (int i = 0; i < 100; ++i)
    objs.push_back(b.oa->kmem_cache_alloc(b.cpu(), *c, b.gfp("GFP_KERNEL")));
  for (sim::VirtAddr o : objs) b.oa->kmem_cache_free(b.cpu(), *c, o);
  const ArrayCache& ac = slab.cache(*c).array[0];
  const std::uint32_t before = ac.avail;
  ASSERT_GT(before, 30u);
  sim::Cpu& cpu = b.cpu();
  b.oa->cache_reap_now(cpu);  // touched by the allocations: only cleared
  EXPECT_EQ(ac.avail, before);
  b.oa->cache_reap_now(cpu);  // untouched now: (limit + 4) / 5 = 24 objects go back
  EXPECT_EQ(ac.avail, before - 24);
  EXPECT_EQ(b.oa->reap_events().runs, 2u);
  b.oa->check_invariants();
  // kmem_cache_shrink empties every array and frees every free slab.
  EXPECT_EQ(b.oa->kmem_cache_shrink(cpu, *c), 0);
  EXPECT_EQ(ac.avail, 0u);
  EXPECT_EQ(c->stats.slabs_created, c->stats.slabs_freed);
  b.oa->check_invariants();
}

// Issue 15, bug 2: sixteen CPUs allocate from one cache at once, so one often
// takes the slab another has just grown before that one retries (threadtest
// on 16 CPUs got NULL from kmalloc). 2.6.32 cache_alloc_refill retries ("goto
// retry") while cache_grow succeeds with the array still empty; 6.5
// cache_grow_begin + alloc_block fill the array before cache_grow_end lists
// the slab. No allocation may return NULL.
TEST(SlabRuntime, RefillSurvivesAnotherCpuTakingTheNewSlab) {
  for (const Flavour f : {Flavour::linux_2_6, Flavour::linux_6}) {
    sim::MachineConfig mc = testing::small_machine(1, 256, /*timing=*/true);
    mc.cpus = 16;
    Booted b(f, "slab", mc);
    KmemCache* c = b.oa->kmem_cache_create(b.cpu(0), "stolen", 1024, 0, 0, false);
    const Gfp gfp = b.gfp("GFP_KERNEL");
    int nulls = 0;
    for (sim::CpuId id = 0; id < 16; ++id)
      b.machine.spawn(id, [&](sim::Cpu& cpu) {
        for (int i = 0; i < 100; ++i)
          nulls += b.oa->kmem_cache_alloc(cpu, *c, gfp) == sim::VirtAddr{};
      });
    b.machine.run();
    EXPECT_EQ(nulls, 0) << testing::name(f, "slab");
    // 6.5: every slab's four objects go to the CPU that grew it (1600 / 4).
    EXPECT_EQ(c->stats.slabs_created, f == Flavour::linux_6 ? 400u : 425u);
    b.oa->check_invariants();
  }
}

TEST(SlabRuntime, OnlyLinux6MergesCaches) {
  // slab_common.c merges for SLAB too in 6.x; 2.6.32 SLAB never does.
  Booted now(Flavour::linux_6, "slab");
  KmemCache* a = now.oa->kmem_cache_create(now.cpu(), "one", 120, 0, 0, false);
  KmemCache* b = now.oa->kmem_cache_create(now.cpu(), "two", 120, 0, 0, false);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a->aliases, std::vector<std::string>{"two"});
  now.oa->kmem_cache_destroy(now.cpu(), b);  // the alias goes, the cache stays
  EXPECT_NE(now.oa->find_cache("one"), nullptr);
  now.oa->kmem_cache_destroy(now.cpu(), a);
  EXPECT_EQ(now.oa->find_cache("one"), nullptr);
  Booted old(Flavour::linux_2_6, "slab");
  EXPECT_NE(old.oa->kmem_cache_create(old.cpu(), "one", 120, 0, 0, false),
            old.oa->kmem_cache_create(old.cpu(), "two", 120, 0, 0, false));
}

}  // namespace
}  // namespace allocsim::model
