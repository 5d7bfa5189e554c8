// The Linux formulas with values worked out by hand from the reference
// (arithmetic in the comments).
#include <gtest/gtest.h>

#include "model/fragmentation.hpp"
#include "model/gfp.hpp"
#include "model/pcp_sizing.hpp"
#include "model/watermarks.hpp"
#include "model/zonelist_order.hpp"

namespace allocsim::model {
namespace {

constexpr auto k26 = Flavour::linux_2_6;
constexpr auto k6 = Flavour::linux_6;

TEST(MinFreeKbytes, The2632CommentTable) {
  // int_sqrt(lowmem_kbytes * 16) for the sizes of mm/page_alloc.c's comment.
  const std::pair<std::uint64_t, std::uint64_t> table[] = {
      {16, 512},   {32, 724},    {64, 1024},   {128, 1448},  {256, 2048},
      {512, 2896}, {1024, 4096}, {2048, 5792}, {4096, 8192}, {16384, 16384}};
  for (auto [mb, kb] : table) EXPECT_EQ(calculate_min_free_kbytes(k26, mb * 1024), kb) << mb;
  // The comment says 11584k for 8192MB; int_sqrt(134217728) is 11585 (11585^2 <= it < 11586^2).
  EXPECT_EQ(calculate_min_free_kbytes(k26, 8192 * 1024), 11585u);
}

TEST(MinFreeKbytes, ClampsPerFlavour) {
  EXPECT_EQ(calculate_min_free_kbytes(k26, 512), 128u);  // sqrt(8192) = 90 -> 128
  EXPECT_EQ(calculate_min_free_kbytes(k6, 512), 128u);
  EXPECT_EQ(calculate_min_free_kbytes(k26, 1ull << 30), 65536u);  // 1 TiB lowmem: 131072 -> 65536
  EXPECT_EQ(calculate_min_free_kbytes(k6, 1ull << 30), 131072u);
  EXPECT_EQ(calculate_min_free_kbytes(k6, 1ull << 34), 262144u);  // 16 TiB: 524288 -> 262144
}

TEST(MinFreeKbytes, TransparentHugepageRaise) {
  // Three populated lowmem zones, 512-page pageblocks: 512*3*2 + 512*3*9 = 16896 pages = 67584 kB.
  EXPECT_EQ(thp_min_free_kbytes(8192, 3, 512, 4u << 20), 67584u);
  // Capped at 5 % of lowmem: 200000 / 20 = 10000 pages = 40000 kB.
  EXPECT_EQ(thp_min_free_kbytes(8192, 3, 512, 200000), 40000u);
  // Never lowers a larger value.
  EXPECT_EQ(thp_min_free_kbytes(100000, 3, 512, 4u << 20), 100000u);
}

TEST(Watermarks, Linux26ProportionalShares) {
  // min_free_kbytes 4096 -> 1024 pages over lowmem 1000 + 3000 pages.
  const auto w =
      setup_per_zone_wmarks(k26, 4096, 10, {{false, 1000}, {false, 3000}, {true, 500000}});
  // A: tmp = 1024*1000/4000 = 256; low = 256 + 64; high = 256 + 128.
  EXPECT_EQ(w[0].min, 256u);
  EXPECT_EQ(w[0].low, 320u);
  EXPECT_EQ(w[0].high, 384u);
  // B: tmp = 768: 768, 960, 1152.
  EXPECT_EQ(w[1].min, 768u);
  EXPECT_EQ(w[1].low, 960u);
  EXPECT_EQ(w[1].high, 1152u);
  // HighMem: min = clamp(500000/1024 = 488, 32, 128) = 128; low/high use the
  // uncapped tmp = 1024*500000/4000 = 128000.
  EXPECT_EQ(w[2].min, 128u);
  EXPECT_EQ(w[2].low, 128u + 32000u);
  EXPECT_EQ(w[2].high, 128u + 64000u);
}

TEST(Watermarks, Linux6ScaleFactorSteps) {
  const auto w =
      setup_per_zone_wmarks(k6, 4096, 10, {{false, 1000}, {false, 3000}, {true, 500000}});
  // A: tmp 256, step = max(256/4, 1000*10/10000 = 1) = 64: 256, 320, 384, 448.
  EXPECT_EQ(w[0].low, 320u);
  EXPECT_EQ(w[0].high, 384u);
  EXPECT_EQ(w[0].promo, 448u);
  // HighMem: min 128, step = max(128000/4, 500) = 32000.
  EXPECT_EQ(w[2].promo, 128u + 3 * 32000u);
  // A large zone where the scale factor wins: mult_frac(1203500, 10, 10000) = 1203
  // (the equal steps of a real dump: min 4815 / low 6018 / high 7221 / promo 8424).
  const auto big = setup_per_zone_wmarks(k6, 4815 * 4, 10, {{false, 1203500}});
  EXPECT_EQ(big[0].min, 4815u);
  EXPECT_EQ(big[0].low, 6018u);
  EXPECT_EQ(big[0].high, 7221u);
  EXPECT_EQ(big[0].promo, 8424u);
}

TEST(LowmemReserve, Linux6RealDmaProtection) {
  // protection: (0, 1908, 7923, 7923) of a real 6.x DMA zone: DMA32 488448
  // managed pages (/256 = 1908), DMA32 + Normal 2028288 (/256 = 7923), no Movable.
  const auto r = setup_per_zone_lowmem_reserve(
      k6, {3840, 488448, 1539840, 0}, default_lowmem_reserve_ratio(k6, sim::Arch::x86_64), 4);
  EXPECT_EQ(r[0], (std::array<std::uint64_t, kMaxNrZones>{0, 1908, 7923, 7923}));
  EXPECT_EQ(r[1], (std::array<std::uint64_t, kMaxNrZones>{0, 0, 1539840 / 256, 1539840 / 256}));
  EXPECT_EQ(r[2], (std::array<std::uint64_t, kMaxNrZones>{0, 0, 0, 0}));  // 32: Movable is empty
  // Ratio 0 means no reserve in 6.x.
  const auto none =
      setup_per_zone_lowmem_reserve(k6, {3840, 488448, 1539840, 0}, {0, 256, 32, 0}, 4);
  EXPECT_EQ(none[0], (std::array<std::uint64_t, kMaxNrZones>{0, 0, 0, 0}));
}

TEST(LowmemReserve, Linux26I386) {
  // DMA 4096, Normal 225280, HighMem 300000 present pages; ratios 256 32 32.
  const auto r = setup_per_zone_lowmem_reserve(
      k26, {4096, 225280, 300000, 0}, default_lowmem_reserve_ratio(k26, sim::Arch::i386), 4);
  EXPECT_EQ(r[0][1], 225280u / 256);              // 880
  EXPECT_EQ(r[0][2], (225280u + 300000u) / 256);  // 2051
  EXPECT_EQ(r[1][2], 300000u / 32);               // 9375
  EXPECT_EQ(r[0][3], (225280u + 300000u) / 256);  // Movable empty adds nothing
  EXPECT_EQ(r[2][3], 0u);
  EXPECT_EQ(r[1][1], 0u);
}

TEST(PcpSizing, ZoneBatchsizeExamples) {
  const std::uint64_t mb = 256;                   // pages per MiB
  EXPECT_EQ(zone_batchsize(k26, 352 * mb), 31u);  // 88 -> 22 -> 33 -> 32 - 1
  EXPECT_EQ(zone_batchsize(k26, 256 * mb), 15u);  // 64 -> 16 -> 24 -> 16 - 1
  EXPECT_EQ(zone_batchsize(k26, 128 * mb), 7u);
  EXPECT_EQ(zone_batchsize(k26, 3998), 0u);        // DMA: 3 -> 0 -> 1 -> 1 - 1
  EXPECT_EQ(zone_batchsize(k26, 1024 * mb), 31u);  // capped at 512 KB: 128 -> 32 -> 48 -> 31
  EXPECT_EQ(zone_batchsize(k6, 1024 * mb), 63u);   // capped at 1 MB: 256 -> 64 -> 96 -> 63
  EXPECT_EQ(zone_batchsize(k6, 172 * 1024), 63u);  // the ~688 MB threshold
  EXPECT_EQ(zone_batchsize(k6, 171 * 1024), 31u);
  // 2.6.32 DMA pageset: "hi: 0, btch: 1".
  const PcpSizes dma = pcp_sizes_2_6(3998);
  EXPECT_EQ(dma.batch, 1);
  EXPECT_EQ(dma.high, 0);
  EXPECT_EQ(pcp_sizes_2_6(1024 * mb).high, 186);  // 6 * 31
}

TEST(PcpSizing, Linux6HighFromTheLowWatermark) {
  // 1 GiB zone, low watermark 1300, 4 CPUs on its node: high_min = max(1300/4, 63*4) = 325;
  // high_max = max(262144/8/4, 252) = 8192.
  const PcpSizes s = pcp_sizes_6(262144, 1300, 4, 8);
  EXPECT_EQ(s.batch, 63);
  EXPECT_EQ(s.high_min, 325);
  EXPECT_EQ(s.high_max, 8192);
  // A node without CPUs splits over all online CPUs.
  EXPECT_EQ(pcp_sizes_6(262144, 1300, 0, 8).high_min, 252);  // 1300/8 = 162 < 252
  // A fixed fraction turns auto-tuning off.
  const PcpSizes f = pcp_sizes_6(262144, 1300, 4, 8, 16);
  EXPECT_EQ(f.high_min, f.high_max);
  EXPECT_EQ(f.high_min, 262144 / 16 / 4);
  EXPECT_EQ(order_to_pindex(1, 2), 7u);  // 3 * 2 + 1
  EXPECT_EQ(order_to_pindex(0, 9), 12u);
  EXPECT_TRUE(pcp_allowed_order(3, false));
  EXPECT_FALSE(pcp_allowed_order(4, false));
  EXPECT_TRUE(pcp_allowed_order(9, true));
}

FreeAreas areas(std::initializer_list<std::pair<unsigned, std::uint64_t>> blocks, unsigned mt) {
  FreeAreas a{};
  for (auto [order, n] : blocks) {
    a[order].nr_free = n;
    a[order].free_list[mt].count = n;
    a[order].free_list[mt].head = n ? 1 : kNilIndex;  // non-empty marker
  }
  return a;
}

TEST(ZoneWatermarkOk, BoundariesAndReserves) {
  const FreeAreas none{};
  const AllocFlags plain = fast_path_alloc_flags(k26);
  for (Flavour f : {k26, k6}) {
    EXPECT_TRUE(zone_watermark_ok(f, 0, 100, 0, plain, 101, none)) << to_string(f);
    EXPECT_FALSE(zone_watermark_ok(f, 0, 100, 0, plain, 100, none));
    // lowmem_reserve of the request's class zone adds to the mark.
    EXPECT_FALSE(zone_watermark_ok(f, 0, 100, 500, plain, 600, none));
    EXPECT_TRUE(zone_watermark_ok(f, 0, 100, 500, plain, 601, none));
    // GFP_ATOMIC may go to 37.5 % of min: 100 - 50 - 12 = 38.
    const AllocFlags atomic = gfp_to_alloc_flags(f, parse_gfp(f, "GFP_ATOMIC"), 0);
    EXPECT_TRUE(zone_watermark_ok(f, 0, 100, 0, atomic, 39, none));
    EXPECT_FALSE(zone_watermark_ok(f, 0, 100, 0, atomic, 38, none));
    // GFP_KERNEL's slow path has no reduction.
    const AllocFlags kernel = gfp_to_alloc_flags(f, parse_gfp(f, "GFP_KERNEL"), 0);
    EXPECT_FALSE(zone_watermark_ok(f, 0, 100, 0, kernel, 100, none));
  }
  // Only __GFP_HIGH without the non-blocking part: 100 - 50 in both.
  AllocFlags high;
  high.high = true;
  EXPECT_TRUE(zone_watermark_ok(k6, 0, 100, 0, high, 51, none));
  EXPECT_FALSE(zone_watermark_ok(k6, 0, 100, 0, high, 50, none));
}

TEST(ZoneWatermarkOk, HigherOrdersDifferBetweenGenerations) {
  const unsigned movable6 = migrate_types(k6).movable, movable26 = migrate_types(k26).movable;
  const AllocFlags plain{};
  // 992 single pages and one order-3 block (1000 pages), mark 100, order 2.
  // 2.6: 1000 - 3 = 997 > 100; minus the 992 order-0 pages = 5 <= 50: fails.
  EXPECT_FALSE(
      zone_watermark_ok(k26, 2, 100, 0, plain, 1000, areas({{0, 992}, {3, 1}}, movable26)));
  // 6.x: the global check passes and there is a free block of order >= 2.
  EXPECT_TRUE(zone_watermark_ok(k6, 2, 100, 0, plain, 1000, areas({{0, 992}, {3, 1}}, movable6)));
  // Without that block, 6.x fails too.
  EXPECT_FALSE(zone_watermark_ok(k6, 2, 100, 0, plain, 1000, areas({{0, 1000}}, movable6)));
  // 2.6 passes when enough pages sit in larger blocks: 1000 pages as 125 order-3 blocks.
  EXPECT_TRUE(zone_watermark_ok(k26, 2, 100, 0, plain, 1000, areas({{3, 125}}, movable26)));
  // 6.x: reserved highatomic pages are unusable without ALLOC_RESERVES.
  EXPECT_FALSE(zone_watermark_ok(k6, 0, 100, 0, plain, 150, FreeAreas{}, 50));
}

TEST(Gfp, ParseFormatZoneAndMigratetype) {
  EXPECT_EQ(parse_gfp(k26, "GFP_KERNEL|__GFP_ZERO").bits, 0x80d0u);
  EXPECT_EQ(parse_gfp(k6, "GFP_KERNEL | __GFP_ZERO").bits, 0xdc0u);
  EXPECT_EQ(parse_gfp(k6, "0xdc0").bits, 0xdc0u);
  EXPECT_EQ(parse_gfp(k6, "GFP_ATOMIC").bits, 0x820u);
  EXPECT_EQ(format_gfp(k6, Gfp{0xdc0}), "GFP_KERNEL|__GFP_ZERO");
  EXPECT_EQ(format_gfp(k26, Gfp{0x80d0}), "GFP_KERNEL|GFP_ZERO");
  EXPECT_EQ(format_gfp(k6, Gfp{0}), "none");
  EXPECT_EQ(format_gfp(k26, Gfp{0}), "GFP_NOWAIT");
  EXPECT_EQ(format_gfp(k6, parse_gfp(k6, "GFP_NOWAIT|__GFP_NORETRY|__GFP_NOMEMALLOC")),
            "GFP_NOWAIT|__GFP_NORETRY|__GFP_NOMEMALLOC");
  EXPECT_EQ(format_gfp(k6, Gfp{0x1000000}), "0x1000000");            // unnamed bits in hex
  EXPECT_THROW(parse_gfp(k6, "__GFP_COLD"), std::invalid_argument);  // gone in 6.x
  EXPECT_THROW(parse_gfp(k26, "__GFP_DIRECT_RECLAIM"), std::invalid_argument);
  EXPECT_THROW(parse_gfp(k6, "GFP_KERNEL||__GFP_ZERO"), std::invalid_argument);
  EXPECT_THROW(parse_gfp(k6, "0xzz"), std::invalid_argument);

  using sim::Arch;
  EXPECT_EQ(gfp_zone(k6, Arch::x86_64, parse_gfp(k6, "GFP_KERNEL")), 2);  // Normal
  EXPECT_EQ(gfp_zone(k6, Arch::x86_64, parse_gfp(k6, "GFP_DMA32")), 1);
  EXPECT_EQ(gfp_zone(k6, Arch::x86_64, parse_gfp(k6, "GFP_DMA")), 0);
  EXPECT_EQ(gfp_zone(k6, Arch::x86_64, parse_gfp(k6, "GFP_HIGHUSER")), 2);  // no HighMem on x86_64
  EXPECT_EQ(gfp_zone(k26, Arch::i386, parse_gfp(k26, "GFP_HIGHUSER")), 2);  // HighMem on i386
  EXPECT_EQ(gfp_zone(k26, Arch::i386, parse_gfp(k26, "GFP_KERNEL")), 1);    // Normal on i386
  EXPECT_EQ(gfp_zone(k6, Arch::x86_64, parse_gfp(k6, "GFP_HIGHUSER_MOVABLE")), 3);
  EXPECT_THROW(gfp_zone(k6, Arch::x86_64, Gfp{0x3}), std::invalid_argument);  // DMA|HIGHMEM
  EXPECT_EQ(gfp_migratetype(k6, parse_gfp(k6, "GFP_HIGHUSER_MOVABLE")), migrate_types(k6).movable);
  EXPECT_EQ(gfp_migratetype(k6, parse_gfp(k6, "GFP_KERNEL|__GFP_RECLAIMABLE")),
            migrate_types(k6).reclaimable);
  EXPECT_EQ(gfp_migratetype(k26, parse_gfp(k26, "GFP_TEMPORARY")), migrate_types(k26).reclaimable);
  EXPECT_EQ(gfp_migratetype(k26, parse_gfp(k26, "GFP_HIGHUSER_MOVABLE")), 2u);
  EXPECT_TRUE(gfp_traits(k26, parse_gfp(k26, "GFP_KERNEL|__GFP_COLD")).cold);
  EXPECT_FALSE(gfp_traits(k6, parse_gfp(k6, "GFP_ATOMIC")).direct_reclaim);
  EXPECT_TRUE(gfp_traits(k6, parse_gfp(k6, "GFP_ATOMIC")).kswapd_reclaim);
}

TEST(ZonelistOrder, FourNodeRingLinux6) {
  // Ring 0-1-2-3-0 at 16: worked through find_next_best_node with node_load.
  const std::vector<std::vector<unsigned>> d{
      {10, 16, 22, 16}, {16, 10, 16, 22}, {22, 16, 10, 16}, {16, 22, 16, 10}};
  const auto o = build_node_orders(k6, d, {true, true, true, true}, {true, true, true, true});
  EXPECT_EQ(o[0], (std::vector<sim::NodeId>{0, 1, 3, 2}));
  EXPECT_EQ(o[1], (std::vector<sim::NodeId>{1, 2, 0, 3}));
  EXPECT_EQ(o[2], (std::vector<sim::NodeId>{2, 3, 1, 0}));
  EXPECT_EQ(o[3], (std::vector<sim::NodeId>{3, 0, 2, 1}));
}

TEST(Fragmentation, IndicesByHand) {
  const std::array<std::uint64_t, kNrOrders> nr_free{10, 0, 2};  // 10 + 8 = 18 free pages
  // Order 2 would succeed.
  EXPECT_EQ(fragmentation_index(2, fill_contig_page_info(nr_free, 2)), -1000);
  // Order 3: 1000 - (1000 + 18*1000/8) / 12 = 1000 - 3250/12 = 1000 - 270.
  EXPECT_EQ(fragmentation_index(3, fill_contig_page_info(nr_free, 3)), 730);
  // Unusable: order 2, (18 - 2*4) * 1000 / 18 = 555; order 3: all of it.
  EXPECT_EQ(unusable_free_index(2, fill_contig_page_info(nr_free, 2)), 555);
  EXPECT_EQ(unusable_free_index(3, fill_contig_page_info(nr_free, 3)), 1000);
  EXPECT_EQ(format_extfrag_value(-1000), "-1.000 ");
  EXPECT_EQ(format_extfrag_value(730), " 0.730 ");
  EXPECT_EQ(format_unusable_value(555), "0.555 ");
  EXPECT_EQ(fragmentation_index(0, fill_contig_page_info({}, 0)), 0);  // nothing free
}

}  // namespace
}  // namespace allocsim::model
