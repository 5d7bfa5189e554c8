// The magazine design: magazine sizes from illumos' kmem_magtype table, the
// paper's alloc/free algorithm with exact depot traffic for scripted
// sequences on one CPU and across two, the purge on shrink, and slabinfo.
#include <gtest/gtest.h>

#include "model/magazine.hpp"
#include "object_alloc_fixture.hpp"

namespace allocsim::model {
namespace {

using testing::Booted;

TEST(MagazineType, RoundsFollowTheChunkSizeAsKmemCacheCreatePicksThem) {
  // The first type whose mt_minbuf is below the chunk size: > 3200 bytes 1
  // round, > 256 3, > 64 7, else 15 (the larger types are reached only by resizing).
  EXPECT_EQ(magazine_type_for(8).rounds, 15u);
  EXPECT_EQ(magazine_type_for(64).rounds, 15u);
  EXPECT_EQ(magazine_type_for(65).rounds, 7u);
  EXPECT_EQ(magazine_type_for(256).rounds, 7u);
  EXPECT_EQ(magazine_type_for(257).rounds, 3u);
  EXPECT_EQ(magazine_type_for(3200).rounds, 3u);
  EXPECT_EQ(magazine_type_for(3201).rounds, 1u);
  EXPECT_EQ(magazine_type_for(1u << 20).rounds, 1u);
  EXPECT_EQ(kMaxMagazineRounds, 143u);
  EXPECT_EQ(magazine_align(1), 8u);
  EXPECT_EQ(magazine_align(2), 16u);
  EXPECT_EQ(magazine_align(7), 32u);
  EXPECT_EQ(magazine_align(16), 64u);
}

TEST(Magazine, EachCacheGetsItsMagazineSizeAndMagazineCachesHaveNone) {
  Booted b(Flavour::linux_6, "magazine");
  const auto& mag = static_cast<const Magazine&>(*b.oa);
  // 6.x kmalloc names; SLAB's strides (kmalloc-96 is 128 bytes with HWCACHE_ALIGN).
  EXPECT_EQ(mag.magazines(*b.oa->find_cache("kmalloc-32")).rounds, 15u);
  EXPECT_EQ(mag.magazines(*b.oa->find_cache("kmalloc-128")).rounds, 7u);
  EXPECT_EQ(mag.magazines(*b.oa->find_cache("kmalloc-512")).rounds, 3u);
  EXPECT_EQ(mag.magazines(*b.oa->find_cache("kmalloc-4k")).rounds, 1u);
  // kmem_cache_init makes a magazine cache per type: mag_next plus M rounds.
  for (const MagazineType& t : kMagazineTypes) {
    const KmemCache* mc = b.oa->find_cache("kmem_magazine_" + std::to_string(t.rounds));
    ASSERT_NE(mc, nullptr) << t.rounds;
    EXPECT_EQ(mc->object_size, (t.rounds + 1) * 8);
    EXPECT_EQ(mag.magazines(*mc).rounds, 0u);
  }
  // A fixed M: every cache uses it, and only its magazine cache exists.
  ObjectAllocatorConfig oc;
  oc.magazine_rounds = 3;
  Booted f(Flavour::linux_2_6, "magazine", testing::small_machine(1, 64), oc);
  const auto& fixed = static_cast<const Magazine&>(*f.oa);
  EXPECT_EQ(fixed.magazines(*f.oa->find_cache("size-32")).rounds, 3u);
  EXPECT_EQ(fixed.magazines(*f.oa->find_cache("size-4096")).rounds, 3u);
  EXPECT_NE(f.oa->find_cache("kmem_magazine_3"), nullptr);
  EXPECT_EQ(f.oa->find_cache("kmem_magazine_15"), nullptr);
  f.oa->check_invariants();
}

struct Scripted : Booted {
  static ObjectAllocatorConfig rounds(unsigned m) {
    ObjectAllocatorConfig oc;
    oc.magazine_rounds = m;
    return oc;
  }
  explicit Scripted(unsigned cpus_nodes = 1)
      : Booted(Flavour::linux_6, "magazine", testing::small_machine(cpus_nodes, 64), rounds(3)),
        mag(static_cast<const Magazine&>(*oa)),
        c(oa->kmem_cache_create(cpu(), "scripted", 100, 0, 0, false)) {}
  const MagazineCache& m() const { return mag.magazines(*c); }
  const Magazine& mag;
  KmemCache* c;
};

TEST(Magazine, OneCpuFreesFillMagazinesAndAllocsEmptyThemLifo) {
  Scripted s;
  const Gfp k = s.gfp("GFP_KERNEL");
  std::vector<sim::VirtAddr> objs;
  for (int i = 0; i < 7; ++i) objs.push_back(s.oa->kmem_cache_alloc(s.cpu(), *s.c, k));
  EXPECT_EQ(s.m().slab_allocs, 7u);  // no magazine loaded yet: all from the slab layer
  for (sim::VirtAddr p : objs) ASSERT_TRUE(s.oa->kmem_cache_free(s.cpu(), *s.c, p));
  // Frees 1, 4 and 7 find no room and no empty magazine in the depot: each
  // allocates one, puts it in the depot and takes it back. Free 7 also hands
  // the full previous magazine to the depot.
  EXPECT_EQ(s.m().loaded_frees, 7u);
  EXPECT_EQ(s.m().magazines_allocated, 3u);
  EXPECT_EQ(s.m().empty_taken, 3u);
  EXPECT_EQ(s.m().nfull, 1u);
  EXPECT_EQ(s.m().slab_frees, 0u);
  s.oa->check_invariants();
  // Eight allocations: 1 from the loaded magazine, a swap with the full
  // previous one (3), a full one from the depot (3), then the slab layer.
  std::vector<sim::VirtAddr> again;
  for (int i = 0; i < 8; ++i) again.push_back(s.oa->kmem_cache_alloc(s.cpu(), *s.c, k));
  EXPECT_EQ(s.m().loaded_allocs, 7u);
  EXPECT_EQ(s.m().swaps, 1u);
  EXPECT_EQ(s.m().full_taken, 1u);
  EXPECT_EQ(s.m().nfull, 0u);
  EXPECT_EQ(s.m().nempty, 1u);  // the emptied magazine went back
  EXPECT_EQ(s.m().slab_allocs, 8u);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(again[static_cast<unsigned>(i)], objs[6 - i]) << i;
  EXPECT_EQ(s.c->stats.alloc_fastpath, 7u);
  EXPECT_EQ(s.c->stats.refills, 8u);
  s.oa->check_invariants();
}

TEST(Magazine, CrossCpuFreesReachTheAllocatorThroughTheDepot) {
  Scripted s(/*cpus_nodes=*/1);
  ASSERT_GE(s.machine.cpus(), 2u);
  const Gfp k = s.gfp("GFP_KERNEL");
  std::vector<sim::VirtAddr> objs;
  for (int i = 0; i < 9; ++i) objs.push_back(s.oa->kmem_cache_alloc(s.cpu(0), *s.c, k));
  for (sim::VirtAddr p : objs) ASSERT_TRUE(s.oa->kmem_cache_free(s.cpu(1), *s.c, p));
  // CPU 1 keeps two magazines (loaded and previous); the third full one is in the depot.
  EXPECT_EQ(s.m().nfull, 1u);
  EXPECT_EQ(s.m().magazines_allocated, 3u);
  std::vector<sim::VirtAddr> again;
  for (int i = 0; i < 9; ++i) again.push_back(s.oa->kmem_cache_alloc(s.cpu(0), *s.c, k));
  // CPU 0 gets the depot's magazine (objects 3, 2, 1), then falls to the slabs.
  EXPECT_EQ(s.m().full_taken, 1u);
  EXPECT_EQ(s.m().loaded_allocs, 3u);
  EXPECT_EQ(s.m().slab_allocs, 9u + 6u);
  EXPECT_EQ(again[0], objs[2]);
  EXPECT_EQ(again[1], objs[1]);
  EXPECT_EQ(again[2], objs[0]);
  s.oa->check_invariants();
  // Shrinking purges every magazine: the rounds go back to their slabs and
  // the magazines to kmem_magazine_3.
  for (sim::VirtAddr p : again) ASSERT_TRUE(s.oa->kmem_cache_free(s.cpu(0), *s.c, p));
  EXPECT_EQ(s.oa->kmem_cache_shrink(s.cpu(0), *s.c), 0);
  EXPECT_EQ(s.m().nfull + s.m().nempty, 0u);
  EXPECT_EQ(s.oa->find_cache("kmem_magazine_3")->in_use, 0u);
  s.oa->check_invariants();
  s.oa->kmem_cache_destroy(s.cpu(0), s.c);
  EXPECT_EQ(s.diag.errors(), 0u);
}

TEST(Magazine, ADoubleFreeOfAnObjectInAMagazineIsReported) {
  Scripted s;
  const Gfp k = s.gfp("GFP_KERNEL");
  const sim::VirtAddr p = s.oa->kmem_cache_alloc(s.cpu(), *s.c, k);
  ASSERT_TRUE(s.oa->kmem_cache_free(s.cpu(), *s.c, p));
  EXPECT_EQ(s.m().loaded_frees, 1u);
  EXPECT_FALSE(s.oa->kmem_cache_free(s.cpu(), *s.c, p));
  EXPECT_EQ(s.diag.count(DiagKind::double_free), 1u);
  EXPECT_EQ(s.m().loaded_frees, 1u);  // nothing changed
  s.oa->check_invariants();
}

TEST(Magazine, SlabinfoTunablesShowTheMagazineSize) {
  Scripted s;
  const Gfp k = s.gfp("GFP_KERNEL");
  std::vector<sim::VirtAddr> objs;
  for (int i = 0; i < 7; ++i) objs.push_back(s.oa->kmem_cache_alloc(s.cpu(), *s.c, k));
  for (sim::VirtAddr p : objs) s.oa->kmem_cache_free(s.cpu(), *s.c, p);
  for (const SlabinfoRow& r : s.oa->slabinfo_rows()) {
    if (r.name == "scripted") {
      EXPECT_EQ(r.limit, 3u);
      EXPECT_EQ(r.batchcount, 3u);
      EXPECT_EQ(r.shared, 0u);
      EXPECT_EQ(r.shared_avail, 3u);  // one full magazine in the depot
      EXPECT_EQ(r.active_objs, 7u);   // objects in magazines count as active, as in SLAB
    } else if (r.name == "kmem_magazine_3") {
      EXPECT_EQ(r.limit, 0u);
      EXPECT_EQ(r.active_objs, 3u);
    }
  }
  EXPECT_NE(s.oa->slabinfo().find("\nscripted "), std::string::npos);
}

}  // namespace
}  // namespace allocsim::model
