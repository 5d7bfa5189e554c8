// SLOB (mm/slob.c): bytes_alloc and ksize, the heap/page
// threshold, exact pointers for first fit, the list-head rotation, merging,
// alignment fragments, the RCU footer, bad frees and a randomized stress.
#include "model/slob.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <map>

#include "object_alloc_fixture.hpp"
#include "sim/rng.hpp"

namespace allocsim::model {
namespace {

using testing::Booted;

sim::MachineConfig slob_machine(sim::Arch arch, unsigned nodes = 1) {
  sim::MachineConfig c = testing::small_machine(nodes, 64);
  c.arch = arch;
  return c;
}

struct SlobBooted : Booted {
  SlobBooted(Flavour f, sim::Arch arch = sim::Arch::x86_64, unsigned nodes = 1)
      : Booted(f, "slob", slob_machine(arch, nodes)),
        slob(dynamic_cast<Slob&>(*oa)),
        k(gfp("GFP_KERNEL")) {}
  Slob& slob;
  Gfp k;
  sim::VirtAddr base(sim::VirtAddr p) const { return sim::VirtAddr(p.value() & ~(kPageSize - 1)); }
  Pfn pfn(sim::VirtAddr p) const { return pa.phys_to_pfn(hm.pa(p)); }
  std::vector<std::pair<std::int32_t, std::int32_t>> blocks(sim::VirtAddr p) const {
    return slob.heap().free_blocks(pfn(p));
  }
};

using Blocks = std::vector<std::pair<std::int32_t, std::int32_t>>;

struct Row {
  std::uint64_t req, bytes_alloc8, ksize8, bytes_alloc4;
};
// §4b.7.
const Row kRows[] = {{2, 10, 2, 6},
                     {8, 16, 8, 12},
                     {100, 108, 100, 104},
                     {250, 258, 250, 254},
                     {1000, 1008, 1000, 1004},
                     {4000, 4008, 4000, 4004},
                     {4090, 4096, 4090, 4094},
                     {5000, 8192, 5000, 8192},
                     {5, 13, 6, 9},
                     {22, 30, 22, 26}};

class SlobArch : public ::testing::TestWithParam<std::tuple<Flavour, sim::Arch>> {
 protected:
  Flavour flavour() const { return std::get<0>(GetParam()); }
  sim::Arch arch() const { return std::get<1>(GetParam()); }
  // The 4-byte header exists only on 2.6.32 i386 (§4b.6).
  bool align4() const { return flavour() == Flavour::linux_2_6 && arch() == sim::Arch::i386; }
};

TEST_P(SlobArch, BytesAllocAndKsizeFollowTheTable) {
  SlobBooted b(flavour(), arch());
  EXPECT_EQ(b.slob.header(), align4() ? 4u : 8u);
  for (const Row& r : kRows) {
    const std::uint64_t want = align4() ? r.bytes_alloc4 : r.bytes_alloc8;
    EXPECT_EQ(b.slob.kmalloc_bytes_alloc(r.req), want) << r.req;
    EXPECT_EQ(b.oa->kmalloc_sizes().bytes_alloc(r.req), want) << r.req;
    const sim::VirtAddr p = b.oa->kmalloc(b.cpu(), r.req, b.k);
    ASSERT_TRUE(p);
    const bool pages = r.req >= kPageSize - b.slob.header();
    std::uint64_t ks = r.ksize8;
    // 6.x: the page path reports the folio size (§4b.8).
    if (pages && flavour() == Flavour::linux_6) ks = kPageSize << (r.req > kPageSize ? 1 : 0);
    EXPECT_EQ(b.oa->ksize(p), ks) << r.req;
    EXPECT_EQ(p.value() % (pages ? kPageSize : b.slob.header()), 0u);
    EXPECT_TRUE(b.oa->kfree(b.cpu(), p));
  }
  EXPECT_EQ(b.slob.kmalloc_bytes_alloc(0), 0u);
  EXPECT_EQ(b.oa->ksize(ObjectAllocator::kZeroSizePtr), 0u);
  EXPECT_EQ(b.oa->pages_held(), b.slob.heap().nr_pages() + 1);  // + slob_lock's page
  EXPECT_EQ(b.slob.heap().nr_pages(), 0u);
  EXPECT_EQ(b.diag.errors(), 0u);
}

TEST_P(SlobArch, ListsAreChosenBySizePlusHeader) {
  SlobBooted b(flavour(), arch());
  const sim::VirtAddr p = b.oa->kmalloc(b.cpu(), 250, b.k);
  // 258 >= 256: medium; 254 (2.6.32 i386): small.
  EXPECT_EQ(b.slob.heap().list_pfns(align4() ? SlobHeap::small : SlobHeap::medium).size(), 1u);
  const sim::VirtAddr q = b.oa->kmalloc(b.cpu(), 1020, b.k);  // 1028 / 1024: large
  EXPECT_EQ(b.slob.heap().list_pfns(SlobHeap::large).size(), 1u);
  b.oa->kfree(b.cpu(), p);
  b.oa->kfree(b.cpu(), q);
  b.oa->check_invariants();
}

TEST_P(SlobArch, HeapAndPageThreshold) {
  SlobBooted b(flavour(), arch());
  const std::uint64_t a = b.slob.header();
  const std::uint64_t heap = kPageSize - a - 1;  // 4087 / 4091
  const sim::VirtAddr p = b.oa->kmalloc(b.cpu(), heap, b.k);
  EXPECT_EQ(b.oa->large_kmalloc_pages(), 0u);
  EXPECT_EQ(b.slob.heap().nr_pages(), 1u);
  EXPECT_EQ(p.value() % kPageSize, a);  // after the header at the page start
  EXPECT_EQ(b.slob.heap().list_pfns(SlobHeap::large).size(), 0u);  // the page is full
  const sim::VirtAddr q = b.oa->kmalloc(b.cpu(), heap + 1, b.k);   // 4088 / 4092
  EXPECT_EQ(b.oa->large_kmalloc_pages(), 1u);
  EXPECT_EQ(q.value() % kPageSize, 0u);
  EXPECT_TRUE(b.oa->kfree(b.cpu(), p));
  EXPECT_TRUE(b.oa->kfree(b.cpu(), q));
  EXPECT_EQ(b.oa->large_kmalloc_pages(), 0u);
  EXPECT_EQ(b.slob.heap().nr_pages(), 0u);
  b.oa->check_invariants();
}

TEST_P(SlobArch, RcuFooterAndCacheSizes) {
  SlobBooted b(flavour(), arch());
  const std::uint32_t footer = arch() == sim::Arch::x86_64 ? 24 : 12;  // sizeof(struct slob_rcu)
  EXPECT_EQ(b.slob.rcu_footer(), footer);
  KmemCache* r = b.oa->kmem_cache_create(b.cpu(), "rcu", 101, 0, SLAB_TYPESAFE_BY_RCU, false);
  KmemCache* n = b.oa->kmem_cache_create(b.cpu(), "plain", 101, 0, 0, false);
  ASSERT_TRUE(r && n);
  // 2.6.32: c->size = size + footer; 6.1+: rounded to units.
  const std::uint32_t linux6 = flavour() == Flavour::linux_6;
  EXPECT_EQ(r->size, 101 + footer + linux6);
  EXPECT_EQ(n->size, 101 + linux6);
  EXPECT_EQ(b.slob.cache_bytes_alloc(*r), 102u + footer);
  EXPECT_EQ(b.slob.cache_bytes_alloc(*n), 102u);
  EXPECT_EQ(r->align, align4() ? 4u : 8u);
  const sim::VirtAddr x = b.oa->kmem_cache_alloc(b.cpu(), *r, b.k);
  const std::int32_t before = b.slob.heap().page_free_units(b.pfn(x));
  const sim::VirtAddr y = b.oa->kmem_cache_alloc(b.cpu(), *r, b.k);
  ASSERT_EQ(b.base(x), b.base(y));
  EXPECT_EQ(before - b.slob.heap().page_free_units(b.pfn(x)), (102 + footer) / 2);
  EXPECT_EQ(r->stats.bytes_alloc, 2u * (102 + footer));
  EXPECT_EQ(r->stats.bytes_req, 2u * (linux6 ? 101 : 101 + footer));
  EXPECT_TRUE(b.oa->kmem_cache_free(b.cpu(), *r, x));
  EXPECT_TRUE(b.oa->kmem_cache_free(b.cpu(), *r, y));
  // Objects of PAGE_SIZE and up come straight from the page allocator.
  KmemCache* big = b.oa->kmem_cache_create(b.cpu(), "big", 5000, 0, 0, false);
  const std::uint64_t held = b.oa->pages_held();
  const sim::VirtAddr z = b.oa->kmem_cache_alloc(b.cpu(), *big, b.k);
  EXPECT_EQ(z.value() % kPageSize, 0u);
  EXPECT_EQ(b.oa->pages_held(), held + 2);
  EXPECT_FALSE(b.oa->kmem_cache_free(b.cpu(), *big, z + kPageSize));  // interior
  EXPECT_TRUE(b.oa->kmem_cache_free(b.cpu(), *big, z));
  EXPECT_EQ(b.oa->pages_held(), held);
  b.oa->check_invariants();
  b.oa->kmem_cache_destroy(b.cpu(), r);
  b.oa->kmem_cache_destroy(b.cpu(), n);
  b.oa->kmem_cache_destroy(b.cpu(), big);
  // r's objects waited for a grace period (kmem_rcu_free).
  EXPECT_EQ(b.slob.heap().nr_pages(), 1u);
  b.cpu().spend(2 * b.oa->rcu().grace_period());
  b.cpu().run_due_work();
  EXPECT_EQ(b.slob.heap().nr_pages(), 0u);  // the descriptors' page went back too
  EXPECT_EQ(b.diag.errors(), 1u);           // the interior free
  b.oa->check_invariants();
}

std::string arch_name(const ::testing::TestParamInfo<std::tuple<Flavour, sim::Arch>>& info) {
  return std::string(std::get<0>(info.param) == Flavour::linux_6 ? "linux6" : "linux26") +
         (std::get<1>(info.param) == sim::Arch::i386 ? "_i386" : "_x86_64");
}

INSTANTIATE_TEST_SUITE_P(All, SlobArch,
                         ::testing::Combine(::testing::Values(Flavour::linux_2_6, Flavour::linux_6),
                                            ::testing::Values(sim::Arch::x86_64, sim::Arch::i386)),
                         arch_name);

class Slob2 : public ::testing::TestWithParam<Flavour> {};

TEST_P(Slob2, FirstFitInsideAPageAndMergingOnFree) {
  SlobBooted b(GetParam());
  sim::Cpu& cpu = b.cpu();
  std::vector<sim::VirtAddr> p;
  for (int i = 0; i < 4; ++i) p.push_back(b.oa->kmalloc(cpu, 200, b.k));  // 208 B = 104 units
  const sim::VirtAddr page = b.base(p[0]);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(p[i], page + 208 * i + 8);
  EXPECT_EQ(b.blocks(page), (Blocks{{416, 1632}}));
  EXPECT_TRUE(b.oa->kfree(cpu, p[1]));
  EXPECT_EQ(b.blocks(page), (Blocks{{104, 104}, {416, 1632}}));
  // First fit: the hole at unit 104 takes a smaller request.
  const sim::VirtAddr s = b.oa->kmalloc(cpu, 30, b.k);  // 38 B = 19 units
  EXPECT_EQ(s, page + 208 + 8);
  EXPECT_EQ(b.blocks(page), (Blocks{{123, 85}, {416, 1632}}));
  EXPECT_TRUE(b.oa->kfree(cpu, s));
  EXPECT_EQ(b.blocks(page), (Blocks{{104, 104}, {416, 1632}}));
  // Freeing p[2] merges with the hole in front; p[3] then joins both sides.
  EXPECT_TRUE(b.oa->kfree(cpu, p[2]));
  EXPECT_EQ(b.blocks(page), (Blocks{{104, 208}, {416, 1632}}));
  EXPECT_TRUE(b.oa->kfree(cpu, p[3]));
  EXPECT_EQ(b.blocks(page), (Blocks{{104, 1944}}));
  // In front of the first free block: merged into the new list head.
  EXPECT_TRUE(b.oa->kfree(cpu, p[0]));
  EXPECT_EQ(b.slob.heap().nr_pages(), 0u);  // empty: back to the buddy allocator
  EXPECT_EQ(b.oa->pages_held(), 1u);        // only slob_lock's page
  b.oa->check_invariants();
}

TEST_P(Slob2, NextFitRotatesTheListHead) {
  SlobBooted b(GetParam());
  sim::Cpu& cpu = b.cpu();
  const bool linux6 = GetParam() == Flavour::linux_6;
  // Three small-list pages, each with 19 blocks of 104 units (72 units left).
  std::vector<sim::VirtAddr> pg;
  for (int page = 0; page < 3; ++page)
    for (int i = 0; i < 19; ++i) {
      const sim::VirtAddr p = b.oa->kmalloc(cpu, 200, b.k);
      if (i == 0) pg.push_back(b.base(p));
      EXPECT_EQ(p, pg.back() + 208 * i + 8);
    }
  auto small = [&] {
    std::vector<sim::VirtAddr> v;
    for (Pfn f : b.slob.heap().list_pfns(SlobHeap::small))
      v.push_back(b.hm.va(b.pa.pfn_to_phys(f)));
    return v;
  };
  // New pages go to the head.
  EXPECT_EQ(small(), (std::vector<sim::VirtAddr>{pg[2], pg[1], pg[0]}));
  // The first page keeps 53 units: a 72-unit request skips it and fills the second.
  const sim::VirtAddr c = b.oa->kmalloc(cpu, 30, b.k);  // 19 units on the head page
  EXPECT_EQ(c, pg[2] + 3952 + 8);
  const sim::VirtAddr full = b.oa->kmalloc(cpu, 136, b.k);  // 144 B = 72 units
  EXPECT_EQ(full, pg[1] + 3952 + 8);
  // 2.6.32/3.6: the page after the filled one becomes first; 5.2+: no move.
  if (linux6) {
    EXPECT_EQ(small(), (std::vector<sim::VirtAddr>{pg[2], pg[0]}));
  } else {
    EXPECT_EQ(small(), (std::vector<sim::VirtAddr>{pg[0], pg[2]}));
  }
  // A hit on a page that is not first and stays partial makes it first (both).
  const sim::VirtAddr d = b.oa->kmalloc(cpu, 100, b.k);  // 54 units: only pg[0] has 72
  EXPECT_EQ(d, pg[0] + 3952 + 8);
  EXPECT_EQ(small(), (std::vector<sim::VirtAddr>{pg[0], pg[2]}));
  b.oa->check_invariants();
}

TEST_P(Slob2, FreeInAFullPageChoosesTheList) {
  SlobBooted b(GetParam());
  sim::Cpu& cpu = b.cpu();
  const sim::VirtAddr x = b.oa->kmalloc(cpu, 2040, b.k);  // 2048 B: the large list
  const sim::VirtAddr y = b.oa->kmalloc(cpu, 2040, b.k);
  ASSERT_EQ(b.base(x), b.base(y));
  EXPECT_TRUE(b.slob.heap().list_pfns(SlobHeap::large).empty());  // full
  EXPECT_TRUE(b.oa->kfree(cpu, x));
  // 2.6.32 slob_free: always free_slob_small; 3.6+: by size.
  const bool linux6 = GetParam() == Flavour::linux_6;
  EXPECT_EQ(b.slob.heap().list_pfns(SlobHeap::small).size(), linux6 ? 0u : 1u);
  EXPECT_EQ(b.slob.heap().list_pfns(SlobHeap::large).size(), linux6 ? 1u : 0u);
  EXPECT_EQ(b.blocks(x), (Blocks{{0, 1024}}));
  b.oa->check_invariants();
  EXPECT_TRUE(b.oa->kfree(cpu, y));
  EXPECT_EQ(b.slob.heap().nr_pages(), 0u);
}

TEST_P(Slob2, HwcacheAlignLeavesFragments) {
  SlobBooted b(GetParam());
  sim::Cpu& cpu = b.cpu();
  const bool linux6 = GetParam() == Flavour::linux_6;
  KmemCache* c = b.oa->kmem_cache_create(cpu, "hw", 100, 0, SLAB_HWCACHE_ALIGN, false);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->align, 64u);
  EXPECT_EQ(b.oa->slab_caches().size(), 1u);
  EXPECT_EQ(b.oa->slabinfo(), "");
  EXPECT_EQ(b.oa->kmem_cache_shrink(cpu, *c), 0);
  const sim::VirtAddr x = b.oa->kmem_cache_alloc(cpu, *c, b.k);
  const sim::VirtAddr y = b.oa->kmem_cache_alloc(cpu, *c, b.k);
  const sim::VirtAddr page = b.base(x);
  // The descriptor (32 B in 2.6.32, a 64-B aligned 64 B in 6.x) is first.
  EXPECT_EQ(c->desc, b.hm.pa(page));
  EXPECT_EQ(x, page + 64);
  EXPECT_EQ(y, page + 192);  // 164 rounded up to 192: a 14-unit fragment in front
  EXPECT_EQ(b.blocks(x),
            linux6 ? (Blocks{{82, 14}, {146, 1902}}) : (Blocks{{16, 16}, {82, 14}, {146, 1902}}));
  // A small aligned request fits into a fragment; the fragment is not subtracted.
  KmemCache* t = b.oa->kmem_cache_create(cpu, "tiny", 8, 0, 0, false);
  if (!linux6) {
    EXPECT_EQ(t->desc, b.hm.pa(page) + 32);
  }
  EXPECT_TRUE(b.oa->kmem_cache_free(cpu, *c, x));
  EXPECT_TRUE(b.oa->kmem_cache_free(cpu, *c, y));
  b.oa->check_invariants();
  b.oa->kmem_cache_destroy(cpu, t);
  b.oa->kmem_cache_destroy(cpu, c);
  EXPECT_EQ(b.slob.heap().nr_pages(), 0u);
  EXPECT_TRUE(b.oa->slab_caches().empty());
}

TEST_P(Slob2, NaturalAlignmentOfPowerOfTwoKmalloc) {
  SlobBooted b(GetParam());
  sim::Cpu& cpu = b.cpu();
  const sim::VirtAddr a = b.oa->kmalloc(cpu, 100, b.k);  // 108 B at 0
  const sim::VirtAddr p = b.oa->kmalloc(cpu, 256, b.k);  // 264 B: medium list, new page
  const sim::VirtAddr q = b.oa->kmalloc(cpu, 64, b.k);   // back on the small page
  EXPECT_EQ(a.value() % kPageSize, 8u);
  if (GetParam() == Flavour::linux_6) {
    // 5.4+: the pointer (not the header) is aligned to the size.
    EXPECT_EQ(p.value() % 256, 0u);
    EXPECT_EQ(p.value() % kPageSize, 256u);
    EXPECT_EQ(q.value() % kPageSize, 128u);  // header at 120, fragment [108, 120)
    EXPECT_EQ(b.blocks(q), (Blocks{{54, 6}, {96, 1952}}));
  } else {
    EXPECT_EQ(p.value() % kPageSize, 8u);
    EXPECT_EQ(q.value() % kPageSize, 120u);  // header at 112: a 2-unit fragment at 108
    EXPECT_EQ(b.blocks(q), (Blocks{{54, 2}, {92, 1956}}));
  }
  b.oa->check_invariants();
}

TEST_P(Slob2, BadFreesAreReportedAndChangeNothing) {
  SlobBooted b(GetParam());
  sim::Cpu& cpu = b.cpu();
  KmemCache* a = b.oa->kmem_cache_create(cpu, "a", 100, 0, 0, false);
  KmemCache* c = b.oa->kmem_cache_create(cpu, "c", 100, 0, 0, false);
  const sim::VirtAddr x = b.oa->kmem_cache_alloc(cpu, *a, b.k);
  const sim::VirtAddr y = b.oa->kmalloc(cpu, 64, b.k);
  const sim::VirtAddr z = b.oa->kmalloc(cpu, 50, b.k);
  const Blocks before = b.blocks(x);
  const std::uint64_t held = b.oa->pages_held();
  EXPECT_FALSE(b.oa->kmem_cache_free(cpu, *c, x));  // wrong cache
  EXPECT_FALSE(b.oa->kmem_cache_free(cpu, *a, y));  // a kmalloc object
  b.oa->kfree(cpu, x);  // kfree of a cache object: reported, nothing freed
  EXPECT_EQ(b.diag.count(DiagKind::wrong_cache), 3u);
  EXPECT_FALSE(b.oa->kfree(cpu, y + 8));                              // interior
  EXPECT_FALSE(b.oa->kfree(cpu, y - 8));                              // the header
  EXPECT_FALSE(b.oa->kfree(cpu, y + 4096 - 8 - (y.value() % 4096)));  // free space of the page
  EXPECT_FALSE(b.oa->kfree(cpu, b.hm.va(c->desc)));                   // a descriptor
  EXPECT_EQ(b.diag.count(DiagKind::invalid_free), 4u);
  EXPECT_EQ(b.blocks(x), before);
  EXPECT_EQ(b.oa->pages_held(), held);
  b.oa->check_invariants();
  EXPECT_TRUE(b.oa->kfree(cpu, y));
  EXPECT_FALSE(b.oa->kfree(cpu, y));  // double free
  EXPECT_TRUE(b.oa->kmem_cache_free(cpu, *a, x));
  EXPECT_FALSE(b.oa->kmem_cache_free(cpu, *a, x));
  EXPECT_EQ(b.diag.count(DiagKind::double_free), 2u);
  // A busy cache is reported and kept.
  const sim::VirtAddr w = b.oa->kmem_cache_alloc(cpu, *c, b.k);
  b.oa->kmem_cache_destroy(cpu, c);
  EXPECT_EQ(b.diag.count(DiagKind::cache_busy), 1u);
  EXPECT_EQ(b.oa->find_cache("c"), c);
  b.oa->check_invariants();
  EXPECT_TRUE(b.oa->kmem_cache_free(cpu, *c, w));
  EXPECT_TRUE(b.oa->kfree(cpu, z));
  b.oa->kmem_cache_destroy(cpu, c);
  b.oa->kmem_cache_destroy(cpu, a);
  EXPECT_EQ(b.slob.heap().nr_pages(), 0u);
  b.oa->check_invariants();
}

TEST_P(Slob2, NodeRequestsSkipOtherNodesPages) {
  SlobBooted b(GetParam(), sim::Arch::x86_64, 2);
  sim::Cpu& cpu = b.cpu(0);
  const sim::VirtAddr x = b.oa->kmalloc(cpu, 100, b.k, 1);
  const sim::VirtAddr y = b.oa->kmalloc(cpu, 100, b.k, 0);
  const sim::VirtAddr z = b.oa->kmalloc(cpu, 100, b.k, 1);
  EXPECT_NE(b.base(x), b.base(y));
  EXPECT_EQ(b.base(x), b.base(z));
  EXPECT_EQ(b.slob.heap().list_pfns(SlobHeap::small).size(), 2u);
  b.oa->check_invariants();
}

TEST_P(Slob2, AccessesAreCharged) {
  sim::MachineConfig mc = testing::small_machine(1, 64, /*timing=*/true);
  Booted b(GetParam(), "slob", mc);
  sim::Cpu& cpu = b.cpu();
  const sim::Cycles t0 = cpu.now();
  const sim::VirtAddr p = b.oa->kmalloc(cpu, 100, b.gfp("GFP_KERNEL"));
  const sim::Cycles t1 = cpu.now();
  EXPECT_GT(t1, t0);
  const sim::VirtAddr q = b.oa->kmalloc(cpu, 100, b.gfp("GFP_KERNEL"));
  EXPECT_GT(cpu.now(), t1);
  EXPECT_LT(cpu.now() - t1, t1 - t0);  // no new page this time
  EXPECT_TRUE(b.oa->kfree(cpu, p));
  EXPECT_TRUE(b.oa->kfree(cpu, q));
  b.oa->check_invariants();
}

INSTANTIATE_TEST_SUITE_P(All, Slob2, ::testing::Values(Flavour::linux_2_6, Flavour::linux_6),
                         [](const ::testing::TestParamInfo<Flavour>& info) {
                           return std::string(info.param == Flavour::linux_6 ? "linux6"
                                                                             : "linux26");
                         });

// Mixed kmalloc / kfree / cache operations with every invariant checked, and
// no two live objects overlapping.
TEST_P(SlobArch, RandomStress) {
  SlobBooted b(flavour(), arch(), arch() == sim::Arch::x86_64 ? 2 : 1);
  const Gfp zero = b.gfp("GFP_KERNEL|__GFP_ZERO");
  struct Obj {
    std::uint64_t size;
    int cache;  // -1: kmalloc
  };
  std::map<sim::VirtAddr, Obj> live;  // address -> object
  std::vector<KmemCache*> caches;
  std::vector<std::uint64_t> in_cache;
  const std::uint32_t sizes[] = {8, 24, 72, 100, 250, 600, 1500, 3000, 4096, 5000};
  sim::Rng rng(7, 0);
  auto add = [&](sim::VirtAddr p, std::uint64_t size, int cache) {
    ASSERT_TRUE(p);
    auto it = live.lower_bound(p);
    if (it != live.end()) {
      ASSERT_LE(p + size, it->first) << "overlap";
    }
    if (it != live.begin()) {
      const auto pr = std::prev(it);
      ASSERT_LE(pr->first + pr->second.size, p) << "overlap";
    }
    live[p] = {size, cache};
    if (cache >= 0) ++in_cache[static_cast<unsigned>(cache)];
  };
  // Every CPU past every grace period begun so far: the RCU caches' objects go back.
  const auto pass_grace = [&] {
    sim::Cycles t = 0;
    for (unsigned c = 0; c < b.machine.cpus(); ++c) t = std::max(t, b.cpu(c).now());
    t += 2 * b.oa->rcu().grace_period();
    for (unsigned c = 0; c < b.machine.cpus(); ++c) {
      b.cpu(c).spend(t - b.cpu(c).now());
      b.cpu(c).run_due_work();
    }
  };
  const unsigned ops = 120000;
  for (unsigned op = 0; op < ops; ++op) {
    sim::Cpu& cpu = b.cpu(static_cast<unsigned>(rng.below(b.machine.cpus())));
    const std::uint64_t r = rng.below(1000);
    if (r < 5 && caches.size() < 12) {
      const std::uint32_t size = sizes[rng.below(std::size(sizes))] + rng.below(7);
      const SlabFlags flags = (rng.below(3) == 0 ? SLAB_HWCACHE_ALIGN : 0) |
                              (rng.below(4) == 0 ? SLAB_TYPESAFE_BY_RCU : 0);
      const std::uint32_t align = rng.below(4) == 0 ? 32 : 0;
      caches.push_back(b.oa->kmem_cache_create(cpu, "c" + std::to_string(op), size, align, flags,
                                               rng.below(5) == 0));
      in_cache.push_back(0);
    } else if (r < 8 && !caches.empty()) {
      const unsigned i = static_cast<unsigned>(rng.below(caches.size()));
      if (caches[i] && in_cache[i] == 0) {
        b.oa->kmem_cache_destroy(cpu, caches[i]);
        caches[i] = nullptr;
      }
    } else if ((r < 520 && live.size() < 3000) || live.size() < 50) {
      const int node =
          b.machine.config().nodes > 1 && rng.below(4) == 0 ? static_cast<int>(rng.below(2)) : -1;
      const unsigned i = caches.empty() ? 0 : static_cast<unsigned>(rng.below(caches.size()));
      if (rng.below(3) == 0 && !caches.empty() && caches[i]) {
        add(b.oa->kmem_cache_alloc(cpu, *caches[i], rng.below(8) ? b.k : zero, node),
            caches[i]->object_size, static_cast<int>(i));
      } else {
        const std::uint64_t size = rng.below(50) == 0 ? 1 + rng.below(3 * kPageSize)
                                                      : 1 + rng.below(rng.below(3) ? 128 : 2000);
        const sim::VirtAddr p = b.oa->kmalloc(cpu, size, rng.below(8) ? b.k : zero, node);
        add(p, size, -1);
        ASSERT_GE(b.oa->ksize(p), size);
      }
    } else if (!live.empty()) {
      auto it = live.lower_bound(b.hm.page_offset() + rng.below(64ull << 20));
      if (it == live.end()) it = live.begin();
      const Obj o = it->second;
      if (o.cache < 0) {
        ASSERT_TRUE(b.oa->kfree(cpu, it->first));
      } else {
        ASSERT_TRUE(b.oa->kmem_cache_free(cpu, *caches[static_cast<unsigned>(o.cache)], it->first));
        --in_cache[static_cast<unsigned>(o.cache)];
      }
      live.erase(it);
    }
    if (op % 2000 == 0) {
      b.oa->check_invariants();
      pass_grace();
    }
  }
  b.oa->check_invariants();
  EXPECT_EQ(b.diag.errors(), 0u);
  for (const auto& [p, o] : live) {
    if (o.cache < 0)
      EXPECT_TRUE(b.oa->kfree(b.cpu(), p));
    else
      EXPECT_TRUE(b.oa->kmem_cache_free(b.cpu(), *caches[static_cast<unsigned>(o.cache)], p));
  }
  for (KmemCache* c : caches)
    if (c) b.oa->kmem_cache_destroy(b.cpu(), c);
  pass_grace();
  EXPECT_EQ(b.slob.heap().nr_pages(), 0u);
  EXPECT_EQ(b.oa->pages_held(), 1u);  // slob_lock's page
  b.oa->check_invariants();
}

}  // namespace
}  // namespace allocsim::model
