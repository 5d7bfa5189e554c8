// SLUB cache layout (mm/slub.c): calculate_order (2.6.32 loop and the 6.8
// rewrite), free pointer placement, alignment, min_partial and cpu_partial.
#include <gtest/gtest.h>

#include <array>

#include "model/slub_geometry.hpp"

namespace allocsim::model {
namespace {

constexpr auto k26 = Flavour::linux_2_6;
constexpr auto k6 = Flavour::linux_6;

SlubParams params(Flavour f, unsigned cpus, sim::Arch arch = sim::Arch::x86_64) {
  SlubParams p;
  p.flavour = f;
  p.arch = arch;
  p.nr_cpus = cpus;
  return p;
}

constexpr std::array<std::uint32_t, 13> kSizes = {8,   16,  32,   64,   96,   128, 192,
                                                  256, 512, 1024, 2048, 4096, 8192};
struct TableRow {
  unsigned cpus;
  std::array<std::uint32_t, 13> objects, pages;
};
// §5.2's table: objperslab / pagesperslab of the kmalloc caches.
constexpr std::array<TableRow, 4> kTable = {{
    {1,
     {512, 256, 128, 64, 42, 32, 21, 16, 8, 8, 8, 8, 4},
     {1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 8, 8}},
    {2,
     {512, 256, 128, 64, 42, 32, 21, 16, 16, 16, 16, 8, 4},
     {1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 8, 8, 8}},
    {8,
     {512, 256, 128, 64, 42, 32, 21, 32, 32, 32, 16, 8, 4},
     {1, 1, 1, 1, 1, 1, 1, 2, 4, 8, 8, 8, 8}},
    {16,
     {512, 256, 128, 64, 42, 32, 42, 32, 32, 32, 16, 8, 4},
     {1, 1, 1, 1, 1, 1, 2, 2, 4, 8, 8, 8, 8}},
}};

// Each CPU count stands for its row (2-7, 8-15, 16+); both ends of each range.
unsigned row_for(unsigned cpus) {
  return cpus == 1 ? 0 : cpus < 8 ? 1 : cpus < 16 ? 2 : 3;
}

TEST(SlubCalculateOrder, KmallocTableBothFlavours) {
  for (const Flavour f : {k26, k6}) {
    for (const unsigned cpus : {1u, 2u, 3u, 4u, 7u, 8u, 15u, 16u, 31u, 32u, 64u, 127u}) {
      const TableRow& row = kTable[row_for(cpus)];
      for (std::size_t i = 0; i < kSizes.size(); ++i) {
        SCOPED_TRACE(testing::Message()
                     << to_string(f) << " cpus " << cpus << " size " << kSizes[i]);
        const SlubGeometry g = slub_geometry(params(f, cpus), kSizes[i], 8, 0, false);
        EXPECT_EQ(g.size, kSizes[i]);
        EXPECT_EQ(g.objects, row.objects[i]);
        EXPECT_EQ(1u << g.order, row.pages[i]);
        EXPECT_EQ(slub_calculate_order(params(f, cpus), kSizes[i]), static_cast<int>(g.order));
      }
    }
  }
}

TEST(SlubCalculateOrder, TableEndsAt127Cpus) {
  // 128 CPUs: min_objects 4 * (8 + 1) = 36; 36 * 256 B needs order 2 (the table's "16+" row
  // holds for 16..127 CPUs).
  for (const Flavour f : {k26, k6}) {
    const SlubGeometry g = slub_geometry(params(f, 128), 256, 8, 0, false);
    EXPECT_EQ(g.min_objects, 36u);
    EXPECT_EQ(g.order, 2u);
    EXPECT_EQ(g.objects, 64u);
  }
}

TEST(SlubCalculateOrder, Linux6Examples) {
  // §5.2, 8 CPUs: min_objects 20.
  const SlubParams p = params(k6, 8);
  EXPECT_EQ(slub_geometry(p, 8, 8, 0, false).objects, 512u);
  EXPECT_EQ(slub_geometry(p, 8, 8, 0, false).min_objects, 20u);
  EXPECT_EQ(slub_geometry(p, 64, 8, 0, false).objects, 64u);
  EXPECT_EQ(slub_calculate_order(p, 256), 1);
  EXPECT_EQ(slub_geometry(p, 256, 8, 0, false).objects, 32u);
  EXPECT_EQ(slub_calculate_order(p, 1024), 3);
  EXPECT_EQ(slub_geometry(p, 1024, 8, 0, false).objects, 32u);
  const SlubGeometry g4k = slub_geometry(p, 4096, 8, 0, false);
  EXPECT_EQ(g4k.min_objects, 8u);  // min(20, 32768 / 4096)
  EXPECT_EQ(g4k.order, 3u);
  EXPECT_EQ(g4k.objects, 8u);
  const SlubGeometry g8k = slub_geometry(p, 8192, 8, 0, false);
  EXPECT_EQ(g8k.min_objects, 4u);
  EXPECT_EQ(g8k.order, 3u);
  EXPECT_EQ(g8k.objects, 4u);
  EXPECT_EQ(g8k.min_order, 1u);  // s->min: get_order(8192)
}

TEST(SlubCalculateOrder, RewriteDiffersFromOldLoop) {
  // 10928 B: at most 2 per order-3 slab, and those waste 10912 B (> 1/4). 2.6.32 drops to
  // min_objects 1 and takes order 2 (one object, 5456 B waste <= 1/1); 6.8 keeps the order
  // of min_objects = 2 and accepts up to 1/2 waste.
  EXPECT_EQ(slub_calculate_order(params(k26, 1), 10928), 2);
  EXPECT_EQ(slub_calculate_order(params(k6, 1), 10928), 3);
  EXPECT_EQ(slub_geometry(params(k26, 1), 10928, 8, 0, false).objects, 1u);
  EXPECT_EQ(slub_geometry(params(k6, 1), 10928, 8, 0, false).objects, 2u);
}

TEST(SlubCalculateOrder, BigObjectsAndLimits) {
  // Beyond slub_max_order: get_order(size), up to MAX_ORDER.
  EXPECT_EQ(slub_calculate_order(params(k6, 4), 1u << 20), 8);
  EXPECT_EQ(slub_calculate_order(params(k26, 4), 1u << 20), 8);
  EXPECT_EQ(slub_calculate_order(params(k6, 4), 4u << 20), 10);
  EXPECT_EQ(slub_calculate_order(params(k26, 4), 4u << 20), 10);
  EXPECT_EQ(slub_calculate_order(params(k6, 4), (4u << 20) + 8), -1);
  EXPECT_EQ(slub_calculate_order(params(k26, 4), (4u << 20) + 8), -1);
  // slub_min_objects and slub_max_order are honoured.
  SlubParams p = params(k6, 1);
  p.slub_min_objects = 64;
  EXPECT_EQ(slub_calculate_order(p, 256), 2);  // 64 * 256 = 16 KiB
  p.slub_max_order = 1;
  EXPECT_EQ(slub_calculate_order(p, 256), 1);  // min_objects limited to 8192 / 256
}

TEST(SlubGeometry, FreePointer) {
  // 2.6.32: the first word of the free object.
  SlubGeometry g = slub_geometry(params(k26, 1), 100, 8, 0, false);
  EXPECT_EQ(g.offset, 0u);
  EXPECT_EQ(g.inuse, 104u);
  EXPECT_EQ(g.size, 104u);
  // 6.8: ALIGN_DOWN(object_size / 2, sizeof(void *)).
  g = slub_geometry(params(k6, 1), 100, 8, 0, false);
  EXPECT_EQ(g.offset, 48u);
  EXPECT_EQ(g.size, 104u);
  EXPECT_EQ(slub_geometry(params(k6, 1), 24, 8, 0, false).offset, 8u);
  EXPECT_EQ(slub_geometry(params(k6, 1), 8, 8, 0, false).offset, 0u);
  EXPECT_EQ(slub_geometry(params(k6, 1, sim::Arch::i386), 30, 8, 0, false).offset, 12u);
  // A constructor (or RCU, or poisoning) puts it after the object: one more word.
  for (const Flavour f : {k26, k6}) {
    g = slub_geometry(params(f, 1), 100, 8, 0, true);
    EXPECT_EQ(g.inuse, 104u);
    EXPECT_EQ(g.offset, 104u);
    EXPECT_EQ(g.size, 112u);
    EXPECT_EQ(slub_geometry(params(f, 1), 100, 8, SLAB_TYPESAFE_BY_RCU, false).offset, 104u);
    EXPECT_EQ(slub_geometry(params(f, 1), 100, 8, SLAB_POISON, false).size, 112u);
  }
  // i386: 4-byte pointers, stride still 8-aligned (ARCH_SLAB_MINALIGN).
  g = slub_geometry(params(k6, 1, sim::Arch::i386), 100, 0, 0, true);
  EXPECT_EQ(g.offset, 100u);
  EXPECT_EQ(g.size, 104u);
}

TEST(SlubGeometry, CalculateAlignment) {
  for (const Flavour f : {k26, k6}) {
    for (const auto arch : {sim::Arch::x86_64, sim::Arch::i386}) {
      EXPECT_EQ(slab_calculate_alignment(f, arch, 64, SLAB_HWCACHE_ALIGN, 0, 20), 32u);
      EXPECT_EQ(slab_calculate_alignment(f, arch, 64, SLAB_HWCACHE_ALIGN, 0, 32), 32u);
      EXPECT_EQ(slab_calculate_alignment(f, arch, 64, SLAB_HWCACHE_ALIGN, 0, 33), 64u);
      EXPECT_EQ(slab_calculate_alignment(f, arch, 64, SLAB_HWCACHE_ALIGN, 0, 4), 8u);
      EXPECT_EQ(slab_calculate_alignment(f, arch, 128, SLAB_HWCACHE_ALIGN, 0, 100), 128u);
      EXPECT_EQ(slab_calculate_alignment(f, arch, 64, 0, 0, 100), 8u);
      EXPECT_EQ(slab_calculate_alignment(f, arch, 64, 0, 4, 100), 8u);
      EXPECT_EQ(slab_calculate_alignment(f, arch, 64, 0, 256, 100), 256u);
    }
  }
  const SlubGeometry g = slub_geometry(params(k6, 1), 100, 0, SLAB_HWCACHE_ALIGN, false);
  EXPECT_EQ(g.align, 64u);
  EXPECT_EQ(g.size, 128u);
}

TEST(SlubGeometry, MinPartial) {
  auto min_partial = [](Flavour f, std::uint32_t size) {
    return slub_geometry(params(f, 1), size, 8, 0, false).min_partial;
  };
  // 2.6.32: clamp(ilog2(size), 5, 10).
  EXPECT_EQ(min_partial(k26, 8), 5u);
  EXPECT_EQ(min_partial(k26, 64), 6u);
  EXPECT_EQ(min_partial(k26, 96), 6u);
  EXPECT_EQ(min_partial(k26, 256), 8u);
  EXPECT_EQ(min_partial(k26, 512), 9u);
  EXPECT_EQ(min_partial(k26, 1024), 10u);
  EXPECT_EQ(min_partial(k26, 8192), 10u);
  // 6.8: clamp(ilog2(size) / 2, 5, 10).
  EXPECT_EQ(min_partial(k6, 64), 5u);
  EXPECT_EQ(min_partial(k6, 2048), 5u);
  EXPECT_EQ(min_partial(k6, 4000), 5u);
  EXPECT_EQ(min_partial(k6, 4096), 6u);
  EXPECT_EQ(min_partial(k6, 8192), 6u);
  EXPECT_EQ(min_partial(k6, 16384), 7u);
  EXPECT_EQ(min_partial(k6, 1u << 20), 10u);
}

TEST(SlubGeometry, CpuPartial) {
  struct Case {
    std::uint32_t size, cpu_partial, objects, slabs;
  };
  // One CPU: min_objects 8. slabs = DIV_ROUND_UP(2 * cpu_partial, objects).
  for (const Case c :
       {Case{8, 120, 512, 1}, Case{248, 120, 16, 15}, Case{256, 52, 16, 7}, Case{1016, 52, 8, 13},
        Case{1024, 24, 8, 6}, Case{4088, 24, 8, 6}, Case{4096, 6, 8, 2}, Case{8192, 6, 4, 3}}) {
    SCOPED_TRACE(c.size);
    const SlubGeometry g = slub_geometry(params(k6, 1), c.size, 8, 0, false);
    EXPECT_EQ(g.cpu_partial, c.cpu_partial);
    EXPECT_EQ(g.objects, c.objects);
    EXPECT_EQ(g.cpu_partial_slabs, c.slabs);
    // 2.6.32 has no per-CPU partial lists.
    const SlubGeometry old = slub_geometry(params(k26, 1), c.size, 8, 0, false);
    EXPECT_EQ(old.cpu_partial, 0u);
    EXPECT_EQ(old.cpu_partial_slabs, 0u);
  }
}

}  // namespace
}  // namespace allocsim::model
