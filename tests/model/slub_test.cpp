// SLUB at run time: geometry as the reports show it, merging, the per-CPU
// fast paths, partial lists, and /proc/slabinfo and sysfs text.
#include <gtest/gtest.h>

#include "model/slub.hpp"
#include "object_alloc_fixture.hpp"

namespace allocsim::model {
namespace {

using testing::Booted;

std::string sysfs_value(const Slub& s, const KmemCache& c, const std::string& key) {
  for (const auto& [k, v] : s.sysfs(c))
    if (k == key) return v;
  return "?";
}

TEST(SlubRuntime, MergesCompatibleCachesUnlessTurnedOff) {
  for (Flavour f : {Flavour::linux_2_6, Flavour::linux_6}) {
    Booted b(f, "slub");
    KmemCache* a = b.oa->kmem_cache_create(b.cpu(), "foo", 100, 0, 0, false);
    KmemCache* c = b.oa->kmem_cache_create(b.cpu(), "bar", 100, 0, 0, false);
    KmemCache* d = b.oa->kmem_cache_create(b.cpu(), "ctor", 100, 0, 0, true);  // never merged
    KmemCache* e = b.oa->kmem_cache_create(b.cpu(), "rcl", 100, 0, SLAB_RECLAIM_ACCOUNT, false);
    EXPECT_EQ(a, c) << to_string(f);
    EXPECT_EQ(a->refcount, 2);
    EXPECT_NE(a, d);
    EXPECT_NE(a, e);
    // Aliases are not listed in /proc/slabinfo.
    EXPECT_EQ(b.oa->slabinfo().find("\nbar "), std::string::npos);
    ObjectAllocatorConfig oc;
    oc.merge = false;
    Booted n(f, "slub", testing::small_machine(1, 64), oc);
    EXPECT_NE(n.oa->kmem_cache_create(n.cpu(), "foo", 100, 0, 0, false),
              n.oa->kmem_cache_create(n.cpu(), "bar", 100, 0, 0, false));
  }
}

TEST(SlubRuntime, FastPathsStayOnTheCpuSlab) {
  Booted b(Flavour::linux_6, "slub");
  const Slub& slub = static_cast<const Slub&>(*b.oa);
  KmemCache* c = b.oa->kmem_cache_create(b.cpu(), "fp", 64, 0, 0, false);
  const Gfp k = b.gfp("GFP_KERNEL");
  std::vector<sim::VirtAddr> p;
  for (int i = 0; i < 64; ++i) p.push_back(b.oa->kmem_cache_alloc(b.cpu(), *c, k));
  // 64-byte objects: 64 per order-0 slab; objects in address order.
  for (int i = 1; i < 64; ++i) EXPECT_EQ(p[i], p[0] + 64u * i);
  EXPECT_EQ(c->stats.refills, 1u);  // only the first allocation made a slab
  EXPECT_EQ(c->stats.alloc_fastpath, 63u);
  // LIFO: a freed object is the next one handed out.
  b.oa->kmem_cache_free(b.cpu(), *c, p[10]);
  EXPECT_EQ(b.oa->kmem_cache_alloc(b.cpu(), *c, k), p[10]);
  EXPECT_EQ(sysfs_value(slub, *c, "objs_per_slab"), "64");
  EXPECT_EQ(sysfs_value(slub, *c, "slabs"), "1");
  EXPECT_EQ(sysfs_value(slub, *c, "order"), "0");
  EXPECT_EQ(sysfs_value(slub, *c, "min_partial"), "5");
  EXPECT_EQ(sysfs_value(slub, *c, "cpu_partial"), "120");
  b.oa->check_invariants();
}

TEST(SlubRuntime, FreesFromAnotherCpuGoToTheSlabAndPartialLists) {
  for (Flavour f : {Flavour::linux_2_6, Flavour::linux_6}) {
    Booted b(f, "slub");
    KmemCache* c = b.oa->kmem_cache_create(b.cpu(0), "remote", 256, 0, 0, false);
    const Slub& slub = static_cast<const Slub&>(*b.oa);
    const std::uint32_t per_slab = slub.cache(*c).g.objects;
    const Gfp k = b.gfp("GFP_KERNEL");
    std::vector<sim::VirtAddr> p;
    for (std::uint32_t i = 0; i < 3 * per_slab; ++i)
      p.push_back(b.oa->kmem_cache_alloc(b.cpu(0), *c, k));
    // CPU 1 frees one object of each of the two full slabs.
    b.oa->kmem_cache_free(b.cpu(1), *c, p[0]);
    b.oa->kmem_cache_free(b.cpu(1), *c, p[per_slab]);
    b.oa->check_invariants();
    const std::string partial = sysfs_value(slub, *c, "partial");
    if (f == Flavour::linux_2_6)
      EXPECT_EQ(partial, "2");  // 2.6.32: a full slab with a free object joins the node list
    else
      EXPECT_EQ(partial, "0");  // 6.8: it goes to the freeing CPU's partial list
    EXPECT_EQ(c->stats.free_fastpath, 0u);
    // Emptying a slab entirely: 2.6.32 frees it at once.
    for (std::uint32_t i = 1; i < per_slab; ++i) b.oa->kmem_cache_free(b.cpu(1), *c, p[i]);
    b.oa->check_invariants();
    if (f == Flavour::linux_2_6) {
      EXPECT_EQ(c->stats.slabs_freed, 1u);
    }
  }
}

TEST(SlubRuntime, SlabinfoRowsFollowGetSlabinfo) {
  Booted b(Flavour::linux_6, "slub");
  KmemCache* c =
      b.oa->kmem_cache_create(b.cpu(), "ip6_dst_cache", 320, 0, SLAB_HWCACHE_ALIGN, false);
  for (int i = 0; i < 24; ++i) b.oa->kmem_cache_alloc(b.cpu(), *c, b.gfp("GFP_KERNEL"));
  const std::string info = b.oa->slabinfo();
  EXPECT_EQ(info.rfind("slabinfo - version: 2.1\n", 0), 0u);
  // The newest cache is listed first; the real line from the reference (§8.4),
  // on a machine with 2 CPUs: 12 objects of 320 bytes per order-0 slab.
  const std::string row =
      "ip6_dst_cache         24     24    320   12    1 : tunables    0    0    0 : slabdata      "
      "2      2      0\n";
  EXPECT_NE(info.find("<sharedavail>\n" + row), std::string::npos) << info.substr(0, 400);
  EXPECT_NE(info.find("\nkmalloc-8k "), std::string::npos);
}

}  // namespace
}  // namespace allocsim::model
