// kernel.pcp_batch / kernel.pcp_high: the explicit sizes reach the pagesets
// (and /proc/zoneinfo), rmqueue_bulk refills exactly `batch` pages, and the
// free path drains at the explicit high.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/page_alloc.hpp"
#include "model/pcp_sizing.hpp"
#include "model/proc_zoneinfo.hpp"
#include "model_machines.hpp"

namespace allocsim::model {
namespace {

using testing::kernel;
using testing::small_machine;

struct Booted : testing::BootedPages {
  using BootedPages::BootedPages;
  const Zone& dma32() const { return zone(0, ZoneType::dma32); }
  // Pages taken on CPU 1, to be freed onto CPU 0's list.
  std::vector<Pfn> take(int n) {
    std::vector<Pfn> pages;
    for (int i = 0; i < n; ++i) pages.push_back(*pa.alloc_pages(machine.cpu(1), gfp(), 0));
    return pages;
  }
};

KernelConfig with_sizes(Flavour f, std::uint32_t batch, std::uint32_t high) {
  KernelConfig k = kernel(f);
  k.pcp_batch[static_cast<unsigned>(ZoneType::dma32)] = batch;
  k.pcp_high[static_cast<unsigned>(ZoneType::dma32)] = high;
  return k;
}

TEST(PcpOverride, Formulas) {
  // 2.6.32 pageset_set_batch: high = 6 * batch; an explicit high wins.
  EXPECT_EQ(pcp_sizes_2_6(262144, {7, 0}).batch, 7);
  EXPECT_EQ(pcp_sizes_2_6(262144, {7, 0}).high, 42);
  EXPECT_EQ(pcp_sizes_2_6(262144, {7, 100}).high, 100);
  // 6.8: the batch also sets zone_highsize's floor (batch << 2): with 1023
  // it beats low_wmark / cpus = 1300 / 4 = 325.
  const PcpSizes big = pcp_sizes_6(262144, 1300, 4, 8, 0, {1023, 0});
  EXPECT_EQ(big.batch, 1023);
  EXPECT_EQ(big.high_min, 4092);
  EXPECT_EQ(big.high_max, 262144 / 8 / 4);  // managed / MIN_PERCPU_PAGELIST_HIGH_FRACTION / cpus
  // An explicit high turns auto-tuning off, as percpu_pagelist_high_fraction does.
  const PcpSizes fixed = pcp_sizes_6(262144, 1300, 4, 8, 0, {7, 50});
  EXPECT_EQ(fixed.high_min, 50);
  EXPECT_EQ(fixed.high_max, 50);
  // The zone's type picks its override; the other zones stay auto.
  Booted b(small_machine(1, 64), with_sizes(Flavour::linux_6, 7, 0));
  EXPECT_EQ(b.dma32().pcp[1].batch, 7);
  const Zone& dma = *b.pa.zone_of(0, 0);
  EXPECT_EQ(dma.pcp[0].batch,
            std::max<std::int64_t>(1, zone_batchsize(Flavour::linux_6, dma.managed_pages)));
}

TEST(PcpOverride, Linux26RefillsBatchAndDrainsAtSixBatches) {
  Booted b(small_machine(1, 64), with_sizes(Flavour::linux_2_6, 7, 0));
  const Zone& z = b.dma32();
  const PerCpuPages& pcp = z.pcp[0];
  ASSERT_EQ(pcp.batch, 7);
  ASSERT_EQ(pcp.high, 42);
  // zoneinfo prints them as the kernel does (count, high, batch per CPU).
  const std::string text = proc_zoneinfo(b.pa);
  EXPECT_NE(text.find("    cpu: 0\n              count: 0\n              high:  42\n"
                      "              batch: 7\n"),
            std::string::npos);
  ASSERT_TRUE(b.pa.alloc_pages(b.machine.cpu(0), b.gfp(), 0));
  EXPECT_EQ(pcp.count, 6);  // rmqueue_bulk took 7, one was handed out
  const std::vector<Pfn> pages = b.take(36);
  for (int i = 0; i < 35; ++i) b.pa.free_pages(b.machine.cpu(0), pages[i], 0);
  EXPECT_EQ(pcp.count, 41);
  const std::uint64_t drains = z.counters.pcp_drains;
  b.pa.free_pages(b.machine.cpu(0), pages[35], 0);  // count reaches high: one batch goes back
  EXPECT_EQ(z.counters.pcp_drains, drains + 1);
  EXPECT_EQ(pcp.count, 35);
  b.pa.check_invariants();
}

// 6.8 free_unref_page_commit with high_min == high_max: the drain comes when
// count reaches the explicit high, and frees clamp(free_count, batch, high - batch).
void linux6_drains_at(std::uint32_t high) {
  Booted b(small_machine(1, 64), with_sizes(Flavour::linux_6, 7, high));
  const Zone& z = b.dma32();
  const PerCpuPages& pcp = z.pcp[0];
  ASSERT_EQ(pcp.high, high);
  ASSERT_TRUE(b.pa.alloc_pages(b.machine.cpu(0), b.gfp(), 0));
  EXPECT_EQ(pcp.count, 6);  // nr_pcp_alloc: batch 7 (max_nr_alloc = high - 0 - 7 >= 7)
  const int frees = static_cast<int>(high) - 6;
  const std::vector<Pfn> pages = b.take(frees);
  for (int i = 0; i + 1 < frees; ++i) b.pa.free_pages(b.machine.cpu(0), pages[i], 0);
  EXPECT_EQ(pcp.count, high - 1);
  const std::uint64_t drains = z.counters.pcp_drains;
  b.pa.free_pages(b.machine.cpu(0), pages.back(), 0);
  EXPECT_EQ(z.counters.pcp_drains, drains + 1);
  const std::int64_t to_free = std::clamp<std::int64_t>(frees, 7, high - 7);
  EXPECT_EQ(pcp.count, high - to_free);
  b.pa.check_invariants();
}

TEST(PcpOverride, Linux6DrainsAtTheExplicitHigh) {
  linux6_drains_at(50);   // 44 frees: to_free = clamp(44, 7, 43) = 43, count 7
  linux6_drains_at(200);  // 194 frees: to_free = clamp(194, 7, 193) = 193
}

}  // namespace
}  // namespace allocsim::model
