// linux-6.18's pcp rules against 6.8's: the free_high threshold of
// free_frozen_page_commit (batch + high_min / 2, 6.16) and drain_pages_zone's
// chunks of batch << CONFIG_PCP_BATCH_SCALE_MAX (6.10).
#include <gtest/gtest.h>

#include <vector>

#include "model/page_alloc.hpp"
#include "model_machines.hpp"

namespace allocsim::model {
namespace {

using testing::kernel;
using testing::small_machine;

// DMA32's pagesets with batch 7 and a fixed high (high_min == high_max).
struct Booted : testing::BootedPages {
  explicit Booted(Flavour f, std::uint32_t high)
      : BootedPages(small_machine(1, 64), sized(f, high)) {}
  static KernelConfig sized(Flavour f, std::uint32_t high) {
    KernelConfig k = kernel(f);
    k.pcp_batch[static_cast<unsigned>(ZoneType::dma32)] = 7;
    k.pcp_high[static_cast<unsigned>(ZoneType::dma32)] = high;
    return k;
  }
  const Zone& dma32() const { return zone(0, ZoneType::dma32); }
  // Blocks taken on CPU 1, to be freed onto CPU 0's lists.
  std::vector<Pfn> take(int n, unsigned order) {
    std::vector<Pfn> pages;
    for (int i = 0; i < n; ++i) pages.push_back(*pa.alloc_pages(machine.cpu(1), gfp(), order));
    return pages;
  }
};

// Consecutive order-1 frees on CPU 0: free_high needs the previous free to
// be of order 1..3 and free_count (2 per free, counted after the test) at
// the threshold. 6.8: free_count >= batch = 7, first met by the 5th free (8).
// 6.18: free_count >= 7 + 200 / 2 = 107, first met by the 55th (108). The
// drain then empties the list (nr_pcp_free: min(count, batch << 5 = 224)).
int first_free_high(Flavour f) {
  Booted b(f, 200);
  const Zone& z = b.dma32();
  const PerCpuPages& pcp = z.pcp[0];
  EXPECT_EQ(pcp.count, 0);
  EXPECT_EQ(pcp.free_count, 0);
  const std::vector<Pfn> blocks = b.take(60, 1);
  const std::uint64_t drains = z.counters.pcp_drains;
  for (int i = 0; i < 60; ++i) {
    b.pa.free_pages(b.cpu(0), blocks[i], 1);
    if (z.counters.pcp_drains != drains) {
      EXPECT_EQ(z.counters.pcp_drains, drains + 1);
      EXPECT_EQ(pcp.count, 0);  // all 2 * (i + 1) pages went back
      EXPECT_EQ(pcp.high, 200);
      b.pa.check_invariants();
      return i + 1;
    }
  }
  return 0;
}

TEST(Pcp618, FreeHighThresholdAddsHalfOfHighMin) {
  EXPECT_EQ(first_free_high(Flavour::linux_6), 5);
  EXPECT_EQ(first_free_high(Flavour::linux_6_18), 55);
}

// drain_local_pages of 500 order-0 pages: one free_pcppages_bulk in 6.8;
// 6.18 takes batch << 5 = 224 at a time: 224, 224, 52.
TEST(Pcp618, ZoneDrainGoesInChunks) {
  for (Flavour f : {Flavour::linux_6, Flavour::linux_6_18}) {
    Booted b(f, 1000);
    const Zone& z = b.dma32();
    const std::vector<Pfn> pages = b.take(500, 0);
    for (Pfn p : pages) b.pa.free_pages(b.cpu(0), p, 0);
    ASSERT_EQ(z.pcp[0].count, 500);
    const std::uint64_t drains = z.counters.pcp_drains;
    const std::uint64_t drained = z.counters.pcp_drained_pages;
    b.pa.drain_local_pages(b.cpu(0));
    EXPECT_EQ(z.pcp[0].count, 0);
    EXPECT_EQ(z.counters.pcp_drained_pages - drained, 500u);
    EXPECT_EQ(z.counters.pcp_drains - drains, f == Flavour::linux_6_18 ? 3u : 1u) << to_string(f);
    b.pa.check_invariants();
  }
}

// A page freed onto a pcp list while its pageblock is of one type and
// drained after the block changed type: 6.8 frees it to the type cached on
// the list, 6.18 (freelist hygiene, 6.10) to the block's type at the drain.
TEST(Pcp618, DrainFreesToThePageblocksCurrentType) {
  for (Flavour f : {Flavour::linux_6, Flavour::linux_6_18}) {
    Booted b(f, 1000);
    const MigrateTypes t = migrate_types(f);
    const Pfn pfn = b.take(1, 0)[0];
    Zone& z = b.pa.zones()[b.pa.mem_map().page(pfn).zone];
    const std::size_t block = (pfn.value() >> b.pa.pageblock_order()) -
                              (z.zone_start_pfn.value() >> b.pa.pageblock_order());
    const unsigned before = z.pageblock_mt[block];
    ASSERT_NE(before, t.reclaimable);
    b.pa.free_pages(b.cpu(0), pfn, 0);
    ASSERT_EQ(z.pcp[0].count, 1);
    z.pageblock_mt[block] = t.reclaimable;
    b.pa.drain_local_pages(b.cpu(0));
    const Page& page = b.pa.mem_map().page(pfn);
    ASSERT_TRUE(page.flags & PG_buddy);
    ASSERT_EQ(page.order, 0u);  // its buddy is on CPU 1's list
    EXPECT_EQ(page.list, f == Flavour::linux_6_18 ? t.reclaimable : before) << to_string(f);
  }
}

}  // namespace
}  // namespace allocsim::model
