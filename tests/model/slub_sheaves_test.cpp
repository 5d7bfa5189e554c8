// linux-6.18 SLUB sheaves: the allocation and free order of alloc_from_pcs /
// free_to_pcs (main, spare, barn, refill, flush), the barn's limit of 10 full
// sheaves, and sheaf memory in kmalloc-512 / barns in kmalloc-64.
#include <gtest/gtest.h>

#include "model/slub.hpp"
#include "object_alloc_fixture.hpp"

namespace allocsim::model {
namespace {

using testing::Booted;

struct Rig {
  Booted b{Flavour::linux_6_18, "slub", testing::small_machine(1, 64)};
  Slub& slub() { return static_cast<Slub&>(*b.oa); }
  SlubCache* vma = nullptr;
  Rig() { vma = static_cast<SlubCache*>(testing::create_vma_like(b, "vm_area_struct")); }
  const SlubSheaf& main() const { return vma->sheaf_pool[vma->pcs[0].main]; }
};

TEST(SlubSheaves, CreationGivesEveryCpuAnEmptyMainAndEveryNodeABarn) {
  Rig r;
  ASSERT_NE(r.vma, nullptr);
  EXPECT_EQ(r.vma->g.sheaf_capacity, 32u);
  EXPECT_EQ(r.vma->size, 192u);
  EXPECT_EQ(r.vma->g.objects, 21u);
  EXPECT_FALSE(r.vma->merge_target);  // slab_unmergeable: caches with sheaves
  ASSERT_EQ(r.vma->pcs.size(), 2u);
  EXPECT_EQ(r.vma->sheaf_stats.sheaf_alloc, 2u);
  EXPECT_EQ(r.main().size, 0u);
  EXPECT_EQ(r.vma->pcs[0].spare, kNoSheaf);
  ASSERT_EQ(r.vma->barn.size(), 1u);
  // A 288-byte sheaf is a kmalloc-512 object, the 48-byte barn a kmalloc-64 one.
  EXPECT_EQ(r.b.oa->ksize(r.main().va), 512u);
  EXPECT_EQ(r.b.oa->ksize(r.vma->barn[0].va), 64u);
  const auto sysfs = r.slub().sysfs(*r.vma);
  EXPECT_EQ(sysfs[4].first, "sheaf_capacity");  // right after order
  EXPECT_EQ(sysfs[4].second, "32");
}

TEST(SlubSheaves, AllocationOrderMainSpareBarnRefill) {
  Rig r;
  sim::Cpu& cpu = r.b.cpu();
  const Gfp k = r.b.gfp("GFP_KERNEL");
  std::vector<sim::VirtAddr> objs;
  // First allocation: no full sheaf anywhere -> a new sheaf refilled with 32
  // objects from the slabs, the empty main into the barn.
  objs.push_back(r.b.oa->kmem_cache_alloc(cpu, *r.vma, k));
  EXPECT_EQ(r.vma->sheaf_stats.barn_get_fail, 1u);
  EXPECT_EQ(r.vma->sheaf_stats.sheaf_refill, 32u);
  EXPECT_EQ(r.vma->sheaf_stats.sheaf_alloc, 3u);
  EXPECT_EQ(r.vma->barn[0].empty.size(), 1u);
  EXPECT_EQ(r.main().size, 31u);
  // LIFO: the next object is the one below in the sheaf.
  const sim::VirtAddr expected_next = r.main().objects[30];
  objs.push_back(r.b.oa->kmem_cache_alloc(cpu, *r.vma, k));
  EXPECT_EQ(objs.back(), expected_next);
  for (int i = 0; i < 30; ++i) objs.push_back(r.b.oa->kmem_cache_alloc(cpu, *r.vma, k));
  EXPECT_EQ(r.main().size, 0u);
  EXPECT_EQ(r.vma->sheaf_stats.alloc_cpu_sheaf, 32u);
  // The 33rd: the barn's empty sheaf is refilled; no new sheaf.
  objs.push_back(r.b.oa->kmem_cache_alloc(cpu, *r.vma, k));
  EXPECT_EQ(r.vma->sheaf_stats.sheaf_alloc, 3u);
  EXPECT_EQ(r.vma->sheaf_stats.sheaf_refill, 64u);
  EXPECT_EQ(r.vma->barn[0].empty.size(), 1u);
  // Without __GFP_DIRECT_RECLAIM an empty main is not refilled: the slab path serves.
  while (r.main().size) objs.push_back(r.b.oa->kmem_cache_alloc(cpu, *r.vma, k));
  const std::uint64_t fast = r.vma->stats.alloc_fastpath + r.vma->stats.refills;
  objs.push_back(r.b.oa->kmem_cache_alloc(cpu, *r.vma, r.b.gfp("GFP_ATOMIC")));
  EXPECT_TRUE(objs.back());
  EXPECT_EQ(r.vma->sheaf_stats.alloc_cpu_sheaf, 64u);
  EXPECT_EQ(r.vma->stats.alloc_fastpath + r.vma->stats.refills, fast + 1);
  for (sim::VirtAddr o : objs) EXPECT_TRUE(r.b.oa->kmem_cache_free(cpu, *r.vma, o));
  r.b.oa->check_invariants();
}

// 385 frees after 13 refills (main holds 31): main fills, becomes the spare;
// each further full main goes to the barn (no empty there: -ENOMEM, a new
// sheaf) until the barn holds 10 full sheaves; then the full spare is flushed
// to the slabs and reused (-E2BIG).
TEST(SlubSheaves, FreeOrderAndTheBarnLimit) {
  Rig r;
  sim::Cpu& cpu = r.b.cpu();
  const Gfp k = r.b.gfp("GFP_KERNEL");
  std::vector<sim::VirtAddr> objs;
  for (int i = 0; i < 385; ++i) objs.push_back(r.b.oa->kmem_cache_alloc(cpu, *r.vma, k));
  EXPECT_EQ(r.main().size, 31u);
  for (sim::VirtAddr o : objs) ASSERT_TRUE(r.b.oa->kmem_cache_free(cpu, *r.vma, o));
  const SlubBarn& barn = r.vma->barn[0];
  EXPECT_EQ(barn.full.size(), kMaxFullSheaves);
  EXPECT_EQ(barn.empty.size(), 0u);
  EXPECT_EQ(r.main().size, 32u);
  ASSERT_NE(r.vma->pcs[0].spare, kNoSheaf);
  EXPECT_EQ(r.vma->sheaf_pool[r.vma->pcs[0].spare].size, 32u);
  EXPECT_EQ(r.vma->sheaf_stats.barn_put, 10u);
  EXPECT_EQ(r.vma->sheaf_stats.barn_put_fail, 11u);
  EXPECT_EQ(r.vma->sheaf_stats.sheaf_flush, 32u);
  EXPECT_EQ(r.vma->sheaf_stats.free_cpu_sheaf, 385u);
  EXPECT_EQ(r.slub().sheaf_objects(*r.vma), 384u);
  EXPECT_EQ(r.vma->in_use, 0u);
  r.b.oa->check_invariants();
  // kmem_cache_shrink: every sheaf back to the slabs, spare and barn sheaves freed.
  EXPECT_EQ(r.b.oa->kmem_cache_shrink(cpu, *r.vma), 0);
  EXPECT_EQ(r.slub().sheaf_objects(*r.vma), 0u);
  EXPECT_EQ(r.vma->pcs[0].spare, kNoSheaf);
  EXPECT_TRUE(r.vma->barn[0].full.empty());
  r.b.oa->check_invariants();
  r.b.oa->kmem_cache_destroy(cpu, r.vma);
  r.b.oa->check_invariants();
}

// A double free of an object sitting in a sheaf is still caught.
TEST(SlubSheaves, DoubleFreeIntoASheafIsReported) {
  Rig r;
  sim::Cpu& cpu = r.b.cpu();
  const sim::VirtAddr o = r.b.oa->kmem_cache_alloc(cpu, *r.vma, r.b.gfp("GFP_KERNEL"));
  EXPECT_TRUE(r.b.oa->kmem_cache_free(cpu, *r.vma, o));
  EXPECT_FALSE(r.b.oa->kmem_cache_free(cpu, *r.vma, o));
  r.b.oa->check_invariants();
}

// linux-6 has no kmem_cache_args: the same request gives 6.8's layout, no sheaves.
TEST(SlubSheaves, OlderFlavoursIgnoreTheArgs) {
  Booted b{Flavour::linux_6, "slub", testing::small_machine(1, 64)};
  auto* c = static_cast<SlubCache*>(testing::create_vma_like(b, "vm_area_struct"));
  EXPECT_EQ(c->size, 256u);
  EXPECT_EQ(c->g.sheaf_capacity, 0u);
  EXPECT_TRUE(c->pcs.empty());
}

// kernel.slub_sheaves: all gives every cache but the bootstrap ones sheaves.
TEST(SlubSheaves, AllModeGivesKmallocCachesSheaves) {
  sim::Machine m(testing::small_machine(1, 64), 1);
  KernelConfig k = testing::kernel(Flavour::linux_6_18);
  k.slab.sheaves = SlubSheaves::all;
  PageAllocator pa(m, k);
  Highmem hm(pa);
  DiagnosticLog diag;
  ObjectAllocatorConfig oc = k.slab;
  auto oa = ObjectAllocator::create(pa, hm, oc, diag);
  const auto& slub = static_cast<const Slub&>(*oa);
  for (const KmemCache* c : oa->slab_caches()) {
    const SlubCache& s = slub.cache(*c);
    SCOPED_TRACE(s.name);
    const bool boot = s.name == "kmem_cache" || s.name == "kmem_cache_node";
    EXPECT_EQ(s.g.sheaf_capacity == 0, boot);
    EXPECT_EQ(s.pcs.empty(), boot);
  }
  sim::Cpu& cpu = m.cpu(0);
  const sim::VirtAddr p = oa->kmalloc(cpu, 100, parse_gfp(pa.flavour(), "GFP_KERNEL"));
  EXPECT_TRUE(p);
  EXPECT_TRUE(oa->kfree(cpu, p));
  oa->check_invariants();
}

}  // namespace
}  // namespace allocsim::model
