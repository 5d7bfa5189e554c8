// The Linux-format reports of the page allocator: exact layout per flavour
// (mm/vmstat.c), values that agree with the allocator's state, and the
// fragmentation indices against hand-computed examples.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <optional>
#include <sstream>

#include "model/fragmentation.hpp"
#include "model/proc_buddyinfo.hpp"
#include "model/proc_extfrag.hpp"
#include "model/proc_pagetypeinfo.hpp"
#include "model/proc_vmstat.hpp"
#include "model/proc_zoneinfo.hpp"
#include "model_machines.hpp"

namespace allocsim::model {
namespace {

// x86_64, one node of 64 MiB, 2 CPUs: DMA (pfns 1..4095, 3998 present) and
// DMA32 (pfns 4096..16383) are populated; Normal and Movable are empty.
struct Booted {
  sim::Machine machine;
  PageAllocator pa;
  Booted(Flavour f, unsigned nodes = 1, std::uint64_t mib = 64)
      : machine(testing::small_machine(nodes, mib), 1), pa(machine, testing::kernel(f)) {}
  void churn(unsigned allocs, unsigned cache_pages) {
    const Gfp kernel = parse_gfp(pa.flavour(), "GFP_KERNEL");
    for (unsigned i = 0; i < allocs; ++i) pa.alloc_pages(machine.cpu(0), kernel, i % 4);
    for (unsigned i = 0; i < cache_pages; ++i) pa.alloc_page_cache(machine.cpu(1));
  }
};

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// printf's "%6lu", written out independently.
std::string right(std::uint64_t v, std::size_t width) {
  const std::string digits = std::to_string(v);
  std::string out;
  if (digits.size() < width) out.append(width - digits.size(), ' ');
  out += digits;
  return out;
}

std::string s(std::uint64_t v) {
  return std::to_string(v);
}

class Reports : public ::testing::TestWithParam<Flavour> {
 protected:
  bool v6() const { return GetParam() == Flavour::linux_6; }
};

// --- /proc/buddyinfo ---------------------------------------------------------

TEST_P(Reports, BuddyinfoHasOneExactLinePerPopulatedZone) {
  Booted b(GetParam());
  b.churn(50, 20);
  const auto ls = lines(proc_buddyinfo(b.pa));
  ASSERT_EQ(ls.size(), 2u);  // DMA and DMA32; the empty Normal and Movable are skipped
  const char* prefixes[] = {"Node 0, zone      DMA ", "Node 0, zone    DMA32 "};
  for (std::size_t i = 0; i < ls.size(); ++i) {
    const Zone& z = b.pa.zones()[i];
    std::string expected = prefixes[i];
    std::uint64_t pages = 0;
    for (unsigned o = 0; o < kNrOrders; ++o) {
      expected += right(z.free_area[o].nr_free, 6) + " ";  // "%6lu ", trailing space included
      pages += z.free_area[o].nr_free << o;
    }
    EXPECT_EQ(ls[i], expected);
    EXPECT_EQ(ls[i].size(), 22u + 11 * 7);
    EXPECT_EQ(pages, z.nr_free_pages);
  }
}

TEST_P(Reports, BuddyinfoListsEveryNodeInOrder) {
  Booted b(GetParam(), 2, 64);
  const auto ls = lines(proc_buddyinfo(b.pa));
  ASSERT_EQ(ls.size(), 3u);  // node 1 (pfns 16384..32767) has DMA32 only
  EXPECT_EQ(ls[0].substr(0, 22), "Node 0, zone      DMA ");
  EXPECT_EQ(ls[1].substr(0, 22), "Node 0, zone    DMA32 ");
  EXPECT_EQ(ls[2].substr(0, 22), "Node 1, zone    DMA32 ");
}

// --- /proc/pagetypeinfo ------------------------------------------------------

TEST_P(Reports, PagetypeinfoHeadersAndTypeLinesAreExact) {
  Booted b(GetParam());
  b.churn(50, 20);
  const auto ls = lines(proc_pagetypeinfo(b.pa));
  ASSERT_GE(ls.size(), 4u);
  EXPECT_EQ(ls[0], "Page block order: 9");
  EXPECT_EQ(ls[1], "Pages per block:  512");
  EXPECT_EQ(ls[2], "");
  EXPECT_EQ(ls[3],
            "Free pages count per migrate type at order       0      1      2      3      4      5"
            "      6      7      8      9     10 ");
  const std::vector<std::string> types =
      v6() ? std::vector<std::string>{"Unmovable",  "Movable", "Reclaimable",
                                      "HighAtomic", "CMA",     "Isolate"}
           : std::vector<std::string>{"Unmovable", "Reclaimable", "Movable", "Reserve", "Isolate"};
  const char* zones[] = {"     DMA", "   DMA32"};
  std::size_t at = 4;
  for (unsigned zi = 0; zi < 2; ++zi) {
    const Zone& z = b.pa.zones()[zi];
    std::uint64_t pages = 0;
    for (unsigned mt = 0; mt < types.size(); ++mt, ++at) {
      ASSERT_LT(at, ls.size());
      std::string expected = std::string("Node    0, zone ") + zones[zi] + ", type " +
                             std::string(12 - types[mt].size(), ' ') + types[mt] + " ";
      for (unsigned o = 0; o < kNrOrders; ++o) {
        const std::uint64_t n = z.free_area[o].free_list[mt].count;
        expected += right(n, 6) + " ";
        pages += n << o;
      }
      EXPECT_EQ(ls[at], expected);
    }
    EXPECT_EQ(pages, z.nr_free_pages);  // every free block is on exactly one list
  }
  ASSERT_EQ(ls.size(), at + 4);
  EXPECT_EQ(ls[at], "");
  EXPECT_EQ(ls[at + 1],
            v6() ? "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic"
                   "          CMA      Isolate "
                 : "Number of blocks type     Unmovable  Reclaimable      Movable      Reserve"
                   "      Isolate ");
}

TEST_P(Reports, PagetypeinfoCountsPageblocksFromTheZoneStart) {
  Booted b(GetParam());  // just booted
  const auto ls = lines(proc_pagetypeinfo(b.pa));
  const std::size_t blocks = 4 + 2 * (v6() ? 6 : 5) + 2;
  ASSERT_EQ(ls.size(), blocks + 2);
  // DMA walks pfns 1, 513, ..., 3585: eight blocks. Block 0 starts at pfn 0,
  // outside the zone, so memmap_init never made it Movable. 2.6.32 then turns
  // roundup(min 44, 512) / 512 = 1 Movable block into MIGRATE_RESERVE.
  EXPECT_EQ(ls[blocks],
            v6() ? "Node 0, zone      DMA            1            7            0            0"
                   "            0            0 "
                 : "Node 0, zone      DMA            1            0            6            1"
                   "            0 ");
  // DMA32: 12288 pages, 24 blocks in all.
  std::istringstream f(ls[blocks + 1].substr(22));
  unsigned long total = 0;
  for (unsigned long n; f >> n;) total += n;
  EXPECT_EQ(total, 24u);
}

TEST_P(Reports, PagetypeinfoRepeatsItsHeaderForEveryNodeWithMemory) {
  Booted b(GetParam(), 2, 64);
  const auto ls = lines(proc_pagetypeinfo(b.pa));
  unsigned headers = 0;
  for (const std::string& l : ls) headers += l == "Page block order: 9";
  EXPECT_EQ(headers, 2u);
  // Node 1's DMA32 (pfns 16384..32767) is 32 aligned blocks, all Movable at
  // boot; 2.6.32 makes one of them its MIGRATE_RESERVE block.
  EXPECT_EQ(ls.back(), v6() ? "Node 1, zone    DMA32            0           32            0"
                              "            0            0            0 "
                            : "Node 1, zone    DMA32            0            0           31"
                              "            1            0 ");
}

TEST_P(Reports, PagetypeinfoCapsLongListsIn6x) {
  Booted b(GetParam());
  b.pa.zones()[1].free_area[0].free_list[0].count = 123456;  // only the report reads it
  const auto ls = lines(proc_pagetypeinfo(b.pa));
  const std::size_t dma32_unmovable = 4 + (v6() ? 6 : 5);
  const std::string expected = v6() ? "Node    0, zone    DMA32, type    Unmovable >100000 "
                                    : "Node    0, zone    DMA32, type    Unmovable 123456 ";
  EXPECT_EQ(ls[dma32_unmovable].substr(0, expected.size()), expected);
}

// --- /proc/zoneinfo ----------------------------------------------------------

// The pagesets block of a zone, as zoneinfo_show_print writes it.
std::string pagesets(const Zone& z, int threshold) {
  std::string out = "\n  pagesets";
  for (std::size_t c = 0; c < z.pcp.size(); ++c)
    out += "\n    cpu: " + s(c) + "\n              count: " + s(z.pcp[c].count) +
           "\n              high:  " + s(z.pcp[c].high) +
           "\n              batch: " + s(z.pcp[c].batch) +
           "\n  vm stats threshold: " + std::to_string(threshold);
  return out;
}

// "%-12s %lu" after the 2.6.32 (4) or 6.8 (6) indent.
std::string item(std::size_t indent, const std::string& name, std::uint64_t v) {
  std::string out = "\n";
  out.append(indent, ' ');
  out += name;
  if (name.size() < 12) out.append(12 - name.size(), ' ');
  out += ' ';
  out += std::to_string(v);
  return out;
}

std::string numa_items(std::size_t indent, const ZoneCounters& c) {
  return item(indent, "numa_hit", c.numa_hit) + item(indent, "numa_miss", c.numa_miss) +
         item(indent, "numa_foreign", c.numa_foreign) +
         item(indent, "numa_interleave", c.numa_interleave) +
         item(indent, "numa_local", c.numa_local) + item(indent, "numa_other", c.numa_other);
}

std::string protection(const Zone& z) {
  return "\n        protection: (" + s(z.lowmem_reserve[0]) + ", " + s(z.lowmem_reserve[1]) + ", " +
         s(z.lowmem_reserve[2]) + ", " + s(z.lowmem_reserve[3]) + ")";
}

const char* const kZoneStats26[] = {
    "nr_free_pages",
    "nr_inactive_anon",
    "nr_active_anon",
    "nr_inactive_file",
    "nr_active_file",
    "nr_unevictable",
    "nr_mlock",
    "nr_anon_pages",
    "nr_mapped",
    "nr_file_pages",
    "nr_dirty",
    "nr_writeback",
    "nr_slab_reclaimable",
    "nr_slab_unreclaimable",
    "nr_page_table_pages",
    "nr_kernel_stack",
    "nr_unstable",
    "nr_bounce",
    "nr_vmscan_write",
    "nr_writeback_temp",
    "nr_isolated_anon",
    "nr_isolated_file",
    "nr_shmem",
};

TEST(Zoneinfo, Linux26FieldOrderAndSpacing) {
  Booted b(Flavour::linux_2_6);
  b.churn(50, 20);
  const std::string text = proc_zoneinfo(b.pa);
  auto block = [&](const Zone& z, const char* name, std::uint64_t file) {
    std::string e = std::string("Node 0, zone ") + name;
    e += "\n  pages free     " + s(z.nr_free_pages);
    e += "\n        min      " + s(z.wmark.min);
    e += "\n        low      " + s(z.wmark.low);
    e += "\n        high     " + s(z.wmark.high);
    e += "\n        scanned  0";
    e += "\n        spanned  " + s(z.spanned_pages);
    e += "\n        present  " + s(z.present_pages);
    for (const char* n : kZoneStats26) {
      const std::string name_s = n;
      const std::uint64_t v = name_s == "nr_free_pages" ? z.nr_free_pages
                              : name_s == "nr_inactive_file" || name_s == "nr_file_pages" ? file
                                                                                          : 0;
      e += item(4, name_s, v);
    }
    e += numa_items(4, z.counters) + protection(z);
    // 2 CPUs, < 128 MiB: 2 * fls(2) * (1 + fls(0)) = 4; below 1 GiB the inactive ratio is 1.
    e += pagesets(z, 4);
    e += "\n  all_unreclaimable: 0";
    e += "\n  prev_priority:     12";
    e += "\n  start_pfn:         " + s(z.zone_start_pfn.value());
    e += "\n  inactive_ratio:    1\n";
    return e;
  };
  // The page-cache pages (GFP_HIGHUSER_MOVABLE) all come from DMA32.
  EXPECT_EQ(text, block(b.pa.zones()[0], "     DMA", 0) + block(b.pa.zones()[1], "   DMA32", 20));
  EXPECT_EQ(b.pa.zones()[0].pcp[0].high, 0);  // 2.6.32 DMA pageset: high 0, batch 1
  EXPECT_EQ(b.pa.zones()[0].pcp[0].batch, 1);
}

const char* const kNodeStats68[] = {
    "nr_inactive_anon",
    "nr_active_anon",
    "nr_inactive_file",
    "nr_active_file",
    "nr_unevictable",
    "nr_slab_reclaimable",
    "nr_slab_unreclaimable",
    "nr_isolated_anon",
    "nr_isolated_file",
    "workingset_nodes",
    "workingset_refault_anon",
    "workingset_refault_file",
    "workingset_activate_anon",
    "workingset_activate_file",
    "workingset_restore_anon",
    "workingset_restore_file",
    "workingset_nodereclaim",
    "nr_anon_pages",
    "nr_mapped",
    "nr_file_pages",
    "nr_dirty",
    "nr_writeback",
    "nr_writeback_temp",
    "nr_shmem",
    "nr_shmem_hugepages",
    "nr_shmem_pmdmapped",
    "nr_file_hugepages",
    "nr_file_pmdmapped",
    "nr_anon_transparent_hugepages",
    "nr_vmscan_write",
    "nr_vmscan_immediate_reclaim",
    "nr_dirtied",
    "nr_written",
    "nr_throttled_written",
    "nr_kernel_misc_reclaimable",
    "nr_foll_pin_acquired",
    "nr_foll_pin_released",
    "nr_kernel_stack",
    "nr_page_table_pages",
    "nr_sec_page_table_pages",
    "nr_swapcached",
    "pgdemote_kswapd",
    "pgdemote_direct",
    "pgdemote_khugepaged",
};

TEST(Zoneinfo, Linux68FieldOrderAndSpacing) {
  Booted b(Flavour::linux_6);
  b.churn(50, 20);
  b.pa.zones()[1].watermark_boost = 7;  // printed as boost and added to min/low/high
  const std::string text = proc_zoneinfo(b.pa);
  auto block = [&](const Zone& z, const char* name, bool node_stats) {
    std::string e = std::string("Node 0, zone ") + name;
    if (node_stats) {
      e += "\n  per-node stats";
      for (const char* n : kNodeStats68) {
        const std::string name_s = n;
        e += item(6, name_s, name_s == "nr_inactive_file" || name_s == "nr_file_pages" ? 20 : 0);
      }
    }
    const std::uint64_t boost = z.watermark_boost;
    e += "\n  pages free     " + s(z.nr_free_pages);
    e += "\n        boost    " + s(boost);
    e += "\n        min      " + s(z.wmark.min + boost);
    e += "\n        low      " + s(z.wmark.low + boost);
    e += "\n        high     " + s(z.wmark.high + boost);
    e += "\n        spanned  " + s(z.spanned_pages);
    e += "\n        present  " + s(z.present_pages);
    e += "\n        managed  " + s(z.managed_pages);
    e += "\n        cma      0";
    e += protection(z);
    std::uint64_t file = 0;
    for (Pfn p = z.zone_start_pfn; p < z.zone_start_pfn + z.spanned_pages; ++p)
      file += (b.pa.mem_map().page(p).flags & PG_lru) != 0;
    e += item(6, "nr_free_pages", z.nr_free_pages);
    e += item(6, "nr_zone_inactive_anon", 0);
    e += item(6, "nr_zone_active_anon", 0);
    e += item(6, "nr_zone_inactive_file", file);
    e += item(6, "nr_zone_active_file", 0);
    e += item(6, "nr_zone_unevictable", 0);
    e += item(6, "nr_zone_write_pending", 0);
    e += item(6, "nr_mlock", 0);
    e += item(6, "nr_bounce", 0);
    e += item(6, "nr_free_cma", 0);
    e += numa_items(6, z.counters);
    e += pagesets(z, 4);  // managed < 128 MiB, 2 CPUs
    e += "\n  node_unreclaimable:  0";
    e += "\n  start_pfn:           " + s(z.zone_start_pfn.value()) + "\n";
    return e;
  };
  // Empty zones end after protection. __setup_per_zone_wmarks gives an empty
  // Movable zone min = clamp(0 / 1024, SWAP_CLUSTER_MAX, 128) = 32 and low =
  // high = min; Normal gets 0.
  const std::string normal =
      "Node 0, zone   Normal\n  pages free     0\n        boost    0\n        min      0"
      "\n        low      0\n        high     0\n        spanned  0\n        present  0"
      "\n        managed  0\n        cma      0\n        protection: (0, 0, 0, 0)\n";
  const std::string movable =
      "Node 0, zone  Movable\n  pages free     0\n        boost    0\n        min      32"
      "\n        low      32\n        high     32\n        spanned  0\n        present  0"
      "\n        managed  0\n        cma      0\n        protection: (0, 0, 0, 0)\n";
  EXPECT_EQ(text, block(b.pa.zones()[0], "     DMA", true) +
                      block(b.pa.zones()[1], "   DMA32", false) + normal + movable);
  EXPECT_EQ(text.find("promo"), std::string::npos);  // 6.9+ only
}

TEST(Zoneinfo, Linux68NodeStatsUnderEachNodesFirstPopulatedZone) {
  Booted b(Flavour::linux_6, 2, 64);
  const auto ls = lines(proc_zoneinfo(b.pa));
  std::vector<std::string> zone_lines;
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < ls.size(); ++i)
    if (ls[i].rfind("Node ", 0) == 0) zone_lines.push_back(ls[i]), at.push_back(i);
  // Every zone index of every node, populated or not.
  EXPECT_EQ(zone_lines,
            (std::vector<std::string>{"Node 0, zone      DMA", "Node 0, zone    DMA32",
                                      "Node 0, zone   Normal", "Node 0, zone  Movable",
                                      "Node 1, zone      DMA", "Node 1, zone    DMA32",
                                      "Node 1, zone   Normal", "Node 1, zone  Movable"}));
  EXPECT_EQ(ls[at[0] + 1], "  per-node stats");
  EXPECT_EQ(ls[at[1] + 1], "  pages free     " + s(b.pa.zones()[1].nr_free_pages));
  EXPECT_EQ(ls[at[4] + 1], "  pages free     0");  // node 1 has no DMA
  EXPECT_EQ(ls[at[5] + 1], "  per-node stats");
  EXPECT_EQ(at[6] - at[5], 2u + 44 + 10 + 10 + 6 + 1 + 4 * 5 + 2);
}

TEST(Zoneinfo, Linux26ListsOnlyPopulatedZones) {
  Booted b(Flavour::linux_2_6, 2, 64);
  std::vector<std::string> zone_lines;
  for (const std::string& l : lines(proc_zoneinfo(b.pa)))
    if (l.rfind("Node ", 0) == 0) zone_lines.push_back(l);
  EXPECT_EQ(zone_lines, (std::vector<std::string>{"Node 0, zone      DMA", "Node 0, zone    DMA32",
                                                  "Node 1, zone    DMA32"}));
}

// calculate_threshold / calculate_normal_threshold and the 2.6.32 inactive
// ratio on a 2 GiB zone. DMA32 has 520192 present pages (managed 511995 in
// 6.8): 128 MiB units = 15, fls(15) = 4, so 2 * fls(2) * (1 + 4) = 20; 1 GiB
// units = 1, int_sqrt(10 * 1) = 3.
TEST_P(Reports, ZoneinfoThresholdAndInactiveRatioOfALargerZone) {
  Booted b(GetParam(), 1, 2048);
  const Zone& dma32 = b.pa.zones()[1];
  ASSERT_EQ(dma32.type, ZoneType::dma32);
  ASSERT_GE(v6() ? dma32.managed_pages : dma32.present_pages, 15u << 15);
  ASSERT_LT(v6() ? dma32.managed_pages : dma32.present_pages, 16u << 15);
  const std::string text = proc_zoneinfo(b.pa);
  const std::size_t from = text.find("Node 0, zone    DMA32");
  ASSERT_NE(from, std::string::npos);
  const std::string zone = text.substr(from);
  EXPECT_NE(zone.find("\n  vm stats threshold: 20\n"), std::string::npos);
  if (!v6()) {
    EXPECT_NE(zone.find("\n  inactive_ratio:    3\n"), std::string::npos);
  }
}

// --- debugfs extfrag_index / unusable_index -----------------------------------

std::array<std::uint64_t, kNrOrders> free_counts(std::initializer_list<std::uint64_t> v) {
  std::array<std::uint64_t, kNrOrders> a{};
  std::copy(v.begin(), v.end(), a.begin());
  return a;
}

TEST(DebugfsIndices, HandComputedZones) {
  // Ten free order-0 pages: free_pages 10, blocks 10.
  const auto ten = free_counts({10});
  EXPECT_EQ(fragmentation_index(0, fill_contig_page_info(ten, 0)), -1000);  // would succeed
  // 1000 - (1000 + 10 * 1000 / 2) / 10 = 1000 - 600
  EXPECT_EQ(fragmentation_index(1, fill_contig_page_info(ten, 1)), 400);
  // 1000 - (1000 + 10000 / 8) / 10 = 1000 - 2250 / 10
  EXPECT_EQ(fragmentation_index(3, fill_contig_page_info(ten, 3)), 775);
  // 1000 - (1000 + 10000 / 1024) / 10 = 1000 - 1009 / 10
  EXPECT_EQ(fragmentation_index(10, fill_contig_page_info(ten, 10)), 900);
  EXPECT_EQ(unusable_free_index(0, fill_contig_page_info(ten, 0)), 0);
  EXPECT_EQ(unusable_free_index(1, fill_contig_page_info(ten, 1)), 1000);

  // 4 x order 0, 2 x order 1, 1 x order 3: 16 pages in 7 blocks.
  const auto mixed = free_counts({4, 2, 0, 1});
  const ContigPageInfo at1 = fill_contig_page_info(mixed, 1);
  EXPECT_EQ(at1.free_pages, 16u);
  EXPECT_EQ(at1.free_blocks_total, 7u);
  EXPECT_EQ(at1.free_blocks_suitable, 2u + 4u);  // two order-1 blocks, one order-3 = four
  EXPECT_EQ(fragmentation_index(2, fill_contig_page_info(mixed, 2)), -1000);
  // 1000 - (1000 + 16000 / 16) / 7 = 1000 - 2000 / 7
  EXPECT_EQ(fragmentation_index(4, fill_contig_page_info(mixed, 4)), 715);
  // (16 - (6 << 1)) * 1000 / 16
  EXPECT_EQ(unusable_free_index(1, at1), 250);
  // (16 - (2 << 2)) * 1000 / 16
  EXPECT_EQ(unusable_free_index(2, fill_contig_page_info(mixed, 2)), 500);
  EXPECT_EQ(unusable_free_index(4, fill_contig_page_info(mixed, 4)), 1000);

  // An empty zone: index 0, everything unusable.
  const auto none = free_counts({});
  EXPECT_EQ(fragmentation_index(5, fill_contig_page_info(none, 5)), 0);
  EXPECT_EQ(unusable_free_index(5, fill_contig_page_info(none, 5)), 1000);

  EXPECT_EQ(format_extfrag_value(-1000), "-1.000 ");
  EXPECT_EQ(format_extfrag_value(0), " 0.000 ");
  EXPECT_EQ(format_extfrag_value(775), " 0.775 ");
  EXPECT_EQ(format_unusable_value(1000), "1.000 ");
  EXPECT_EQ(format_unusable_value(250), "0.250 ");
}

TEST_P(Reports, DebugfsFilesPrintEveryPopulatedZone) {
  Booted b(GetParam());
  // At boot DMA32 has free order-10 blocks: every order would succeed.
  std::string all_succeed = "Node 0, zone    DMA32 ";
  for (unsigned o = 0; o < kNrOrders; ++o) all_succeed += "-1.000 ";
  EXPECT_EQ(lines(debugfs_extfrag_index(b.pa)).at(1), all_succeed);
  // Give DMA the ten-order-0-pages example (only the reports read nr_free).
  FreeAreas& fa = b.pa.zones()[0].free_area;
  for (unsigned o = 0; o < kNrOrders; ++o) fa[o].nr_free = o == 0 ? 10 : 0;
  EXPECT_EQ(lines(debugfs_extfrag_index(b.pa)).at(0),
            "Node 0, zone      DMA -1.000  0.400  0.650  0.775  0.838  0.869  0.885  0.893  0.897"
            "  0.899  0.900 ");
  EXPECT_EQ(lines(debugfs_unusable_index(b.pa)).at(0),
            "Node 0, zone      DMA 0.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000"
            " 1.000 ");
  EXPECT_EQ(lines(debugfs_unusable_index(b.pa)).size(), 2u);
}

// --- /proc/vmstat ------------------------------------------------------------

std::vector<std::string> names(const std::string& text) {
  std::vector<std::string> out;
  for (const std::string& l : lines(text)) out.push_back(l.substr(0, l.find(' ')));
  return out;
}

std::uint64_t value(const std::string& text, const std::string& name) {
  for (const std::string& l : lines(text))
    if (l.rfind(name + " ", 0) == 0) return std::stoull(l.substr(name.size() + 1));
  ADD_FAILURE() << name << " missing";
  return 0;
}

TEST_P(Reports, VmstatUsesTheFlavoursNamesInKernelOrder) {
  Booted b(GetParam());
  b.churn(10, 20);
  const std::optional<Pfn> page =
      b.pa.alloc_pages(b.machine.cpu(0), parse_gfp(GetParam(), "GFP_KERNEL"), 0);
  ASSERT_TRUE(page);
  ASSERT_TRUE(b.pa.free_pages(b.machine.cpu(0), *page, 0));
  const std::string text = proc_vmstat(b.pa);
  const std::vector<std::string> expected =
      v6()
          ? std::vector<std::string>{"nr_free_pages",
                                     "nr_zone_inactive_file",
                                     "numa_hit",
                                     "numa_miss",
                                     "numa_foreign",
                                     "numa_interleave",
                                     "numa_local",
                                     "numa_other",
                                     "nr_inactive_file",
                                     "nr_slab_reclaimable",
                                     "nr_slab_unreclaimable",
                                     "nr_file_pages",
                                     "pgfree",
                                     "pgsteal_kswapd",
                                     "pgsteal_direct",
                                     "pgsteal_file",
                                     "pageoutrun"}
          : std::vector<std::string>{
                "nr_free_pages",         "nr_inactive_file", "nr_file_pages", "nr_slab_reclaimable",
                "nr_slab_unreclaimable", "numa_hit",         "numa_miss",     "numa_foreign",
                "numa_interleave",       "numa_local",       "numa_other",    "pgfree",
                "kswapd_steal",          "pageoutrun",       "allocstall"};
  EXPECT_EQ(names(text), expected);
  std::uint64_t free = 0, hits = 0;
  for (const Zone& z : b.pa.zones()) free += z.nr_free_pages, hits += z.counters.numa_hit;
  EXPECT_EQ(value(text, "nr_free_pages"), free);
  EXPECT_EQ(value(text, "nr_file_pages"), 20u);
  EXPECT_EQ(value(text, "nr_inactive_file"), 20u);
  EXPECT_EQ(value(text, "numa_hit"), hits);
  EXPECT_EQ(value(text, "numa_hit"), 31u);  // 10 + 20 + 1 allocations, all on the local node
  EXPECT_EQ(value(text, "pgfree"), 1u);     // one order-0 page
  EXPECT_EQ(value(text, "pageoutrun"), b.pa.events().kswapd_runs);
}

INSTANTIATE_TEST_SUITE_P(Flavours, Reports, ::testing::Values(Flavour::linux_2_6, Flavour::linux_6),
                         [](const auto& info) {
                           return info.param == Flavour::linux_2_6 ? "linux_2_6" : "linux_6";
                         });

}  // namespace
}  // namespace allocsim::model
