// zone_batchsize, pcp high/batch of both flavours and 6.x's pcp list indices
// (mm/page_alloc.c), worked out by hand. 256 pages per MiB.
#include <gtest/gtest.h>

#include "model/pcp_sizing.hpp"

namespace allocsim::model {
namespace {

constexpr auto k26 = Flavour::linux_2_6;
constexpr auto k6 = Flavour::linux_6;
constexpr std::uint64_t kMiB = 256;  // pages

TEST(ZoneBatchsize, ReferenceExamples26) {
  // batch = min(pages/1024, 128); /= 4; >= 1; rounddown_pow_of_two(b + b/2) - 1.
  EXPECT_EQ(zone_batchsize(k26, 352 * kMiB), 31u);   // 88 -> 22 -> 33 -> 32 - 1
  EXPECT_EQ(zone_batchsize(k26, 256 * kMiB), 15u);   // 64 -> 16 -> 24 -> 16 - 1
  EXPECT_EQ(zone_batchsize(k26, 128 * kMiB), 7u);    // 32 -> 8 -> 12 -> 8 - 1
  EXPECT_EQ(zone_batchsize(k26, 1024 * kMiB), 31u);  // 256 -> cap 128 -> 32 -> 48 -> 32 - 1
  EXPECT_EQ(zone_batchsize(k26, 3998), 0u);          // DMA: 3 -> 0 -> 1 -> 1 - 1
  EXPECT_EQ(zone_batchsize(k26, 4096), 0u);          // 16 MiB: 4 -> 1 -> 1 -> 0
  // 31 from 88*1024 present pages; one page less: 87 -> 21 -> 31 -> 16 - 1.
  EXPECT_EQ(zone_batchsize(k26, 88 * 1024), 31u);
  EXPECT_EQ(zone_batchsize(k26, 88 * 1024 - 1), 15u);
  EXPECT_EQ(zone_batchsize(k26, 32 * kMiB), 1u);  // 8 -> 2 -> 3 -> 2 - 1
  EXPECT_EQ(zone_batchsize(k26, 48 * kMiB), 3u);  // 12 -> 3 -> 4 -> 4 - 1
  EXPECT_EQ(zone_batchsize(k26, 0), 0u);
  EXPECT_EQ(zone_batchsize(k26, 1ull << 40), 31u);  // 512 KB cap
}

TEST(ZoneBatchsize, ReferenceExamples6) {
  // batch = min(managed >> 10, 256); /= 4; >= 1; rounddown_pow_of_two(b + b/2) - 1.
  EXPECT_EQ(zone_batchsize(k6, 1024 * kMiB), 63u);  // 256 -> 64 -> 96 -> 64 - 1
  EXPECT_EQ(zone_batchsize(k6, 352 * kMiB), 31u);   // same as 2.6 below the 512 KB cap
  EXPECT_EQ(zone_batchsize(k6, 256 * kMiB), 15u);
  EXPECT_EQ(zone_batchsize(k6, 128 * kMiB), 7u);
  EXPECT_EQ(zone_batchsize(k6, 3840), 0u);  // DMA: 3 -> 0 -> 1 -> 0
  // The ~688 MB threshold: 172*1024 managed pages: 172 -> 43 -> 64 -> 63;
  // one less: 171 -> 42 -> 63 -> 32 - 1.
  EXPECT_EQ(zone_batchsize(k6, 172 * 1024), 63u);
  EXPECT_EQ(zone_batchsize(k6, 172 * 1024 - 1), 31u);
  EXPECT_EQ(zone_batchsize(k6, 88 * 1024), 31u);
  EXPECT_EQ(zone_batchsize(k6, 88 * 1024 - 1), 15u);
  EXPECT_EQ(zone_batchsize(k6, 1ull << 40), 63u);  // 1 MB cap
  // Where the flavours part: 2.6 stops at 31 at 512 KB.
  EXPECT_EQ(zone_batchsize(k26, 172 * 1024), 31u);
}

TEST(PcpSizes, Linux26SetupPageset) {
  // high = 6 * batch, batch = max(1, batch).
  const PcpSizes dma = pcp_sizes_2_6(3998);  // Mem-Info "hi: 0, btch: 1"
  EXPECT_EQ(dma.batch, 1);
  EXPECT_EQ(dma.high, 0);
  const PcpSizes big = pcp_sizes_2_6(1024 * kMiB);  // Mem-Info "hi: 186, btch: 31"
  EXPECT_EQ(big.batch, 31);
  EXPECT_EQ(big.high, 186);
  EXPECT_EQ(big.high_min, 186);
  EXPECT_EQ(big.high_max, 186);
  const PcpSizes small = pcp_sizes_2_6(128 * kMiB);
  EXPECT_EQ(small.batch, 7);
  EXPECT_EQ(small.high, 42);
  EXPECT_EQ(pcp_sizes_2_6(256 * kMiB).high, 90);  // 6 * 15
}

TEST(PcpSizes, Linux6HighFromLowWatermark) {
  // The 6.x 4 GiB machine of watermarks_test: managed / low watermark
  // DMA 3840 / 10, DMA32 765000 / 2276, Normal 255000 / 758; 4 CPUs on the node.
  // high_min = max(low / 4, batch * 4); high_max = max(managed / 8 / 4, batch * 4).
  const PcpSizes normal = pcp_sizes_6(255000, 758, 4, 4);
  EXPECT_EQ(normal.batch, 63);       // 249 -> 62 -> 93 -> 63
  EXPECT_EQ(normal.high_min, 252);   // max(758/4 = 189, 252)
  EXPECT_EQ(normal.high, 252);       // starts at high_min
  EXPECT_EQ(normal.high_max, 7968);  // 255000/8 = 31875; /4 = 7968
  const PcpSizes dma32 = pcp_sizes_6(765000, 2276, 4, 4);
  EXPECT_EQ(dma32.batch, 63);
  EXPECT_EQ(dma32.high_min, 569);    // 2276/4 = 569 > 252
  EXPECT_EQ(dma32.high_max, 23906);  // 765000/8 = 95625; /4
  const PcpSizes dma = pcp_sizes_6(3840, 10, 4, 4);
  EXPECT_EQ(dma.batch, 1);       // max(1, 0)
  EXPECT_EQ(dma.high_min, 4);    // max(10/4 = 2, 1 << 2)
  EXPECT_EQ(dma.high_max, 120);  // 3840/8 = 480; /4
  // One CPU: nothing to split.
  const PcpSizes one = pcp_sizes_6(255000, 758, 1, 1);
  EXPECT_EQ(one.high_min, 758);
  EXPECT_EQ(one.high_max, 31875);
}

TEST(PcpSizes, Linux6SplitCpus) {
  // nr_split_cpus = CPUs of the zone's node (+ cpu_online = 0 at the last
  // boot-time update); a node without CPUs splits over num_online_cpus().
  const PcpSizes headless = pcp_sizes_6(255000, 758, 0, 16);
  EXPECT_EQ(headless.high_min, 252);   // max(758/16 = 47, 252)
  EXPECT_EQ(headless.high_max, 1992);  // 31875/16
  // The node's CPUs, not all online CPUs, when the node has some.
  EXPECT_EQ(pcp_sizes_6(255000, 758, 2, 16).high_max, 15937);  // 31875/2
  // Large zone, many CPUs: 64 GiB Normal (16777216 pages), low 20000, 32 CPUs.
  const PcpSizes big = pcp_sizes_6(16777216, 20000, 32, 64);
  EXPECT_EQ(big.batch, 63);
  EXPECT_EQ(big.high_min, 625);    // 20000/32
  EXPECT_EQ(big.high_max, 65536);  // 16777216/8 = 2097152; /32
}

TEST(PcpSizes, Linux6FixedFraction) {
  // percpu_pagelist_high_fraction set: high_min = high_max = managed/fraction/CPUs.
  const PcpSizes f8 = pcp_sizes_6(255000, 758, 4, 4, 8);
  EXPECT_EQ(f8.high_min, 7968);
  EXPECT_EQ(f8.high_max, 7968);
  EXPECT_EQ(f8.high, 7968);
  const PcpSizes f100 = pcp_sizes_6(255000, 758, 4, 4, 100);
  EXPECT_EQ(f100.high_min, 637);  // 2550/4
  EXPECT_EQ(f100.high_max, 637);
  // Still at least batch * 4: 255000/1000 = 255; /4 = 63 < 252.
  EXPECT_EQ(pcp_sizes_6(255000, 758, 4, 4, 1000).high_min, 252);
}

TEST(PcpLists, OrderToPindexAndAllowedOrders) {
  // MIGRATE_PCPTYPES * order + migratetype (6.x numbering: 0 Unmovable,
  // 1 Movable, 2 Reclaimable); the THP list is NR_LOWORDER_PCP_LISTS = 12.
  EXPECT_EQ(order_to_pindex(0, 0), 0u);
  EXPECT_EQ(order_to_pindex(1, 0), 1u);
  EXPECT_EQ(order_to_pindex(2, 0), 2u);
  EXPECT_EQ(order_to_pindex(0, 1), 3u);
  EXPECT_EQ(order_to_pindex(1, 2), 7u);
  EXPECT_EQ(order_to_pindex(2, 3), 11u);
  EXPECT_EQ(order_to_pindex(0, 9), 12u);
  EXPECT_EQ(order_to_pindex(1, 9), 12u);
  for (unsigned o = 0; o <= 3; ++o) {
    EXPECT_TRUE(pcp_allowed_order(o, false)) << o;
    EXPECT_TRUE(pcp_allowed_order(o, true)) << o;
  }
  for (unsigned o = 4; o <= 10; ++o) {
    EXPECT_FALSE(pcp_allowed_order(o, false)) << o;
    EXPECT_EQ(pcp_allowed_order(o, true), o == 9) << o;
  }
  EXPECT_TRUE(pcp_allowed_order(10, true, 10));  // a pageblock order of MAX_PAGE_ORDER
}

}  // namespace
}  // namespace allocsim::model
