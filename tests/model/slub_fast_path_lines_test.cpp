// Scenario: the SLUB allocation fast path touches exactly the lines of
// slab_alloc_node with a non-empty per-CPU freelist.
//
// mm/slub.c (6.8), slab_alloc_node -> __slab_alloc_node:
//   c = raw_cpu_ptr(s->cpu_slab);        read struct kmem_cache (cpu_slab; offset,
//                                         flags and size share its first line)
//   tid = c->tid; object = c->freelist;   read struct kmem_cache_cpu
//   next = get_freepointer_safe(s, object) read the free pointer inside the object
//   __update_cpu_freelist_fast(...)       this_cpu_cmpxchg_double(freelist, tid):
//                                         one atomic on the kmem_cache_cpu line
//   prefetch_freepointer(s, next)         a prefetch, not a load: not charged
// 2.6.32 slab_alloc does the same with interrupts off: it reads s->cpu_slab[cpu],
// c->freelist and object[c->offset], then stores c->freelist (the model charges
// the 6.8 atomic for both, and reads cpu_slab at offset 0 in both).
// No lock, no struct page, no list: four accesses on three lines.
#include <gtest/gtest.h>

#include "line_scenario.hpp"
#include "model/slub.hpp"
#include "object_alloc_fixture.hpp"

namespace allocsim::model {
namespace {

using namespace testing;

class SlubFastPathLines : public ::testing::TestWithParam<Flavour> {};

TEST_P(SlubFastPathLines, ReadsCpuSlabFreelistAndFreePointerThenOneCmpxchg) {
  Booted b(GetParam(), "slub");
  const Slub& slub = static_cast<const Slub&>(*b.oa);
  KmemCache* kc = b.oa->kmem_cache_create(b.cpu(), "scenario", 64, 0, 0, false);
  const SlubCache& s = slub.cache(*kc);
  const Gfp gfp = b.gfp("GFP_KERNEL");
  // The first allocation makes the CPU slab; its other 63 objects are then on
  // the per-CPU freelist in address order.
  const sim::VirtAddr first = b.oa->kmem_cache_alloc(b.cpu(), *kc, gfp);
  ASSERT_TRUE(first);
  sim::VirtAddr obj;
  const auto lines = record(b.cpu(), [&] { obj = b.oa->kmem_cache_alloc(b.cpu(), *kc, gfp); });
  ASSERT_EQ(obj, first + s.size);
  EXPECT_EQ(kc->stats.alloc_fastpath, 1u);

  const sim::PhysAddr cpu_slab = s.cpu[b.cpu().id()].addr;
  const sim::PhysAddr free_pointer = b.hm.pa(obj) + s.g.offset;
  EXPECT_EQ(lines, (std::vector<sim::LineAccess>{
                       touch(s.desc + SlubCacheLayout::cpu_slab, R, 8),
                       touch(cpu_slab + KmemCacheCpuLayout::freelist, R, 16),
                       touch(free_pointer, R, 8),
                       touch(cpu_slab + KmemCacheCpuLayout::freelist, X, 16),
                   }));
  // The free pointer is where each generation puts it: the first word in
  // 2.6.32, the middle of the object in 6.8 (away from overflows at the ends).
  EXPECT_EQ(s.g.offset, GetParam() == Flavour::linux_2_6 ? 0u : 32u);
}

INSTANTIATE_TEST_SUITE_P(BothFlavours, SlubFastPathLines,
                         ::testing::Values(Flavour::linux_2_6, Flavour::linux_6),
                         [](const auto& info) {
                           return info.param == Flavour::linux_2_6 ? "linux26" : "linux6";
                         });

}  // namespace
}  // namespace allocsim::model
