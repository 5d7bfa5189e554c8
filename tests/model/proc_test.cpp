// The Linux-format reports: exact layout per flavour, and values that agree
// with the allocator's state.
#include "model/proc_page.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "model_machines.hpp"

namespace allocsim::model {
namespace {

struct Booted {
  sim::Machine machine;
  PageAllocator pa;
  explicit Booted(Flavour f)
      : machine(testing::small_machine(1, 64), 1), pa(machine, testing::kernel(f)) {
    for (int i = 0; i < 50; ++i) pa.alloc_pages(machine.cpu(0), parse_gfp(f, "GFP_KERNEL"), i % 4);
  }
};

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

class Reports : public ::testing::TestWithParam<Flavour> {};

TEST_P(Reports, BuddyinfoLinesMatchTheFreeLists) {
  Booted b(GetParam());
  const auto ls = lines(proc_buddyinfo(b.pa));
  ASSERT_EQ(ls.size(), 2u);  // DMA and DMA32
  const std::regex line(R"(Node 0, zone +(DMA|DMA32) ( {0,5}\d+ ){11})");
  for (std::size_t i = 0; i < ls.size(); ++i) {
    EXPECT_TRUE(std::regex_match(ls[i], line)) << ls[i];
    std::istringstream fields(ls[i].substr(22));
    std::uint64_t pages = 0, n = 0;
    for (unsigned o = 0; fields >> n; ++o) pages += n << o;
    EXPECT_EQ(pages, b.pa.zones()[i].nr_free_pages);
  }
  EXPECT_EQ(ls[0].substr(0, 22), "Node 0, zone      DMA ");
}

TEST_P(Reports, PagetypeinfoHeadersAndBlockCounts) {
  Booted b(GetParam());
  const auto ls = lines(proc_pagetypeinfo(b.pa));
  EXPECT_EQ(ls[0], "Page block order: 9");
  EXPECT_EQ(ls[1], "Pages per block:  512");
  EXPECT_EQ(ls[2], "");
  EXPECT_EQ(
      ls[3],
      "Free pages count per migrate type at order       0      1      2      3      4      5      6"
      "      7      8      9     10 ");
  const bool v6 = GetParam() == Flavour::linux_6;
  EXPECT_EQ(ls[4].substr(0, 39), v6 ? "Node    0, zone      DMA, type    Unmov"
                                    : "Node    0, zone      DMA, type    Unmov");
  const unsigned types = v6 ? 6 : 5;
  const std::string blocks_header = ls[4 + 2 * types + 1];
  EXPECT_EQ(blocks_header.substr(0, 23), "Number of blocks type  ");
  // DMA: pfns 1..4095 in 8 pageblocks; the first starts at pfn 0, outside
  // the zone, so memmap_init never made it Movable.
  const std::string dma = ls[4 + 2 * types + 2];
  std::istringstream f(dma.substr(22));
  std::vector<unsigned long> counts;
  for (unsigned long n; f >> n;) counts.push_back(n);
  ASSERT_EQ(counts.size(), types);
  unsigned long total = 0;
  for (unsigned long n : counts) total += n;
  EXPECT_EQ(total, 8u);
  EXPECT_GE(counts[0], 1u);  // Unmovable
}

TEST_P(Reports, ZoneinfoLayoutPerFlavour) {
  Booted b(GetParam());
  const Zone& dma = b.pa.zones()[0];
  const auto ls = lines(proc_zoneinfo(b.pa));
  EXPECT_EQ(ls[0], "Node 0, zone      DMA");
  if (GetParam() == Flavour::linux_2_6) {
    EXPECT_EQ(ls[1], "  pages free     " + std::to_string(dma.nr_free_pages));
    EXPECT_EQ(ls[2], "        min      " + std::to_string(dma.wmark.min));
    EXPECT_EQ(ls[5], "        scanned  0");
    EXPECT_EQ(ls[6], "        spanned  4095");
    EXPECT_EQ(ls[7], "        present  3998");
    EXPECT_EQ(ls[8], "    nr_free_pages " + std::to_string(dma.nr_free_pages));
    EXPECT_EQ(ls[37], "        protection: (0, " + std::to_string(dma.lowmem_reserve[1]) + ", " +
                          std::to_string(dma.lowmem_reserve[2]) + ", " +
                          std::to_string(dma.lowmem_reserve[3]) + ")");
    EXPECT_EQ(ls[38], "  pagesets");
    EXPECT_EQ(ls[39], "    cpu: 0");
    EXPECT_EQ(ls[41], "              high:  0");  // 2.6.32 DMA: hi 0, btch 1
    EXPECT_EQ(ls[42], "              batch: 1");
  } else {
    EXPECT_EQ(ls[1], "  per-node stats");
    const auto at =
        std::find(ls.begin(), ls.end(), "  pages free     " + std::to_string(dma.nr_free_pages));
    ASSERT_NE(at, ls.end());
    EXPECT_EQ(*(at + 1), "        boost    0");
    EXPECT_EQ(*(at + 7), "        managed  " + std::to_string(dma.managed_pages));
    EXPECT_EQ(*(at + 8), "        cma      0");
  }
  // Every zone block ends with start_pfn (6.8 also lists unpopulated zones).
  EXPECT_NE(std::find(ls.begin(), ls.end(),
                      GetParam() == Flavour::linux_6 ? "  start_pfn:           4096"
                                                     : "  start_pfn:         4096"),
            ls.end());
}

TEST_P(Reports, FragmentationFilesHaveAValuePerOrder) {
  Booted b(GetParam());
  for (const std::string& s : {debugfs_extfrag_index(b.pa), debugfs_unusable_index(b.pa)}) {
    const auto ls = lines(s);
    ASSERT_EQ(ls.size(), 2u);
    std::istringstream f(ls[1].substr(22));
    int n = 0;
    for (std::string v; f >> v;) ++n;
    EXPECT_EQ(n, 11);
  }
  // The DMA32 zone has order-10 blocks: every order would succeed.
  EXPECT_NE(debugfs_extfrag_index(b.pa).find("DMA32 -1.000 -1.000"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Flavours, Reports, ::testing::Values(Flavour::linux_2_6, Flavour::linux_6),
                         [](const auto& info) {
                           return info.param == Flavour::linux_2_6 ? "linux_2_6" : "linux_6";
                         });

}  // namespace
}  // namespace allocsim::model
