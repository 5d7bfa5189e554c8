// min_free_kbytes, watermarks, lowmem_reserve, totalreserve_pages and
// zone_watermark_ok with values worked out by hand from mm/page_alloc.c of
// 2.6.32 and 6.8 (arithmetic in the comments; "/" is floor division).
#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>

#include "model/gfp.hpp"
#include "model/watermarks.hpp"

namespace allocsim::model {
namespace {

constexpr auto k26 = Flavour::linux_2_6;
constexpr auto k6 = Flavour::linux_6;
using Row = std::array<std::uint64_t, kMaxNrZones>;

void expect_wmarks(const Watermarks& w, std::uint64_t min, std::uint64_t low, std::uint64_t high,
                   std::uint64_t promo, const char* what) {
  EXPECT_EQ(w.min, min) << what;
  EXPECT_EQ(w.low, low) << what;
  EXPECT_EQ(w.high, high) << what;
  EXPECT_EQ(w.promo, promo) << what;
}

TEST(IntSqrt, Floor) {
  EXPECT_EQ(int_sqrt(0), 0u);
  EXPECT_EQ(int_sqrt(1), 1u);
  EXPECT_EQ(int_sqrt(3), 1u);
  EXPECT_EQ(int_sqrt(4), 2u);
  EXPECT_EQ(int_sqrt(15), 3u);
  EXPECT_EQ(int_sqrt(16), 4u);
  EXPECT_EQ(int_sqrt(134217728), 11585u);  // 11585^2 = 134212225 <= x < 11586^2 = 134235396
  EXPECT_EQ(int_sqrt(1ull << 62), 1ull << 31);
  EXPECT_EQ(int_sqrt(~0ull), 0xffffffffull);
}

TEST(MinFreeKbytes, The2632CommentTableInBothFlavours) {
  // int_sqrt(lowmem_kbytes * 16), lowmem_kbytes = MB * 1024. Every entry of the
  // 2.6.32 comment (16MB:512k ... 16384MB:16384k); below both upper clamps.
  const std::pair<std::uint64_t, std::uint64_t> table[] = {
      {16, 512},        // sqrt(262144) = 512
      {32, 724},        // sqrt(524288) = 724.08
      {64, 1024},       // sqrt(1048576)
      {128, 1448},      // sqrt(2097152) = 1448.15
      {256, 2048},      // sqrt(4194304)
      {512, 2896},      // sqrt(8388608) = 2896.31
      {1024, 4096},     // sqrt(16777216)
      {2048, 5792},     // sqrt(33554432) = 5792.62
      {4096, 8192},     // sqrt(67108864)
      {8192, 11585},    // sqrt(134217728) = 11585.24: the comment's "11584k" is 1 low
      {16384, 16384}};  // sqrt(268435456)
  for (Flavour f : {k26, k6})
    for (auto [mb, kb] : table)
      EXPECT_EQ(calculate_min_free_kbytes(f, mb * 1024), kb) << mb << " MB " << to_string(f);
}

TEST(MinFreeKbytes, ClampsPerFlavour) {
  for (Flavour f : {k26, k6}) {
    EXPECT_EQ(calculate_min_free_kbytes(f, 0), 128u);
    EXPECT_EQ(calculate_min_free_kbytes(f, 1023), 128u);  // sqrt(16368) = 127 -> 128
    EXPECT_EQ(calculate_min_free_kbytes(f, 1024), 128u);  // sqrt(16384) = 128
    EXPECT_EQ(calculate_min_free_kbytes(f, 1089), 132u);  // sqrt(17424) = 132
    // 256 GiB = 2^28 kB: sqrt(2^32) = 65536, exactly the 2.6 limit.
    EXPECT_EQ(calculate_min_free_kbytes(f, 1ull << 28), 65536u);
  }
  // 1 TiB = 2^30 kB: sqrt(2^34) = 131072.
  EXPECT_EQ(calculate_min_free_kbytes(k26, 1ull << 30), 65536u);
  EXPECT_EQ(calculate_min_free_kbytes(k6, 1ull << 30), 131072u);
  // 4 TiB = 2^32 kB: sqrt(2^36) = 262144, the 6.x limit; 16 TiB: 524288 -> 262144.
  EXPECT_EQ(calculate_min_free_kbytes(k6, 1ull << 32), 262144u);
  EXPECT_EQ(calculate_min_free_kbytes(k6, 1ull << 34), 262144u);
  EXPECT_EQ(calculate_min_free_kbytes(k26, 1ull << 34), 65536u);
}

TEST(MinFreeKbytes, TransparentHugepageRaise) {
  // 512-page pageblocks: per zone 512*2 + 512*3*3 = 5632 pages = 22528 kB.
  // DMA + DMA32 + Normal: 3 * 5632 = 16896 pages = 67584 kB.
  EXPECT_EQ(thp_min_free_kbytes(8192, 3, 512, 4u << 20), 67584u);
  // Two nodes (DMA, DMA32, Normal, Normal): 4 * 5632 = 22528 pages = 90112 kB.
  EXPECT_EQ(thp_min_free_kbytes(8192, 4, 512, 8u << 20), 90112u);
  // At most 5 % of lowmem: 200000 / 20 = 10000 pages = 40000 kB.
  EXPECT_EQ(thp_min_free_kbytes(8192, 3, 512, 200000), 40000u);
  // Exactly at the cap: 16896 * 20 = 337920 pages -> 16896 pages either way.
  EXPECT_EQ(thp_min_free_kbytes(8192, 3, 512, 337920), 67584u);
  EXPECT_EQ(thp_min_free_kbytes(8192, 3, 512, 337919), 16895u * 4);
  // Never lowers a larger value (e.g. a user's).
  EXPECT_EQ(thp_min_free_kbytes(100000, 3, 512, 4u << 20), 100000u);
}

TEST(Watermarks, Linux26X86_64FourGiB) {
  // present: DMA 3998 (pfn 1..0x9e + 0x100..0xfff), DMA32 782336 (3 GiB - 16 MiB),
  // Normal 262144 (1 GiB above 4 GiB), Movable empty (not is_highmem on x86_64).
  // lowmem = 1048478 pages = 4193912 kB; min_free_kbytes = int_sqrt(67102592) = 8191
  // (8191^2 = 67092481, 8192^2 = 67108864); pages_min = 8191 >> 2 = 2047.
  const std::uint64_t mfk = calculate_min_free_kbytes(k26, 1048478 * 4);
  ASSERT_EQ(mfk, 8191u);
  const auto w = setup_per_zone_wmarks(
      k26, mfk, 10, {{false, 3998}, {false, 782336}, {false, 262144}, {false, 0}});
  // DMA: tmp = 2047*3998/1048478 = 7; low 7 + 7/4 = 8; high 7 + 7/2 = 10.
  expect_wmarks(w[0], 7, 8, 10, 10, "DMA");
  // DMA32: tmp = 2047*782336/1048478 = 1527; low 1527 + 381; high 1527 + 763.
  expect_wmarks(w[1], 1527, 1908, 2290, 2290, "DMA32");
  // Normal: tmp = 2047*262144/1048478 = 511; low 511 + 127; high 511 + 255.
  expect_wmarks(w[2], 511, 638, 766, 766, "Normal");
  // Empty Movable: tmp = 0, so 0/0/0 (2.6.32 x86_64 Movable is not highmem).
  expect_wmarks(w[3], 0, 0, 0, 0, "Movable");
  // The scale factor plays no part in 2.6. Without the Normal zone: lowmem
  // 786334; DMA32 tmp = 2047*782336/786334 = 2036; high = 2036 + 1018.
  for (unsigned wsf : {1u, 10u, 1000u}) {
    const auto w2 = setup_per_zone_wmarks(k26, mfk, wsf, {{false, 3998}, {false, 782336}});
    expect_wmarks(w2[1], 2036, 2545, 3054, 3054, "DMA32 without Normal");
  }
}

TEST(Watermarks, Linux26I386LowmemAndHighMem) {
  // present: DMA 3998, Normal 225280 (16..896 MiB), HighMem 294912 (2 GiB machine),
  // Movable empty. lowmem = 229278 pages = 917112 kB; int_sqrt(14673792) = 3830
  // (3830^2 = 14668900, 3831^2 = 14676561); pages_min = 957.
  const std::uint64_t mfk = calculate_min_free_kbytes(k26, 229278 * 4);
  ASSERT_EQ(mfk, 3830u);
  const auto w = setup_per_zone_wmarks(k26, mfk, 10,
                                       {{false, 3998}, {false, 225280}, {true, 294912}, {true, 0}});
  // DMA: tmp = 957*3998/229278 = 16; 16, 16 + 4, 16 + 8.
  expect_wmarks(w[0], 16, 20, 24, 24, "DMA");
  // Normal: tmp = 957*225280/229278 = 940; 940, 940 + 235, 940 + 470.
  expect_wmarks(w[1], 940, 1175, 1410, 1410, "Normal");
  // HighMem: min = clamp(294912/1024 = 288, 32, 128) = 128, but low/high use
  // the uncapped tmp = 957*294912/229278 = 1230: 128 + 307, 128 + 615.
  expect_wmarks(w[2], 128, 435, 743, 743, "HighMem");
  // Empty highmem-like zone: clamp(0, 32, 128) = 32, tmp 0.
  expect_wmarks(w[3], 32, 32, 32, 32, "Movable");
}

TEST(Watermarks, Linux6X86_64FourGiB) {
  // managed: DMA 3840, DMA32 765000, Normal 255000, Movable empty.
  // lowmem = 1023840 pages = 4095360 kB; int_sqrt(65525760) = 8094 (8094^2 =
  // 65512836, 8095^2 = 65529025); pages_min = 2023.
  const std::uint64_t mfk = calculate_min_free_kbytes(k6, 1023840 * 4);
  ASSERT_EQ(mfk, 8094u);
  const auto w = setup_per_zone_wmarks(
      k6, mfk, 10, {{false, 3840}, {false, 765000}, {false, 255000}, {true, 0}});
  // step = max(tmp >> 2, mult_frac(managed, 10, 10000)); low = min + step,
  // high = low + step, promo = high + step.
  // DMA: tmp = 2023*3840/1023840 = 7; step = max(1, 3840/1000 = 3) = 3.
  expect_wmarks(w[0], 7, 10, 13, 16, "DMA");
  // DMA32: tmp = 2023*765000/1023840 = 1511; step = max(377, 765) = 765: the scale factor wins.
  expect_wmarks(w[1], 1511, 2276, 3041, 3806, "DMA32");
  // Normal: tmp = 2023*255000/1023840 = 503; step = max(125, 255) = 255.
  expect_wmarks(w[2], 503, 758, 1013, 1268, "Normal");
  // Empty Movable: min = clamp(0, 32, 128) = 32; step = max(0, 0) = 0.
  expect_wmarks(w[3], 32, 32, 32, 32, "Movable");

  // watermark_scale_factor 1: DMA32 step = max(377, mult_frac(765000, 1, 10000) = 76) = 377.
  const auto w1 =
      setup_per_zone_wmarks(k6, mfk, 1, {{false, 3840}, {false, 765000}, {false, 255000}});
  expect_wmarks(w1[1], 1511, 1888, 2265, 2642, "DMA32 wsf 1");
  // 3000 (the sysctl maximum, 30 %): mult_frac = 76*3000 + 5000*3000/10000 = 229500.
  const auto w3 =
      setup_per_zone_wmarks(k6, mfk, 3000, {{false, 3840}, {false, 765000}, {false, 255000}});
  expect_wmarks(w3[1], 1511, 231011, 460511, 690011, "DMA32 wsf 3000");
}

TEST(Watermarks, Linux6EqualStepsOfARealDump) {
  // min 4815 / low 6018 / high 7221 / promo 8424 (steps of 1203). 1203 =
  // 4815 >> 2, so tmp>>2 wins and the zone has < 1204000 managed pages; with
  // the automatic min_free_kbytes tmp = 2*M/sqrt(L) is far too small for that,
  // so the min comes from the THP raise. One layout that yields it: managed
  // DMA 3840, DMA32 741000, Normal 296900 (L = 1041740), THP on:
  //   auto: int_sqrt(1041740*4*16 = 66671360) = 8165 kB;
  //   THP: 3 zones * 5632 = 16896 pages (cap 1041740/20 = 52087) = 67584 kB > 8165.
  const std::uint64_t mfk =
      thp_min_free_kbytes(calculate_min_free_kbytes(k6, 1041740 * 4), 3, 512, 1041740);
  ASSERT_EQ(mfk, 67584u);
  const auto w = setup_per_zone_wmarks(
      k6, mfk, 10, {{false, 3840}, {false, 741000}, {false, 296900}, {true, 0}});
  // Normal: tmp = 16896*296900/1041740 = 4815; step = max(1203, 296) = 1203.
  expect_wmarks(w[2], 4815, 6018, 7221, 8424, "Normal");
  // DMA32: tmp = 16896*741000/1041740 = 12018; step = max(3004, 741) = 3004.
  expect_wmarks(w[1], 12018, 15022, 18026, 21030, "DMA32");
  // DMA: tmp = 16896*3840/1041740 = 62; step = max(15, 3) = 15.
  expect_wmarks(w[0], 62, 77, 92, 107, "DMA");
}

TEST(Watermarks, Linux6I386HighMem) {
  // managed: DMA 3840, Normal 220000, HighMem 290000, Movable empty.
  // lowmem = 223840 pages = 895360 kB; int_sqrt(14325760) = 3784; pages_min 946.
  const std::uint64_t mfk = calculate_min_free_kbytes(k6, 223840 * 4);
  ASSERT_EQ(mfk, 3784u);
  const auto w = setup_per_zone_wmarks(k6, mfk, 10,
                                       {{false, 3840}, {false, 220000}, {true, 290000}, {true, 0}});
  expect_wmarks(w[0], 16, 20, 24, 28, "DMA");            // tmp 16; step max(4, 3)
  expect_wmarks(w[1], 929, 1161, 1393, 1625, "Normal");  // tmp 929; step max(232, 220)
  // HighMem: min clamp(283, 32, 128) = 128; tmp = 946*290000/223840 = 1225; step max(306, 290).
  expect_wmarks(w[2], 128, 434, 740, 1046, "HighMem");
  expect_wmarks(w[3], 32, 32, 32, 32, "Movable");
}

TEST(Watermarks, MovableCountsAsHighmemOnlyWhenToldSo) {
  // 6.x treats Movable like HighMem: its pages leave lowmem_pages, and its min
  // is clamp(pages/1024, 32, 128) = clamp(500, 32, 128) = 128.
  const auto w6 = setup_per_zone_wmarks(k6, 4096, 10, {{false, 1000}, {true, 512000}});
  EXPECT_EQ(w6[0].min, 1024u);  // the whole pages_min: 1024*1000/1000
  EXPECT_EQ(w6[1].min, 128u);
  // As a lowmem zone (2.6.32 x86_64 Movable), it takes a share instead:
  // lowmem = 513000; tmp = 1024*512000/513000 = 1022; DMA 1024*1000/513000 = 1.
  const auto w26 = setup_per_zone_wmarks(k26, 4096, 10, {{false, 1000}, {false, 512000}});
  EXPECT_EQ(w26[0].min, 1u);
  EXPECT_EQ(w26[1].min, 1022u);
  EXPECT_EQ(w26[1].high, 1022u + 511u);
}

TEST(LowmemReserve, DefaultRatios) {
  EXPECT_EQ(default_lowmem_reserve_ratio(k26, sim::Arch::x86_64),
            (std::array<unsigned, kMaxNrZones>{256, 256, 32, 0}));
  EXPECT_EQ(default_lowmem_reserve_ratio(k26, sim::Arch::i386),
            (std::array<unsigned, kMaxNrZones>{256, 32, 32, 0}));
  EXPECT_EQ(default_lowmem_reserve_ratio(k6, sim::Arch::x86_64),
            (std::array<unsigned, kMaxNrZones>{256, 256, 32, 0}));
  EXPECT_EQ(default_lowmem_reserve_ratio(k6, sim::Arch::i386),
            (std::array<unsigned, kMaxNrZones>{256, 32, 0, 0}));
}

// 6.18 with ZONE_DEVICE: five ratios (Device 0, like Movable); the empty
// Movable and Device columns repeat the sums below them. The live 6.18
// machine's main snapshot (managed DMA 3840, DMA32 772848, Normal 622592)
// printed DMA (0, 3018, 5450, 5450, 5450) and DMA32 (0, 0, 2432, 2432, 2432).
TEST(LowmemReserve, Linux618DeviceZone) {
  constexpr auto k618 = Flavour::linux_6_18;
  EXPECT_EQ(default_lowmem_reserve_ratio(k618, sim::Arch::x86_64),
            (std::array<unsigned, kMaxNrZones>{256, 256, 32, 0, 0}));
  EXPECT_EQ(nr_zone_indices(k618, sim::Arch::x86_64, true), 5u);
  EXPECT_EQ(nr_zone_indices(k618, sim::Arch::x86_64, false), 4u);
  EXPECT_EQ(nr_zone_indices(k618, sim::Arch::i386, true), 4u);
  EXPECT_EQ(nr_zone_indices(k6, sim::Arch::x86_64, true), 4u);
  const auto r = setup_per_zone_lowmem_reserve(
      k618, {3840, 772848, 622592, 0, 0}, default_lowmem_reserve_ratio(k618, sim::Arch::x86_64), 5);
  EXPECT_EQ(r[0], (Row{0, 3018, 5450, 5450, 5450}));
  EXPECT_EQ(r[1], (Row{0, 0, 2432, 2432, 2432}));
  EXPECT_EQ(r[2], (Row{0, 0, 0, 0, 0}));
}

TEST(LowmemReserve, Linux26X86_64FourGiB) {
  // present 3998 / 782336 / 262144 / 0, ratios 256 256 32.
  const auto r = setup_per_zone_lowmem_reserve(
      k26, {3998, 782336, 262144, 0}, default_lowmem_reserve_ratio(k26, sim::Arch::x86_64), 4);
  EXPECT_EQ(r[0], (Row{0, 3056, 4080, 4080}));  // 782336/256; (782336+262144)/256 = 1044480/256
  EXPECT_EQ(r[1], (Row{0, 0, 1024, 1024}));     // 262144/256
  EXPECT_EQ(r[2], (Row{0, 0, 0, 0}));           // Movable empty: 0/32
  EXPECT_EQ(r[3], (Row{0, 0, 0, 0}));
}

TEST(LowmemReserve, Linux6X86_64FourGiB) {
  // managed 3840 / 765000 / 255000 / 0, ratios 256 256 32 0.
  const auto r = setup_per_zone_lowmem_reserve(
      k6, {3840, 765000, 255000, 0}, default_lowmem_reserve_ratio(k6, sim::Arch::x86_64), 4);
  EXPECT_EQ(r[0], (Row{0, 2988, 3984, 3984}));  // 765000/256 = 2988.3; 1020000/256 = 3984.4
  EXPECT_EQ(r[1], (Row{0, 0, 996, 996}));       // 255000/256 = 996.1
  EXPECT_EQ(r[2], (Row{0, 0, 0, 0}));
}

TEST(LowmemReserve, Linux6RealDmaProtection) {
  // A real 6.x zoneinfo: DMA "protection: (0, 1908, 7923, 7923)" (four zones:
  // no ZONE_DEVICE). DMA32/256 = 1908 -> DMA32 in [488448, 488703];
  // (DMA32 + Normal)/256 = 7923 -> sum in [2028288, 2028543]; Movable empty.
  // One consistent layout: DMA32 488560, Normal 1539900 managed (an 8 GiB machine).
  const auto r = setup_per_zone_lowmem_reserve(
      k6, {3840, 488560, 1539900, 0}, default_lowmem_reserve_ratio(k6, sim::Arch::x86_64), 4);
  EXPECT_EQ(r[0], (Row{0, 1908, 7923, 7923}));  // 488560/256 = 1908.4; 2028460/256 = 7923.7
  EXPECT_EQ(r[1], (Row{0, 0, 6015, 6015}));     // 1539900/256 = 6015.2
}

TEST(LowmemReserve, I386BothFlavours) {
  // 2.6: present 3998 / 225280 / 294912 / 0, ratios 256 32 32.
  const auto r26 = setup_per_zone_lowmem_reserve(
      k26, {3998, 225280, 294912, 0}, default_lowmem_reserve_ratio(k26, sim::Arch::i386), 4);
  EXPECT_EQ(r26[0], (Row{0, 880, 2032, 2032}));  // 225280/256; 520192/256
  EXPECT_EQ(r26[1], (Row{0, 0, 9216, 9216}));    // 294912/32
  EXPECT_EQ(r26[2], (Row{0, 0, 0, 0}));          // empty Movable / 32
  // 6.x: managed 3840 / 220000 / 290000 / 0, ratios 256 32 0 0.
  const auto r6 = setup_per_zone_lowmem_reserve(
      k6, {3840, 220000, 290000, 0}, default_lowmem_reserve_ratio(k6, sim::Arch::i386), 4);
  EXPECT_EQ(r6[0], (Row{0, 859, 1992, 1992}));  // 220000/256 = 859.4; 510000/256 = 1992.2
  EXPECT_EQ(r6[1], (Row{0, 0, 9062, 9062}));    // 290000/32 = 9062.5
  EXPECT_EQ(r6[2], (Row{0, 0, 0, 0}));          // HighMem ratio 0: no reserve
}

TEST(LowmemReserve, ZeroRatiosAndEmptyZones) {
  // 2.6.32 forces a ratio < 1 to 1: the DMA zone protects everything above it.
  const auto r26 =
      setup_per_zone_lowmem_reserve(k26, {3998, 782336, 262144, 0}, {0, 256, 32, 0}, 4);
  EXPECT_EQ(r26[0], (Row{0, 782336, 1044480, 1044480}));
  // 6.x: ratio 0 means no reserve.
  const auto r6 = setup_per_zone_lowmem_reserve(k6, {3840, 765000, 255000, 0}, {0, 256, 32, 0}, 4);
  EXPECT_EQ(r6[0], (Row{0, 0, 0, 0}));
  EXPECT_EQ(r6[1], (Row{0, 0, 996, 996}));
  // A node without DMA/DMA32 (e.g. node 1): 6.x clears the empty zones' rows,
  // 2.6 still computes them.
  const Row node1{0, 0, 1048576, 0};
  const auto e6 = setup_per_zone_lowmem_reserve(k6, node1, {256, 256, 32, 0}, 4);
  EXPECT_EQ(e6[0], (Row{0, 0, 0, 0}));
  EXPECT_EQ(e6[1], (Row{0, 0, 0, 0}));
  const auto e26 = setup_per_zone_lowmem_reserve(k26, node1, {256, 256, 32, 0}, 4);
  EXPECT_EQ(e26[0], (Row{0, 0, 4096, 4096}));  // 1048576/256
  EXPECT_EQ(e26[1], (Row{0, 0, 4096, 4096}));
  // A populated Movable zone (6.x, ratio 32 for Normal): Normal protects 64000/32 = 2000.
  const auto m6 =
      setup_per_zone_lowmem_reserve(k6, {3840, 765000, 255000, 64000}, {256, 256, 32, 0}, 4);
  EXPECT_EQ(m6[0], (Row{0, 2988, 3984, 4234}));  // 1084000/256 = 4234.4
  EXPECT_EQ(m6[2], (Row{0, 0, 0, 2000}));
}

TEST(TotalreservePages, CappedAtTheZoneSize) {
  // 6.x 4 GiB machine: per zone min(max lowmem_reserve + high, managed):
  // DMA min(3984 + 13, 3840) = 3840; DMA32 996 + 3041 = 4037; Normal 0 + 1013;
  // empty Movable min(0 + 32, 0) = 0. Total 8890.
  EXPECT_EQ(totalreserve_pages({{{0, 2988, 3984, 3984}, 13, 3840},
                                {{0, 0, 996, 996}, 3041, 765000},
                                {{0, 0, 0, 0}, 1013, 255000},
                                {{0, 0, 0, 0}, 32, 0}}),
            8890u);
  // 2.6 4 GiB: DMA min(4080 + 10, 3998) = 3998; DMA32 1024 + 2290 = 3314; Normal 766.
  EXPECT_EQ(totalreserve_pages({{{0, 3056, 4080, 4080}, 10, 3998},
                                {{0, 0, 1024, 1024}, 2290, 782336},
                                {{0, 0, 0, 0}, 766, 262144},
                                {{0, 0, 0, 0}, 0, 0}}),
            8078u);
}

// Free lists with `n` blocks of each listed order on list `mt`.
FreeAreas areas(std::initializer_list<std::pair<unsigned, std::uint64_t>> blocks, unsigned mt) {
  FreeAreas a{};
  for (auto [order, n] : blocks) {
    a[order].nr_free += n;
    a[order].free_list[mt].count = n;
    a[order].free_list[mt].head = n ? 0 : kNilIndex;  // non-empty marker
    a[order].free_list[mt].tail = a[order].free_list[mt].head;
  }
  return a;
}

AllocFlags slow(Flavour f, const char* gfp, unsigned order = 0, bool rt = false) {
  return gfp_to_alloc_flags(f, parse_gfp(f, gfp), order, rt);
}

TEST(ZoneWatermarkOk, Order0BoundaryBothFlavours) {
  const FreeAreas none{};
  for (Flavour f : {k26, k6}) {
    const AllocFlags plain = fast_path_alloc_flags(f);
    // free_pages <= mark + lowmem_reserve fails: 1000 fails, 1001 passes.
    EXPECT_FALSE(zone_watermark_ok(f, 0, 1000, 0, plain, 1000, none)) << to_string(f);
    EXPECT_TRUE(zone_watermark_ok(f, 0, 1000, 0, plain, 1001, none)) << to_string(f);
    // lowmem_reserve adds to the mark: 1000 + 500.
    EXPECT_FALSE(zone_watermark_ok(f, 0, 1000, 500, plain, 1500, none));
    EXPECT_TRUE(zone_watermark_ok(f, 0, 1000, 500, plain, 1501, none));
    // A zero mark still needs one free page; free_pages may be negative.
    EXPECT_FALSE(zone_watermark_ok(f, 0, 0, 0, plain, 0, none));
    EXPECT_TRUE(zone_watermark_ok(f, 0, 0, 0, plain, 1, none));
    EXPECT_FALSE(zone_watermark_ok(f, 0, 0, 0, plain, -5, none));
    // Order 10 with nothing free: 0 - 1023 = -1023 <= 0.
    EXPECT_FALSE(zone_watermark_ok(f, 10, 0, 0, plain, 0, none));
  }
}

TEST(ZoneWatermarkOk, Order1Boundary) {
  // free_pages - (2 - 1) must exceed the mark: 1002 - 1 = 1001 > 1000.
  const AllocFlags plain{};
  // 2.6: then the per-order loop: no order-0 blocks to subtract, 1001 > 500.
  EXPECT_TRUE(zone_watermark_ok(k26, 1, 1000, 0, plain, 1002, areas({{1, 501}}, 2)));
  EXPECT_FALSE(zone_watermark_ok(k26, 1, 1000, 0, plain, 1001, areas({{1, 501}}, 2)));
  // 6.x: then any order >= 1 block on a PCPTYPE list.
  EXPECT_TRUE(zone_watermark_ok(k6, 1, 1000, 0, plain, 1002, areas({{1, 501}}, 1)));
  EXPECT_FALSE(zone_watermark_ok(k6, 1, 1000, 0, plain, 1001, areas({{1, 501}}, 1)));
}

TEST(ZoneWatermarkOk, AtomicReachesThirtySevenAndAHalfPercentOfMin) {
  // Slow path at the min watermark 1000.
  const FreeAreas none{};
  for (Flavour f : {k26, k6}) {
    const AllocFlags kernel = slow(f, "GFP_KERNEL");
    EXPECT_FALSE(zone_watermark_ok(f, 0, 1000, 0, kernel, 1000, none)) << to_string(f);
    EXPECT_TRUE(zone_watermark_ok(f, 0, 1000, 0, kernel, 1001, none));
    // GFP_ATOMIC: min -= min/2 (500), then min -= min/4 (125): 375 = 37.5 %.
    const AllocFlags atomic = slow(f, "GFP_ATOMIC");
    EXPECT_TRUE(zone_watermark_ok(f, 0, 1000, 0, atomic, 376, none)) << to_string(f);
    EXPECT_FALSE(zone_watermark_ok(f, 0, 1000, 0, atomic, 375, none));
    // __GFP_HIGH with direct reclaim: only the /2 step: 500.
    const AllocFlags high = slow(f, "GFP_KERNEL|__GFP_HIGH");
    EXPECT_TRUE(zone_watermark_ok(f, 0, 1000, 0, high, 501, none));
    EXPECT_FALSE(zone_watermark_ok(f, 0, 1000, 0, high, 500, none));
    // Odd marks, integer steps: 7 - 3 = 4, 4 - 1 = 3.
    EXPECT_TRUE(zone_watermark_ok(f, 0, 7, 0, atomic, 4, none));
    EXPECT_FALSE(zone_watermark_ok(f, 0, 7, 0, atomic, 3, none));
  }
}

// 6.12+ (__zone_watermark_unusable_free): what a request without
// ALLOC_RESERVES cannot use is the zone's nr_free_highatomic, the pages on the
// HighAtomic lists (5 order-0 and 2 order-3 blocks: 5 + 16 = 21), not the
// whole reserve.
TEST(ZoneWatermarkOk, Linux618FreeHighAtomicIsUnusable) {
  constexpr auto k618 = Flavour::linux_6_18;
  const unsigned highatomic = migrate_types(k618).reserve;
  FreeAreas a = areas({{0, 5}, {3, 2}}, highatomic);
  EXPECT_EQ(nr_free_highatomic(k618, a), 21u);
  EXPECT_EQ(nr_free_highatomic(k618, areas({{3, 2}}, migrate_types(k618).movable)), 0u);
  const std::uint64_t held = nr_free_highatomic(k618, a);
  EXPECT_FALSE(zone_watermark_ok(k618, 0, 1000, 0, slow(k618, "GFP_KERNEL"), 1021, a, held));
  EXPECT_TRUE(zone_watermark_ok(k618, 0, 1000, 0, slow(k618, "GFP_KERNEL"), 1022, a, held));
  // GFP_ATOMIC has ALLOC_RESERVES: the HighAtomic pages count (min 375).
  EXPECT_TRUE(zone_watermark_ok(k618, 0, 1000, 0, slow(k618, "GFP_ATOMIC"), 376, a, held));
}

TEST(ZoneWatermarkOk, NonBlockingAndRealtimeDifferBetweenGenerations) {
  const FreeAreas none{};
  // GFP_NOWAIT: 2.6 ALLOC_HARDER alone takes min/4: 750.
  EXPECT_TRUE(zone_watermark_ok(k26, 0, 1000, 0, slow(k26, "GFP_NOWAIT"), 751, none));
  EXPECT_FALSE(zone_watermark_ok(k26, 0, 1000, 0, slow(k26, "GFP_NOWAIT"), 750, none));
  // 6.x ALLOC_NON_BLOCK reduces min only together with ALLOC_MIN_RESERVE: 1000...
  EXPECT_FALSE(zone_watermark_ok(k6, 0, 1000, 0, slow(k6, "GFP_NOWAIT"), 1000, none));
  EXPECT_TRUE(zone_watermark_ok(k6, 0, 1000, 0, slow(k6, "GFP_NOWAIT"), 1001, none));
  // ...but it is one of ALLOC_RESERVES, so reserved highatomic pages stay usable.
  EXPECT_TRUE(zone_watermark_ok(k6, 0, 1000, 0, slow(k6, "GFP_NOWAIT"), 1001, none, 512));
  EXPECT_FALSE(zone_watermark_ok(k6, 0, 1000, 0, slow(k6, "GFP_KERNEL"), 1512, none, 512));
  EXPECT_TRUE(zone_watermark_ok(k6, 0, 1000, 0, slow(k6, "GFP_KERNEL"), 1513, none, 512));
  // A real-time task: 2.6 ALLOC_HARDER (750), 6.x ALLOC_MIN_RESERVE (500).
  EXPECT_FALSE(zone_watermark_ok(k26, 0, 1000, 0, slow(k26, "GFP_KERNEL", 0, true), 750, none));
  EXPECT_TRUE(zone_watermark_ok(k26, 0, 1000, 0, slow(k26, "GFP_KERNEL", 0, true), 751, none));
  EXPECT_FALSE(zone_watermark_ok(k6, 0, 1000, 0, slow(k6, "GFP_KERNEL", 0, true), 500, none));
  EXPECT_TRUE(zone_watermark_ok(k6, 0, 1000, 0, slow(k6, "GFP_KERNEL", 0, true), 501, none));
  // 6.x ALLOC_OOM: min/2 (500); with MIN_RESERVE|NON_BLOCK: 1000 -> 500 -> 375 -> 375 - 187 = 188.
  AllocFlags oom;
  oom.oom = true;
  EXPECT_FALSE(zone_watermark_ok(k6, 0, 1000, 0, oom, 500, none));
  EXPECT_TRUE(zone_watermark_ok(k6, 0, 1000, 0, oom, 501, none));
  AllocFlags oom_atomic = slow(k6, "GFP_ATOMIC");
  oom_atomic.oom = true;
  EXPECT_FALSE(zone_watermark_ok(k6, 0, 1000, 0, oom_atomic, 188, none));
  EXPECT_TRUE(zone_watermark_ok(k6, 0, 1000, 0, oom_atomic, 189, none));
}

TEST(ZoneWatermarkOk, HigherOrdersPerOrderLoopVersusOneLargeBlock) {
  const unsigned mov26 = migrate_types(k26).movable, mov6 = migrate_types(k6).movable;
  const AllocFlags plain{};
  // 992 single pages and one order-3 block: 1000 free; mark 100, order 2.
  // 2.6: 1000 - 3 = 997 > 100; o=0: 997 - 992 = 5, min 50: 5 <= 50 fails.
  EXPECT_FALSE(zone_watermark_ok(k26, 2, 100, 0, plain, 1000, areas({{0, 992}, {3, 1}}, mov26)));
  // 6.x: 997 > 100, and free_area[3] has a block on a PCPTYPE list: passes.
  EXPECT_TRUE(zone_watermark_ok(k6, 2, 100, 0, plain, 1000, areas({{0, 992}, {3, 1}}, mov6)));
  // Without any block of order >= 2, 6.x fails too.
  EXPECT_FALSE(zone_watermark_ok(k6, 2, 100, 0, plain, 1000, areas({{0, 996}, {1, 2}}, mov6)));
  // 2.6 passes when the pages sit in large blocks: 125 order-3 blocks:
  // 997 > 100; o=0: 997 > 50; o=1: 997 > 25.
  EXPECT_TRUE(zone_watermark_ok(k26, 2, 100, 0, plain, 1000, areas({{3, 125}}, mov26)));
  // 2.6 per-order boundary, order 1, mark 8: 10 order-0 + n order-1 blocks.
  // n = 3: 16 - 1 = 15 > 8; 15 - 10 = 5 > 4: passes. n = 2: 13 > 8; 3 <= 4: fails.
  EXPECT_TRUE(zone_watermark_ok(k26, 1, 8, 0, plain, 16, areas({{0, 10}, {1, 3}}, mov26)));
  EXPECT_FALSE(zone_watermark_ok(k26, 1, 8, 0, plain, 14, areas({{0, 10}, {1, 2}}, mov26)));
  EXPECT_TRUE(zone_watermark_ok(k6, 1, 8, 0, plain, 14, areas({{0, 10}, {1, 2}}, mov6)));
  // The halved min of later orders: order 3, mark 64, free 200 = 40 + 2*30 + 4*25.
  // 200 - 7 = 193 > 64; o=0: 153 > 32; o=1: 93 > 16; o=2: -7 <= 8: fails (no order-3 block).
  EXPECT_FALSE(
      zone_watermark_ok(k26, 3, 64, 0, plain, 200, areas({{0, 40}, {1, 30}, {2, 25}}, mov26)));
}

TEST(ZoneWatermarkOk, LowmemReserveBlocksNormalClassRequestsInDma) {
  // 6.x 4 GiB DMA zone: low 10, protection (0, 2988, 3984, 3984); 3000 pages free.
  const FreeAreas none{};
  const AllocFlags fast = fast_path_alloc_flags(k6);
  EXPECT_FALSE(zone_watermark_ok(k6, 0, 10, 3984, fast, 3000, none));  // GFP_KERNEL: 3000 <= 3994
  EXPECT_TRUE(zone_watermark_ok(k6, 0, 10, 2988, fast, 3000, none));   // GFP_DMA32: 3000 > 2998
  EXPECT_FALSE(zone_watermark_ok(k6, 0, 10, 2988, fast, 2998, none));
  EXPECT_TRUE(zone_watermark_ok(k6, 0, 10, 0, fast, 3000, none));  // GFP_DMA
  // The reserve is not reduced for GFP_ATOMIC: min 7 -> 4 -> 3, and 3000 <= 3 + 3984.
  EXPECT_FALSE(zone_watermark_ok(k6, 0, 7, 3984, slow(k6, "GFP_ATOMIC"), 3000, none));
  // 2.6 4 GiB DMA zone: low 8, protection (0, 3056, 4080, 4080).
  const AllocFlags fast26 = fast_path_alloc_flags(k26);
  EXPECT_FALSE(zone_watermark_ok(k26, 0, 8, 4080, fast26, 3000, none));
  EXPECT_FALSE(zone_watermark_ok(k26, 0, 8, 3056, fast26, 3064, none));  // 3064 <= 8 + 3056
  EXPECT_TRUE(zone_watermark_ok(k26, 0, 8, 3056, fast26, 3065, none));
}

TEST(ZoneWatermarkOk, Linux6HighatomicAndCmaLists) {
  const MigrateTypes t = migrate_types(k6);
  // Order 2; the only large block is on the HIGHATOMIC list; 512 pages reserved.
  const FreeAreas ha = areas({{0, 1000}, {9, 1}}, t.reserve);
  FreeAreas mixed = ha;
  mixed[0].free_list[t.reserve] = {};
  mixed[0].free_list[t.unmovable] = {0, 0, 1000};
  // Plain: 1512 - 3 - 512 = 997 > 100, but no usable block of order >= 2.
  EXPECT_FALSE(zone_watermark_ok(k6, 2, 100, 0, AllocFlags{}, 1512, mixed, 512));
  // GFP_ATOMIC order 2 carries ALLOC_HIGHATOMIC: the reserve is usable.
  EXPECT_TRUE(zone_watermark_ok(k6, 2, 100, 0, slow(k6, "GFP_ATOMIC", 2), 1512, mixed, 512));
  AllocFlags oom;
  oom.oom = true;
  EXPECT_TRUE(zone_watermark_ok(k6, 2, 100, 0, oom, 1512, mixed, 512));
  // CMA: free CMA pages are unusable without ALLOC_CMA, and so is the CMA list.
  const FreeAreas cma = areas({{4, 10}}, t.cma);
  AllocFlags with_cma;
  with_cma.cma = true;
  EXPECT_FALSE(zone_watermark_ok(k6, 0, 100, 0, AllocFlags{}, 160, cma, 0, 160));  // 160-160 = 0
  EXPECT_TRUE(zone_watermark_ok(k6, 0, 100, 0, with_cma, 160, cma, 0, 160));
  EXPECT_TRUE(zone_watermark_ok(k6, 4, 100, 0, with_cma, 160, cma, 0, 160));  // 160 - 15 > 100
  EXPECT_FALSE(zone_watermark_ok(k6, 4, 100, 0, AllocFlags{}, 400, cma, 0, 160));
}

}  // namespace
}  // namespace allocsim::model
