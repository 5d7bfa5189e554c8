// The debugfs extfrag/unusable indices (mm/vmstat.c) by hand.
#include <gtest/gtest.h>

#include "model/fragmentation.hpp"

namespace allocsim::model {
namespace {

using NrFree = std::array<std::uint64_t, kNrOrders>;

TEST(Fragmentation, FillContigPageInfo) {
  // 10 order-0 blocks and 2 order-2 blocks: 12 blocks, 10 + 2*4 = 18 pages.
  const NrFree nr_free{10, 0, 2};
  const ContigPageInfo at0 = fill_contig_page_info(nr_free, 0);
  EXPECT_EQ(at0.free_pages, 18u);
  EXPECT_EQ(at0.free_blocks_total, 12u);
  EXPECT_EQ(at0.free_blocks_suitable, 18u);                               // 10 + (2 << 2)
  EXPECT_EQ(fill_contig_page_info(nr_free, 1).free_blocks_suitable, 4u);  // 2 << 1
  EXPECT_EQ(fill_contig_page_info(nr_free, 2).free_blocks_suitable, 2u);
  EXPECT_EQ(fill_contig_page_info(nr_free, 3).free_blocks_suitable, 0u);
  // One order-10 block: 1024 suitable order-0 blocks, 1 suitable order-10 block.
  NrFree top{};
  top[10] = 1;
  EXPECT_EQ(fill_contig_page_info(top, 0).free_blocks_suitable, 1024u);
  EXPECT_EQ(fill_contig_page_info(top, 10).free_blocks_suitable, 1u);
  EXPECT_EQ(fill_contig_page_info(top, 10).free_pages, 1024u);
}

TEST(Fragmentation, ExtfragIndex) {
  const NrFree nr_free{10, 0, 2};
  for (unsigned o = 0; o <= 2; ++o)  // a suitable block exists: would succeed
    EXPECT_EQ(fragmentation_index(o, fill_contig_page_info(nr_free, o)), -1000) << o;
  // Order 3: 1000 - (1000 + 18*1000/8) / 12 = 1000 - 3250/12 = 1000 - 270 = 730.
  EXPECT_EQ(fragmentation_index(3, fill_contig_page_info(nr_free, 3)), 730);
  // Order 10: 1000 - (1000 + 18000/1024) / 12 = 1000 - 1017/12 = 1000 - 84 = 916.
  EXPECT_EQ(fragmentation_index(10, fill_contig_page_info(nr_free, 10)), 916);
  // Plenty of small blocks, little memory in them: 4 order-0 pages, order 1:
  // 1000 - (1000 + 4000/2) / 4 = 1000 - 750 = 250 (a lack of memory, mostly).
  EXPECT_EQ(fragmentation_index(1, fill_contig_page_info(NrFree{4}, 1)), 250);
  // 1000 single pages, order 4: 1000 - (1000 + 1000000/16) / 1000 = 1000 - 63 = 937.
  EXPECT_EQ(fragmentation_index(4, fill_contig_page_info(NrFree{1000}, 4)), 937);
  // Nothing free: 0.
  EXPECT_EQ(fragmentation_index(5, fill_contig_page_info(NrFree{}, 5)), 0);
  // One free block of half the requested size: 1000 - (1000 + 512000/1024) / 1
  // = -500, from the kernel's unsigned arithmetic cast to int.
  NrFree half{};
  half[9] = 1;
  EXPECT_EQ(fragmentation_index(10, fill_contig_page_info(half, 10)), -500);
  NrFree quarter{};
  quarter[8] = 1;
  EXPECT_EQ(fragmentation_index(10, fill_contig_page_info(quarter, 10)), -250);
  // Beyond MAX_PAGE_ORDER: WARN_ON_ONCE and 0.
  EXPECT_EQ(fragmentation_index(11, fill_contig_page_info(nr_free, 11)), 0);
}

TEST(Fragmentation, UnusableIndex) {
  const NrFree nr_free{10, 0, 2};
  // (free_pages - (suitable << order)) * 1000 / free_pages.
  EXPECT_EQ(unusable_free_index(0, fill_contig_page_info(nr_free, 0)), 0);    // (18 - 18)
  EXPECT_EQ(unusable_free_index(1, fill_contig_page_info(nr_free, 1)), 555);  // (18 - 8)*1000/18
  EXPECT_EQ(unusable_free_index(2, fill_contig_page_info(nr_free, 2)), 555);  // (18 - 8)
  EXPECT_EQ(unusable_free_index(3, fill_contig_page_info(nr_free, 3)), 1000);
  // Nothing free: all of it counts as unusable.
  EXPECT_EQ(unusable_free_index(0, fill_contig_page_info(NrFree{}, 0)), 1000);
  // 3 order-0 + 1 order-3 block = 11 pages; order 1: (11 - 1*8)*1000/11 = 272.
  NrFree mixed{3};
  mixed[3] = 1;
  EXPECT_EQ(unusable_free_index(1, fill_contig_page_info(mixed, 1)), 272);
  EXPECT_EQ(unusable_free_index(3, fill_contig_page_info(mixed, 3)), 272);
  EXPECT_EQ(unusable_free_index(4, fill_contig_page_info(mixed, 4)), 1000);
}

TEST(Fragmentation, DebugfsFormatting) {
  // extfrag_show_print: "%2d.%03d " of index/1000 and index%1000.
  EXPECT_EQ(format_extfrag_value(-1000), "-1.000 ");
  EXPECT_EQ(format_extfrag_value(0), " 0.000 ");
  EXPECT_EQ(format_extfrag_value(730), " 0.730 ");
  EXPECT_EQ(format_extfrag_value(916), " 0.916 ");
  EXPECT_EQ(format_extfrag_value(5), " 0.005 ");
  // The kernel's own rendering of a negative remainder.
  EXPECT_EQ(format_extfrag_value(-500), " 0.-500 ");
  // unusable_show_print: "%d.%03d ".
  EXPECT_EQ(format_unusable_value(1000), "1.000 ");
  EXPECT_EQ(format_unusable_value(555), "0.555 ");
  EXPECT_EQ(format_unusable_value(0), "0.000 ");
  EXPECT_EQ(format_unusable_value(42), "0.042 ");
  // A zone whose every order would succeed: "Node 0, zone      DMA -1.000 -1.000 ...".
  NrFree dma{};
  dma[10] = 1;
  std::string line;
  for (unsigned o = 0; o < kNrOrders; ++o)
    line += format_extfrag_value(fragmentation_index(o, fill_contig_page_info(dma, o)));
  std::string want;
  for (unsigned o = 0; o < kNrOrders; ++o) want += "-1.000 ";
  EXPECT_EQ(line, want);
}

}  // namespace
}  // namespace allocsim::model
