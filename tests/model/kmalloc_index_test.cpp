// kmalloc's general caches and size classes per flavour, allocator and architecture
// (include/linux/kmalloc_sizes.h, mm/slob.c __kmalloc_node, include/linux/slab.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/kmalloc_index.hpp"
#include "model/slab_design.hpp"

namespace allocsim::model {
namespace {

constexpr auto k26 = Flavour::linux_2_6;
constexpr auto k6 = Flavour::linux_6;
constexpr auto kX64 = sim::Arch::x86_64;
constexpr auto kI386 = sim::Arch::i386;
constexpr std::uint64_t kMiB = 1u << 20;

std::vector<std::string> names(const KmallocSizes& k) {
  std::vector<std::string> out;
  for (const auto& c : k.caches()) out.push_back(c.name);
  return out;
}

std::vector<std::uint32_t> sizes(const KmallocSizes& k) {
  std::vector<std::uint32_t> out;
  for (const auto& c : k.caches()) out.push_back(c.size);
  return out;
}

const std::string& name_for(const KmallocSizes& k, std::uint64_t size) {
  static const std::string none = "none";
  const int i = k.index(size);
  return i < 0 ? none : k.caches()[static_cast<std::size_t>(i)].name;
}

// Every request up to the largest cache goes to the smallest class that holds it.
void expect_smallest_fit(const KmallocSizes& k) {
  const auto& caches = k.caches();
  for (std::uint64_t size = 1; size <= k.max_cache_size(); ++size) {
    const int i = k.index(size);
    ASSERT_GE(i, 0) << size;
    ASSERT_LT(static_cast<std::size_t>(i), caches.size());
    ASSERT_GE(caches[i].size, size) << size;
    if (i > 0) {
      ASSERT_LT(caches[i - 1].size, size) << size;
    }
  }
  EXPECT_EQ(k.index(0), -1);
  EXPECT_EQ(k.index(k.max_cache_size() + 1), -1);
  EXPECT_EQ(k.index(1ull << 40), -1);
}

TEST(KmallocSizes, Linux26Slab) {
  for (const auto arch : {kX64, kI386}) {
    const KmallocSizes k(k26, KmallocScheme::slab, arch, 64);
    std::vector<std::uint32_t> want = {32, 64, 128, 192};
    for (std::uint32_t s = 256; s <= 4 * kMiB; s *= 2) want.push_back(s);
    EXPECT_EQ(sizes(k), want);
    EXPECT_EQ(k.caches().front().name, "size-32");
    EXPECT_EQ(k.caches()[3].name, "size-192");
    EXPECT_EQ(k.caches().back().name, "size-4194304");
    EXPECT_EQ(name_for(k, 1024), "size-1024");
    EXPECT_EQ(name_for(k, 1), "size-32");
    EXPECT_EQ(name_for(k, 65), "size-128");  // no size-96 with a 64-byte line
    EXPECT_EQ(name_for(k, 129), "size-192");
    EXPECT_EQ(name_for(k, 4 * kMiB), "size-4194304");
    EXPECT_EQ(k.max_cache_size(), 4 * kMiB);
    EXPECT_EQ(k.max_size(), 4 * kMiB);
    EXPECT_FALSE(k.large_to_page_allocator());
    EXPECT_EQ(k.kmalloc_minalign(), 8u);
    expect_smallest_fit(k);
    // bytes_alloc is buffer_size; above 4 MiB kmalloc fails (no event).
    EXPECT_EQ(k.bytes_alloc(0), 0u);
    EXPECT_EQ(k.bytes_alloc(100), 128u);
    EXPECT_EQ(k.bytes_alloc(150), 192u);
    EXPECT_EQ(k.bytes_alloc(8193), 16384u);
    EXPECT_EQ(k.bytes_alloc(4 * kMiB), 4 * kMiB);
    EXPECT_EQ(k.bytes_alloc(4 * kMiB + 1), 0u);
  }
  // L1 32 (e.g. M686): size-96 and size-192; L1 128 (Pentium 4): neither.
  const KmallocSizes l32(k26, KmallocScheme::slab, kI386, 32);
  EXPECT_EQ(names(l32)[2], "size-96");
  EXPECT_EQ(name_for(l32, 65), "size-96");
  EXPECT_EQ(name_for(l32, 97), "size-128");
  EXPECT_EQ(l32.bytes_alloc(70), 96u);
  expect_smallest_fit(l32);
  const KmallocSizes l128(k26, KmallocScheme::slab, kX64, 128);
  EXPECT_EQ(l128.caches().size(), 18u);  // 32, 64, 128, 256 ... 4 MiB
  EXPECT_EQ(name_for(l128, 129), "size-256");
  expect_smallest_fit(l128);
}

TEST(KmallocSizes, Linux26Slub) {
  for (const auto arch : {kX64, kI386}) {
    const KmallocSizes k(k26, KmallocScheme::slub, arch, 64);
    EXPECT_EQ(names(k), (std::vector<std::string>{
                            "kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-96",
                            "kmalloc-128", "kmalloc-192", "kmalloc-256", "kmalloc-512",
                            "kmalloc-1024", "kmalloc-2048", "kmalloc-4096", "kmalloc-8192"}));
    EXPECT_EQ(sizes(k), (std::vector<std::uint32_t>{8, 16, 32, 64, 96, 128, 192, 256, 512, 1024,
                                                    2048, 4096, 8192}));
    EXPECT_EQ(name_for(k, 1), "kmalloc-8");
    EXPECT_EQ(name_for(k, 9), "kmalloc-16");
    EXPECT_EQ(name_for(k, 17), "kmalloc-32");
    EXPECT_EQ(name_for(k, 24), "kmalloc-32");
    EXPECT_EQ(name_for(k, 65), "kmalloc-96");
    EXPECT_EQ(name_for(k, 96), "kmalloc-96");
    EXPECT_EQ(name_for(k, 97), "kmalloc-128");
    EXPECT_EQ(name_for(k, 129), "kmalloc-192");
    EXPECT_EQ(name_for(k, 192), "kmalloc-192");
    EXPECT_EQ(name_for(k, 193), "kmalloc-256");
    EXPECT_EQ(name_for(k, 8192), "kmalloc-8192");
    EXPECT_EQ(name_for(k, 8193), "none");
    EXPECT_EQ(k.max_cache_size(), 8192u);
    EXPECT_EQ(k.max_size(), 4 * kMiB);
    EXPECT_TRUE(k.large_to_page_allocator());
    expect_smallest_fit(k);
    EXPECT_EQ(k.bytes_alloc(0), 0u);
    EXPECT_EQ(k.bytes_alloc(70), 96u);
    EXPECT_EQ(k.bytes_alloc(8192), 8192u);
    EXPECT_EQ(k.bytes_alloc(8193), 16384u);  // kmalloc_large: order 2
    EXPECT_EQ(k.bytes_alloc(4 * kMiB), 4 * kMiB);
    EXPECT_EQ(k.bytes_alloc(4 * kMiB + 1), 0u);
  }
}

TEST(KmallocSizes, Linux6Slub) {
  for (const auto arch : {kX64, kI386}) {
    const KmallocSizes k(k6, KmallocScheme::slub, arch, 64);
    EXPECT_EQ(names(k), (std::vector<std::string>{
                            "kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-96",
                            "kmalloc-128", "kmalloc-192", "kmalloc-256", "kmalloc-512",
                            "kmalloc-1k", "kmalloc-2k", "kmalloc-4k", "kmalloc-8k"}));
    EXPECT_EQ(sizes(k), (std::vector<std::uint32_t>{8, 16, 32, 64, 96, 128, 192, 256, 512, 1024,
                                                    2048, 4096, 8192}));
    EXPECT_EQ(name_for(k, 8), "kmalloc-8");
    EXPECT_EQ(name_for(k, 72), "kmalloc-96");
    EXPECT_EQ(name_for(k, 1000), "kmalloc-1k");
    EXPECT_EQ(name_for(k, 8193), "none");
    EXPECT_TRUE(k.large_to_page_allocator());
    EXPECT_EQ(k.max_cache_size(), 8192u);
    expect_smallest_fit(k);
    EXPECT_EQ(k.bytes_alloc(70), 96u);  // no HWCACHE alignment for SLUB kmalloc caches
    EXPECT_EQ(k.bytes_alloc(12289), 16384u);
    EXPECT_EQ(k.bytes_alloc(20000), 32768u);
  }
}

TEST(KmallocSizes, Linux6Slab) {
  for (const auto arch : {kX64, kI386}) {
    const KmallocSizes k(k6, KmallocScheme::slab, arch, 64);
    EXPECT_EQ(names(k),
              (std::vector<std::string>{"kmalloc-32", "kmalloc-64", "kmalloc-96", "kmalloc-128",
                                        "kmalloc-192", "kmalloc-256", "kmalloc-512", "kmalloc-1k",
                                        "kmalloc-2k", "kmalloc-4k", "kmalloc-8k"}));
    EXPECT_EQ(name_for(k, 1), "kmalloc-32");
    EXPECT_EQ(name_for(k, 8), "kmalloc-32");
    EXPECT_EQ(name_for(k, 33), "kmalloc-64");
    EXPECT_EQ(name_for(k, 65), "kmalloc-96");
    EXPECT_EQ(name_for(k, 150), "kmalloc-192");
    EXPECT_EQ(name_for(k, 8193), "none");
    EXPECT_EQ(k.max_cache_size(), 8192u);
    EXPECT_TRUE(k.large_to_page_allocator());
    expect_smallest_fit(k);
    // SLAB creates kmalloc caches with SLAB_HWCACHE_ALIGN: kmalloc-96's stride is 128.
    EXPECT_EQ(k.caches()[2].stride, 128u);
    EXPECT_EQ(k.bytes_alloc(8), 32u);
    EXPECT_EQ(k.bytes_alloc(70), 128u);
    EXPECT_EQ(k.bytes_alloc(150), 192u);
    EXPECT_EQ(k.bytes_alloc(8193), 16384u);
  }
}

TEST(KmallocSizes, Slob) {
  struct Row {
    std::uint64_t req, alloc8, alloc4;
  };
  // §4b.7: header 8 (2.6.32 x86-64, 6.x) and 4 (2.6.32 i386).
  const std::vector<Row> rows = {{2, 10, 6},         {8, 16, 12},        {100, 108, 104},
                                 {250, 258, 254},    {1000, 1008, 1004}, {4000, 4008, 4004},
                                 {4087, 4095, 4091}, {4088, 4096, 4092}, {4090, 4096, 4094},
                                 {4091, 4096, 4095}, {4092, 4096, 4096}, {5000, 8192, 8192}};
  const KmallocSizes k26x(k26, KmallocScheme::slob, kX64, 64);
  const KmallocSizes k26i(k26, KmallocScheme::slob, kI386, 64);
  const KmallocSizes k6i(k6, KmallocScheme::slob, kI386, 64);
  const KmallocSizes k6x(k6, KmallocScheme::slob, kX64, 64);
  for (const Row& r : rows) {
    SCOPED_TRACE(r.req);
    EXPECT_EQ(k26x.bytes_alloc(r.req), r.alloc8);
    EXPECT_EQ(k6i.bytes_alloc(r.req), r.alloc8);
    EXPECT_EQ(k6x.bytes_alloc(r.req), r.alloc8);
    EXPECT_EQ(k26i.bytes_alloc(r.req), r.alloc4);
  }
  EXPECT_EQ(k26i.slob_align(), 4u);
  EXPECT_EQ(k26i.kmalloc_minalign(), 4u);
  EXPECT_EQ(k26x.slob_align(), 8u);
  EXPECT_EQ(k6i.slob_align(), 8u);
  EXPECT_EQ(k26i.max_cache_size(), 4091u);  // size < PAGE_SIZE - 4
  EXPECT_EQ(k6x.max_cache_size(), 4087u);   // size < PAGE_SIZE - 8
  for (const KmallocSizes* k : {&k26x, &k26i, &k6i, &k6x}) {
    EXPECT_TRUE(k->caches().empty());
    EXPECT_EQ(k->index(0), -1);
    EXPECT_EQ(k->index(1), -1);
    EXPECT_EQ(k->index(100), -1);
    EXPECT_TRUE(k->large_to_page_allocator());
    EXPECT_EQ(k->max_size(), 4 * kMiB);
    EXPECT_EQ(k->bytes_alloc(0), 0u);
    EXPECT_EQ(k->bytes_alloc(4 * kMiB), 4 * kMiB);
    EXPECT_EQ(k->bytes_alloc(4 * kMiB + 1), 0u);
  }
}

// Each design's kmalloc caches are those of the Linux design it names in the
// registry: the magazine design boots with SLAB's.
TEST(KmallocSizes, EachDesignNamesItsScheme) {
  EXPECT_EQ(slab_design("slab").traits.kmalloc, KmallocScheme::slab);
  EXPECT_EQ(slab_design("slub").traits.kmalloc, KmallocScheme::slub);
  EXPECT_EQ(slab_design("slob").traits.kmalloc, KmallocScheme::slob);
  EXPECT_EQ(slab_design("magazine").traits.kmalloc, KmallocScheme::slab);
}

}  // namespace
}  // namespace allocsim::model
