// SLAB slab colouring at run time: where the first object of successive slabs
// lands, and what that does to a cache whose L1 sets span a page.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "model/slab.hpp"
#include "object_alloc_fixture.hpp"

namespace allocsim::model {
namespace {

using testing::Booted;

// Allocates `slabs` slabs' worth of objects and returns, per slab in creation
// order, the offset of its first object within the slab's page.
std::vector<std::uint64_t> first_object_offsets(Booted& b, KmemCache& c, unsigned slabs,
                                                std::vector<sim::VirtAddr>* firsts = nullptr) {
  const auto& g = static_cast<const Slab&>(*b.oa).cache(c).g;
  std::map<std::uint64_t, std::uint64_t> min_offset;  // slab base -> lowest object offset
  std::vector<std::uint64_t> order;
  const std::uint64_t slab_bytes = kPageSize << g.order;
  for (unsigned i = 0; i < slabs * g.num; ++i) {
    const sim::VirtAddr p = b.oa->kmem_cache_alloc(b.cpu(), c, b.gfp("GFP_KERNEL"));
    EXPECT_TRUE(p);
    const std::uint64_t base = b.hm.pa(p).value() / slab_bytes * slab_bytes;
    const std::uint64_t off = b.hm.pa(p).value() - base;
    auto [it, fresh] = min_offset.emplace(base, off);
    if (fresh) order.push_back(base);
    if (off < it->second) it->second = off;
  }
  std::vector<std::uint64_t> out;
  for (std::uint64_t base : order) {
    out.push_back(min_offset[base]);
    if (firsts) firsts->push_back(b.hm.va(sim::PhysAddr(base + min_offset[base])));
  }
  return out;
}

TEST(SlabColour, SuccessiveSlabsStepThroughTheColoursInEachFlavourOrder) {
  for (Flavour f : {Flavour::linux_2_6, Flavour::linux_6}) {
    Booted b(f, "slab");
    KmemCache* c = b.oa->kmem_cache_create(b.cpu(), "coloured", 384, 0, SLAB_HWCACHE_ALIGN, false);
    const SlabGeometry& g = static_cast<const Slab&>(*b.oa).cache(*c).g;
    ASSERT_GE(g.colour, 2u) << to_string(f);
    EXPECT_EQ(g.colour_off, 64u);
    const std::vector<std::uint64_t> offs = first_object_offsets(b, *c, 2 * g.colour + 1);
    // Per-cache statistics: how many slabs used each colour.
    const auto& used = static_cast<const Slab&>(*b.oa).cache(*c).colour_used;
    ASSERT_EQ(used.size(), g.colour);
    for (unsigned k = 0; k < g.colour; ++k)
      EXPECT_EQ(used[k], (f == Flavour::linux_2_6 ? k == 0 : k == 1) ? 3u : 2u) << k;
    // 2.6.32: struct slab + bufctls precede the objects; 6.5: the objects start at the colour.
    const std::uint64_t lead = f == Flavour::linux_2_6 ? g.mgmt_size : 0;
    for (unsigned k = 0; k < offs.size(); ++k) {
      const unsigned colour = f == Flavour::linux_2_6 ? k % g.colour : (k + 1) % g.colour;
      EXPECT_EQ(offs[k], lead + colour * g.colour_off) << to_string(f) << " slab " << k;
    }
  }
}

TEST(SlabColour, OffGloballyOrPerCacheEverySlabStartsAlike) {
  for (Flavour f : {Flavour::linux_2_6, Flavour::linux_6}) {
    ObjectAllocatorConfig oc;
    oc.colouring = false;
    Booted off(f, "slab", testing::small_machine(1, 64), oc);
    KmemCache* c = off.oa->kmem_cache_create(off.cpu(), "plain", 384, 0, SLAB_HWCACHE_ALIGN, false);
    const std::vector<std::uint64_t> a = first_object_offsets(off, *c, 6);
    Booted on(f, "slab");
    KmemCache* d = on.oa->kmem_cache_create(on.cpu(), "plain", 384, 0,
                                            SLAB_HWCACHE_ALIGN | SLAB_NO_COLOUR, false);
    const std::vector<std::uint64_t> e = first_object_offsets(on, *d, 6);
    for (std::uint64_t x : a) EXPECT_EQ(x, a[0]);
    EXPECT_EQ(a, e);
  }
}

// One object per slab, touched round after round: without colouring every
// first object maps to the same L1 set (the sets span exactly a page), so 32
// of them thrash an 8-way set; with four colours they spread over four sets.
TEST(SlabColour, ColouringRemovesConflictMissesWhenL1SetsSpanAPage) {
  auto cycles = [](bool colouring) {
    sim::MachineConfig mc = testing::small_machine(1, 64, /*timing=*/true);
    mc.l1d = {32 * 1024, 8, 4, sim::Replacement::lru};  // 64 sets x 64 B = 4 KiB
    mc.l2 = {256 * 1024, 4, 14, sim::Replacement::lru};
    ObjectAllocatorConfig oc;
    oc.colouring = colouring;
    Booted b(Flavour::linux_6, "slab", mc, oc);
    KmemCache* c = b.oa->kmem_cache_create(b.cpu(), "probe", 384, 0, SLAB_HWCACHE_ALIGN, false);
    std::vector<sim::VirtAddr> firsts;
    first_object_offsets(b, *c, 32, &firsts);
    EXPECT_EQ(firsts.size(), 32u);
    sim::Cpu& cpu = b.cpu();
    for (const sim::VirtAddr p : firsts) cpu.read(b.hm.pa(p), 8);  // warm up
    const sim::Cycles t0 = cpu.now();
    for (int round = 0; round < 50; ++round)
      for (const sim::VirtAddr p : firsts) cpu.read(b.hm.pa(p), 8);
    return cpu.now() - t0;
  };
  const sim::Cycles with = cycles(true), without = cycles(false);
  // 1600 reads: all L1 hits (4 cycles) with colouring; L1 misses without.
  EXPECT_EQ(with, 1600u * 4);
  EXPECT_GT(without, 2 * with);
}

}  // namespace
}  // namespace allocsim::model
