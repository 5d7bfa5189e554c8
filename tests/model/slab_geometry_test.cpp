// SLAB cache layout (mm/slab.c: cache_estimate, calculate_slab_order): the 2.6.32 kmalloc
// table, the 6.5 OBJFREELIST / OFF_SLAB / on-slab choice, colouring and enable_cpucache.
#include <gtest/gtest.h>

#include <vector>

#include "model/slab_geometry.hpp"

namespace allocsim::model {
namespace {

constexpr auto k26 = Flavour::linux_2_6;
constexpr auto k6 = Flavour::linux_6;

// x86-64, L1 64, 4 GiB (> 32 MiB: break order 1), 4 possible CPUs.
SlabParams params(Flavour f, sim::Arch arch = sim::Arch::x86_64) {
  SlabParams p;
  p.flavour = f;
  p.arch = arch;
  p.cache_line = 64;
  p.totalram_pages = 1u << 20;
  p.possible_cpus = 4;
  return p;
}

// A 2.6.32 kmalloc cache: ARCH_KMALLOC_MINALIGN with SLAB_HWCACHE_ALIGN.
SlabGeometry size_n(std::uint32_t size, sim::Arch arch = sim::Arch::x86_64) {
  return slab_geometry(params(k26, arch), size, 8, SLAB_HWCACHE_ALIGN, false, SlabBootState{});
}

struct Row {
  std::uint32_t size, num, pages;
  SlabMgmt mgmt;
  std::uint32_t mgmt_size, left_over, colour, limit, batch, shared;
};

TEST(SlabGeometry, Linux26KmallocTable) {
  constexpr auto on = SlabMgmt::on_slab;
  constexpr auto off = SlabMgmt::off_slab;
  // §4.9; off-slab mgmt is the unaligned descriptor: struct slab (48) + 4 * num.
  const std::vector<Row> rows = {
      {32, 112, 1, on, 512, 0, 0, 120, 60, 8},    {64, 59, 1, on, 320, 0, 0, 120, 60, 8},
      {128, 30, 1, on, 192, 64, 1, 120, 60, 8},   {192, 20, 1, on, 128, 128, 2, 120, 60, 8},
      {256, 15, 1, on, 128, 128, 2, 120, 60, 8},  {512, 8, 1, off, 80, 0, 0, 54, 27, 8},
      {1024, 4, 1, off, 64, 0, 0, 54, 27, 8},     {2048, 2, 1, off, 56, 0, 0, 24, 12, 8},
      {4096, 1, 1, off, 52, 0, 0, 24, 12, 8},     {8192, 1, 2, off, 52, 0, 0, 8, 4, 0},
      {16384, 1, 4, off, 52, 0, 0, 8, 4, 0},      {32768, 1, 8, off, 52, 0, 0, 8, 4, 0},
      {65536, 1, 16, off, 52, 0, 0, 8, 4, 0},     {131072, 1, 32, off, 52, 0, 0, 8, 4, 0},
      {262144, 1, 64, off, 52, 0, 0, 1, 1, 0},    {524288, 1, 128, off, 52, 0, 0, 1, 1, 0},
      {1048576, 1, 256, off, 52, 0, 0, 1, 1, 0},  {2097152, 1, 512, off, 52, 0, 0, 1, 1, 0},
      {4194304, 1, 1024, off, 52, 0, 0, 1, 1, 0},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.size);
    const SlabGeometry g = size_n(r.size);
    EXPECT_EQ(g.object_size, r.size);
    EXPECT_EQ(g.size, r.size);
    EXPECT_EQ(g.num, r.num);
    EXPECT_EQ(1u << g.order, r.pages);
    EXPECT_EQ(g.mgmt, r.mgmt);
    EXPECT_EQ(g.mgmt_size, r.mgmt_size);
    EXPECT_EQ(g.bufctl_size, 4u);
    EXPECT_EQ(g.left_over, r.left_over);
    EXPECT_EQ(g.colour_off, 64u);
    EXPECT_EQ(g.colour, r.colour);
    EXPECT_EQ(g.limit, r.limit);
    EXPECT_EQ(g.batchcount, r.batch);
    EXPECT_EQ(g.shared, r.shared);
  }
}

TEST(SlabGeometry, Linux26Alignment) {
  // HWCACHE halves the line while the object fits in half: 32 -> align 32, 192 -> 64.
  EXPECT_EQ(size_n(32).align, 32u);
  EXPECT_EQ(size_n(192).align, 64u);
  EXPECT_EQ(size_n(4096).align, 64u);
  // Without HWCACHE: BYTES_PER_WORD (no ARCH_SLAB_MINALIGN on x86), sizes rounded to a word.
  const SlabGeometry g = slab_geometry(params(k26), 20, 0, 0, false, {});
  EXPECT_EQ(g.object_size, 24u);
  EXPECT_EQ(g.align, 8u);
  EXPECT_EQ(g.size, 24u);
  const SlabGeometry g32 = slab_geometry(params(k26, sim::Arch::i386), 18, 0, 0, false, {});
  EXPECT_EQ(g32.object_size, 20u);
  EXPECT_EQ(g32.align, 4u);
  EXPECT_EQ(g32.size, 20u);
  // A caller alignment above the line raises colour_off too.
  const SlabGeometry big = slab_geometry(params(k26), 100, 128, 0, false, {});
  EXPECT_EQ(big.size, 128u);
  EXPECT_EQ(big.colour_off, 128u);
}

TEST(SlabGeometry, Linux26I386Descriptor) {
  EXPECT_EQ(slab_descriptor_size(sim::Arch::x86_64), 48u);
  EXPECT_EQ(slab_descriptor_size(sim::Arch::i386), 28u);
  // (4096 - 28) / 36 = 113; ALIGN(28 + 452, 32) = 480 + 113 * 32 = 4096.
  const SlabGeometry g = size_n(32, sim::Arch::i386);
  EXPECT_EQ(g.num, 113u);
  EXPECT_EQ(g.mgmt_size, 480u);
  EXPECT_EQ(g.left_over, 0u);
  // 4068 / 68 = 59; ALIGN(28 + 236, 64) = 320.
  EXPECT_EQ(size_n(64, sim::Arch::i386).num, 59u);
  // Off-slab descriptor: 28 + 4 * 8.
  EXPECT_EQ(size_n(512, sim::Arch::i386).mgmt_size, 60u);
}

TEST(SlabGeometry, Linux26CacheEstimate) {
  const SlabParams p = params(k26);
  SlabEstimate e = slab_cache_estimate(p, 0, 128, 64, SlabMgmt::on_slab);
  EXPECT_EQ(e.num, 30u);
  EXPECT_EQ(e.left_over, 64u);
  // The first guess (4048 / 36 = 112) fits; with align 64 the descriptor rounds to 512 and
  // 112 objects of 32 still fit, with 0 left.
  e = slab_cache_estimate(p, 0, 32, 64, SlabMgmt::on_slab);
  EXPECT_EQ(e.num, 112u);
  EXPECT_EQ(e.left_over, 0u);
  // num-- when the aligned descriptor does not fit: size 40, align 64: 4048 / 44 = 92, but
  // ALIGN(48 + 368, 64) = 448 + 3680 > 4096 -> 91: 448 + 3640 = 4088, 8 left.
  e = slab_cache_estimate(p, 0, 40, 64, SlabMgmt::on_slab);
  EXPECT_EQ(e.num, 91u);
  EXPECT_EQ(e.left_over, 8u);
  e = slab_cache_estimate(p, 1, 3000, 8, SlabMgmt::off_slab);
  EXPECT_EQ(e.num, 2u);
  EXPECT_EQ(e.left_over, 2192u);
}

TEST(SlabGeometry, Linux26OffSlabMovesOnSlab) {
  // 1100 B (>= 512: off-slab), align 8 -> 1104. Order 0: 3 objects, 784 left (> 1/8), and
  // order 0 < break order 1, so order 1: 7 objects, 464 left. The descriptor
  // ALIGN(48 + 28, 8) = 80 fits in the leftover: on-slab, 384 left -> 6 colours.
  SlabGeometry g = slab_geometry(params(k26), 1100, 0, 0, false, {});
  EXPECT_EQ(g.size, 1104u);
  EXPECT_EQ(g.order, 1u);
  EXPECT_EQ(g.num, 7u);
  EXPECT_EQ(g.mgmt, SlabMgmt::on_slab);
  EXPECT_EQ(g.mgmt_size, 80u);
  EXPECT_EQ(g.left_over, 384u);
  EXPECT_EQ(g.colour, 6u);
  // <= 32 MiB of RAM: break order 0; 784 - ALIGN(60, 8) = 720 -> 11 colours.
  SlabParams small = params(k26);
  small.totalram_pages = 8192;
  g = slab_geometry(small, 1100, 0, 0, false, {});
  EXPECT_EQ(g.order, 0u);
  EXPECT_EQ(g.num, 3u);
  EXPECT_EQ(g.mgmt, SlabMgmt::on_slab);
  EXPECT_EQ(g.left_over, 720u);
  EXPECT_EQ(g.colour, 11u);
  // One page more than 32 MiB raises the break order.
  small.totalram_pages = 8193;
  EXPECT_EQ(slab_geometry(small, 1100, 0, 0, false, {}).order, 1u);
  // Reclaimable caches stay at the smallest order that fits.
  g = slab_geometry(params(k26), 1100, 0, SLAB_RECLAIM_ACCOUNT, false, {});
  EXPECT_EQ(g.order, 0u);
  EXPECT_EQ(g.num, 3u);
}

TEST(SlabGeometry, Linux26EarlyInitKeepsOnSlab) {
  SlabBootState boot;
  boot.early_init = true;
  // size-512 on-slab: 4048 / 516 = 7; ALIGN(48 + 28, 64) = 128; 4096 - 128 - 3584 = 384.
  const SlabGeometry g = slab_geometry(params(k26), 512, 8, SLAB_HWCACHE_ALIGN, false, boot);
  EXPECT_EQ(g.mgmt, SlabMgmt::on_slab);
  EXPECT_EQ(g.num, 7u);
  EXPECT_EQ(g.mgmt_size, 128u);
  EXPECT_EQ(g.left_over, 384u);
  EXPECT_EQ(g.colour, 6u);
}

TEST(SlabGeometry, NoColourFlag) {
  const SlabGeometry g =
      slab_geometry(params(k26), 128, 8, SLAB_HWCACHE_ALIGN | SLAB_NO_COLOUR, false, {});
  EXPECT_EQ(g.left_over, 64u);
  EXPECT_EQ(g.colour, 0u);
}

// 6.5 boot state where every kmalloc cache exists: kmalloc-32 .. kmalloc-8k, on-slab.
struct Kmalloc6 {
  std::vector<SlabGeometry> caches;
  Kmalloc6() {
    for (std::uint32_t s = 32; s <= 8192; s *= 2) {
      SlabGeometry g;
      g.size = s;
      g.mgmt = SlabMgmt::on_slab;
      caches.push_back(g);
    }
  }
  SlabBootState boot() const {
    SlabBootState b;
    b.general_cache = [this](std::uint32_t bytes) -> const SlabGeometry* {
      for (const SlabGeometry& g : caches)
        if (g.size >= bytes) return &g;
      return nullptr;
    };
    return b;
  }
};

TEST(SlabGeometry, Linux6KmallocExamples) {
  const Kmalloc6 km;
  // kmalloc-32: OBJFREELIST needs 128 B > 32; OFF_SLAB's freelist cache (128) > 32 / 2;
  // on-slab: 4096 / 33 = 124, 4 left.
  SlabGeometry g = slab_geometry(params(k6), 32, 32, SLAB_HWCACHE_ALIGN, false, km.boot());
  EXPECT_EQ(g.mgmt, SlabMgmt::on_slab);
  EXPECT_EQ(g.size, 32u);
  EXPECT_EQ(g.num, 124u);
  EXPECT_EQ(g.order, 0u);
  EXPECT_EQ(g.left_over, 4u);
  EXPECT_EQ(g.colour, 0u);
  EXPECT_EQ(g.mgmt_size, 124u);
  EXPECT_EQ(g.bufctl_size, 1u);
  EXPECT_EQ(g.limit, 120u);
  EXPECT_EQ(g.batchcount, 60u);
  EXPECT_EQ(g.shared, 8u);
  // Same without any kmalloc cache yet.
  EXPECT_EQ(slab_geometry(params(k6), 32, 32, SLAB_HWCACHE_ALIGN, false, {}).num, 124u);
  // kmalloc-64: 64 one-byte indices fit in a 64 B object.
  g = slab_geometry(params(k6), 64, 64, SLAB_HWCACHE_ALIGN, false, km.boot());
  EXPECT_EQ(g.mgmt, SlabMgmt::obj_freelist);
  EXPECT_EQ(g.num, 64u);
  EXPECT_EQ(g.left_over, 0u);
  EXPECT_EQ(g.mgmt_size, 64u);
  // kmalloc-96 is created with SLAB_HWCACHE_ALIGN: align 64, stride 128.
  g = slab_geometry(params(k6), 96, 8, SLAB_HWCACHE_ALIGN, false, km.boot());
  EXPECT_EQ(g.align, 64u);
  EXPECT_EQ(g.size, 128u);
  EXPECT_EQ(g.num, 32u);
  EXPECT_EQ(g.mgmt, SlabMgmt::obj_freelist);
}

TEST(SlabGeometry, Linux6OffSlabAndOnSlab) {
  const Kmalloc6 km;
  // A constructor rules out OBJFREELIST. 1024 B: 4 per page, 0 left < 4 index bytes, and the
  // freelist cache kmalloc-32 is <= 1024 / 2: off-slab.
  SlabGeometry g = slab_geometry(params(k6), 1024, 8, 0, true, km.boot());
  EXPECT_EQ(g.mgmt, SlabMgmt::off_slab);
  EXPECT_EQ(g.num, 4u);
  EXPECT_EQ(g.order, 0u);
  EXPECT_EQ(g.left_over, 0u);
  EXPECT_EQ(g.mgmt_size, 4u);
  // No kmalloc cache for the freelist yet: on-slab. 4096 / 1025 = 3, 1021 left (> 1/8),
  // order 1: 8192 / 1025 = 7, 1017 left -> 15 colours of 64.
  g = slab_geometry(params(k6), 1024, 8, 0, true, {});
  EXPECT_EQ(g.mgmt, SlabMgmt::on_slab);
  EXPECT_EQ(g.order, 1u);
  EXPECT_EQ(g.num, 7u);
  EXPECT_EQ(g.left_over, 1017u);
  EXPECT_EQ(g.colour, 15u);
  // RCU also rules out OBJFREELIST; NOLEAKTRACE rules out OFF_SLAB.
  EXPECT_EQ(slab_geometry(params(k6), 1024, 8, SLAB_TYPESAFE_BY_RCU, false, km.boot()).mgmt,
            SlabMgmt::off_slab);
  EXPECT_EQ(
      slab_geometry(params(k6), 1024, 8, SLAB_TYPESAFE_BY_RCU | SLAB_NOLEAKTRACE, false, km.boot())
          .mgmt,
      SlabMgmt::on_slab);
  // The freelist cache must not be off-slab itself.
  Kmalloc6 off = km;
  for (SlabGeometry& c : off.caches) c.mgmt = SlabMgmt::off_slab;
  EXPECT_EQ(slab_geometry(params(k6), 1024, 8, 0, true, off.boot()).mgmt, SlabMgmt::on_slab);
  // slab_max_order=0 keeps order 0.
  SlabParams p0 = params(k6);
  p0.slab_max_order = 0;
  g = slab_geometry(p0, 1024, 8, 0, true, {});
  EXPECT_EQ(g.order, 0u);
  EXPECT_EQ(g.num, 3u);
}

TEST(SlabGeometry, Linux6SmallObjects) {
  // 8 B objects are padded to SLAB_OBJ_MIN_SIZE (16). 256 per page exceeds the byte index's
  // 255, so OBJFREELIST and OFF_SLAB find nothing; on-slab: 4096 / 17 = 240, 16 left.
  const SlabGeometry g = slab_geometry(params(k6), 8, 8, 0, false, {});
  EXPECT_EQ(g.object_size, 8u);
  EXPECT_EQ(g.size, 16u);
  EXPECT_EQ(g.mgmt, SlabMgmt::on_slab);
  EXPECT_EQ(g.num, 240u);
  EXPECT_EQ(g.left_over, 16u);
  EXPECT_EQ(g.colour, 0u);
  // 6.5 estimate: on-slab adds one index byte per object, others divide plainly.
  SlabEstimate e = slab_cache_estimate(params(k6), 0, 100, 8, SlabMgmt::on_slab);
  EXPECT_EQ(e.num, 40u);
  EXPECT_EQ(e.left_over, 56u);
  e = slab_cache_estimate(params(k6), 0, 100, 8, SlabMgmt::obj_freelist);
  EXPECT_EQ(e.num, 40u);
  EXPECT_EQ(e.left_over, 96u);
}

TEST(SlabGeometry, EnableCpucache) {
  auto check = [](std::uint32_t size, unsigned cpus, std::uint32_t limit, std::uint32_t batch,
                  std::uint32_t shared) {
    SCOPED_TRACE(size);
    const ArrayCacheSize a = slab_enable_cpucache(size, cpus);
    EXPECT_EQ(a.limit, limit);
    EXPECT_EQ(a.batchcount, batch);
    EXPECT_EQ(a.shared, shared);
  };
  check(256, 2, 120, 60, 8);
  check(257, 2, 54, 27, 8);
  check(1024, 2, 54, 27, 8);
  check(1025, 2, 24, 12, 8);
  check(4096, 2, 24, 12, 8);
  check(4097, 2, 8, 4, 0);
  check(131072, 2, 8, 4, 0);
  check(131073, 2, 1, 1, 0);
  check(32, 1, 120, 60, 0);  // no shared array on one CPU
}

TEST(SlabNextColour, Linux26UsesThenAdvances) {
  std::uint32_t next = 0;
  std::vector<unsigned> seq;
  for (int i = 0; i < 5; ++i) seq.push_back(slab_next_colour(k26, next, 3));
  EXPECT_EQ(seq, (std::vector<unsigned>{0, 1, 2, 0, 1}));
  next = 0;
  EXPECT_EQ(slab_next_colour(k26, next, 0), 0u);
  EXPECT_EQ(slab_next_colour(k26, next, 1), 0u);
  EXPECT_EQ(slab_next_colour(k26, next, 1), 0u);
}

TEST(SlabNextColour, Linux6AdvancesThenUses) {
  std::uint32_t next = 0;
  std::vector<unsigned> seq;
  for (int i = 0; i < 5; ++i) seq.push_back(slab_next_colour(k6, next, 3));
  EXPECT_EQ(seq, (std::vector<unsigned>{1, 2, 0, 1, 2}));
  next = 0;
  EXPECT_EQ(slab_next_colour(k6, next, 0), 0u);
  EXPECT_EQ(slab_next_colour(k6, next, 1), 0u);
  EXPECT_EQ(slab_next_colour(k6, next, 1), 0u);
}

}  // namespace
}  // namespace allocsim::model
