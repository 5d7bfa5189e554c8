// 6.x nr_pcp_high under ZONE_RECLAIM_ACTIVE, which kswapd's balance_pgdat
// sets on its node's zones while it runs (set_reclaim_active /
// clear_reclaim_active), and free_high's PCPF_FREE_HIGH_BATCH
// (zone_pcp_update_cacheinfo). Both as in 6.8 and 6.18.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "model_machines.hpp"

namespace allocsim::model {
namespace {

using testing::kernel;
using testing::small_machine;

// DMA32's pagesets with batch `batch` and a fixed high (high_min == high_max).
struct Booted : testing::BootedPages {
  Booted(Flavour f, std::uint32_t batch, std::uint32_t high,
         const sim::MachineConfig& mc = small_machine(1, 64))
      : BootedPages(mc, sized(f, batch, high)) {}
  static KernelConfig sized(Flavour f, std::uint32_t batch, std::uint32_t high) {
    KernelConfig k = kernel(f);
    k.stat_interval = 0;  // no vmstat pass: decay_pcp_high stays out of the counts
    k.pcp_batch[static_cast<unsigned>(ZoneType::dma32)] = batch;
    k.pcp_high[static_cast<unsigned>(ZoneType::dma32)] = high;
    return k;
  }
  Zone& dma32() {
    const Zone& z = zone(0, ZoneType::dma32);
    return pa.zones()[static_cast<std::size_t>(&z - pa.zones().data())];
  }
  // Blocks taken on CPU `on` (1 unless said), to be freed onto another's lists.
  std::vector<Pfn> take(int n, unsigned order, sim::CpuId on = 1) {
    std::vector<Pfn> pages;
    for (int i = 0; i < n; ++i) pages.push_back(*pa.alloc_pages(machine.cpu(on), gfp(), order));
    return pages;
  }
};

constexpr Flavour kSixes[] = {Flavour::linux_6, Flavour::linux_6_18};

// Batch 7, fixed high 200, reclaim active: nr_pcp_high returns min(7 << 2,
// high) = 28, so the 28th order-0 free drains nr_pcp_free = clamp(free_count
// = 28, 7, 28 - 7) = 21 pages, leaving 7; the 49th (free_count 49) drains 21
// again. high itself stays at high_min. Without the flag nothing drains
// below 200.
TEST(PcpReclaimActive, CapsTheListAtFourBatchesEvenWithAFixedHigh) {
  for (Flavour f : kSixes) {
    Booted b(f, 7, 200);
    Zone& z = b.dma32();
    const PerCpuPages& pcp = z.pcp[0];
    const std::vector<Pfn> pages = b.take(80, 0);
    const std::uint64_t drains = z.counters.pcp_drains;
    z.reclaim_active = true;
    std::vector<std::int64_t> counts;  // after each free
    for (int i = 0; i < 50; ++i) {
      b.pa.free_pages(b.cpu(0), pages[i], 0);
      counts.push_back(pcp.count);
    }
    EXPECT_EQ(counts[26], 27) << to_string(f);
    EXPECT_EQ(counts[27], 7) << to_string(f);
    EXPECT_EQ(counts[47], 27) << to_string(f);
    EXPECT_EQ(counts[48], 7) << to_string(f);
    EXPECT_EQ(*std::max_element(counts.begin(), counts.end()), 27) << to_string(f);
    EXPECT_EQ(pcp.count, 8) << to_string(f);
    EXPECT_EQ(z.counters.pcp_drains - drains, 2u) << to_string(f);
    EXPECT_EQ(pcp.high, 200) << to_string(f);
    z.reclaim_active = false;
    for (int i = 50; i < 80; ++i) b.pa.free_pages(b.cpu(0), pages[i], 0);
    EXPECT_EQ(pcp.count, 38) << to_string(f);
    EXPECT_EQ(z.counters.pcp_drains - drains, 2u) << to_string(f);
    b.pa.check_invariants();
  }
}

// An auto-tuned list (high_min 50 < high 300 < high_max 400) loses
// max(free_count, batch) of its high on every free while reclaim is active:
// 7 for each of the first 7 frees (300 - 49 = 251), then 8, 9, ... 20
// (251 - 182 = 69 after the 20th), and the 21st reaches high_min (69 - 21
// < 50). None of the 21 pages drains (the cap, 28, is not reached). Without
// the flag the same frees leave high at 300 (count stays below it).
TEST(PcpReclaimActive, ShrinksAnAutoTunedHighByFreeCount) {
  for (Flavour f : kSixes) {
    for (bool active : {true, false}) {
      Booted b(f, 7, 0);
      Zone& z = b.dma32();
      PerCpuPages& pcp = z.pcp[0];
      const std::vector<Pfn> pages = b.take(21, 0);
      ASSERT_FALSE(z.below_high);
      pcp.high_min = 50;
      pcp.high = 300;
      pcp.high_max = 400;
      z.reclaim_active = active;
      std::vector<std::int64_t> highs;  // after each free
      for (int i = 0; i < 21; ++i) {
        b.pa.free_pages(b.cpu(0), pages[i], 0);
        highs.push_back(pcp.high);
      }
      EXPECT_EQ(highs[0], active ? 293 : 300) << to_string(f);
      EXPECT_EQ(highs[6], active ? 251 : 300) << to_string(f);
      EXPECT_EQ(highs[7], active ? 243 : 300) << to_string(f);
      EXPECT_EQ(highs[19], active ? 69 : 300) << to_string(f);
      EXPECT_EQ(pcp.high, active ? 50 : 300) << to_string(f);
      EXPECT_EQ(pcp.count, 21) << to_string(f);
    }
  }
}

// zone_pcp_update_cacheinfo: PCPF_FREE_HIGH_BATCH when the CPU's share of
// its LLC, in pages, exceeds 3 * batch. 512 KiB shared by the node's 2 CPUs
// is 64 pages: set for batch 21 (63), clear for batch 22 (66) and for the
// small machine's 64 KiB LLC (8 pages). Never in 2.6.32.
TEST(PcpFreeHighBatch, SetFromTheCpusShareOfItsLlc) {
  sim::MachineConfig big = small_machine(1, 64);
  big.llc.size_bytes = 512 * 1024;
  EXPECT_TRUE(Booted(Flavour::linux_6, 21, 200, big).dma32().pcp[1].free_high_batch);
  EXPECT_TRUE(Booted(Flavour::linux_6_18, 21, 200, big).dma32().pcp[0].free_high_batch);
  EXPECT_FALSE(Booted(Flavour::linux_6, 22, 200, big).dma32().pcp[0].free_high_batch);
  EXPECT_FALSE(Booted(Flavour::linux_2_6, 21, 200, big).dma32().pcp[0].free_high_batch);
  EXPECT_FALSE(Booted(Flavour::linux_6, 7, 200).dma32().pcp[0].free_high_batch);
}

// 6.8, batch 7, fixed high 200, consecutive order-1 frees on CPU 0: the 5th
// (free_count 10 >= 7) takes free_high and empties the list. Then free_count
// stays >= 7, so without the flag every further order-1 free drains again;
// with it free_high also needs count >= batch: frees 6 to 8 leave 2, 4, 6
// pages and the 9th (8 pages) drains.
TEST(PcpFreeHighBatch, KeepsABatchBeforeFreeHighDrains) {
  sim::MachineConfig big = small_machine(1, 64);
  big.llc.size_bytes = 1024 * 1024;
  for (bool flag : {false, true}) {
    Booted b(Flavour::linux_6, 7, 200, flag ? big : small_machine(1, 64));
    Zone& z = b.dma32();
    const PerCpuPages& pcp = z.pcp[0];
    ASSERT_EQ(pcp.free_high_batch, flag);
    const std::vector<Pfn> blocks = b.take(9, 1);
    const std::uint64_t drains = z.counters.pcp_drains;
    std::vector<std::int64_t> counts;
    for (Pfn p : blocks) {
      b.pa.free_pages(b.cpu(0), p, 1);
      counts.push_back(pcp.count);
    }
    if (flag) {
      EXPECT_EQ(counts, (std::vector<std::int64_t>{2, 4, 6, 8, 0, 2, 4, 6, 0}));
      EXPECT_EQ(z.counters.pcp_drains - drains, 2u);
    } else {
      EXPECT_EQ(counts, (std::vector<std::int64_t>{2, 4, 6, 8, 0, 0, 0, 0, 0}));
      EXPECT_EQ(z.counters.pcp_drains - drains, 5u);
    }
    b.pa.check_invariants();
  }
}

// kswapd leaves no zone flagged after its run (clear_reclaim_active), and
// 2.6.32's never flags one.
TEST(PcpReclaimActive, ClearedWhenKswapdEnds) {
  for (Flavour f : {Flavour::linux_2_6, Flavour::linux_6, Flavour::linux_6_18}) {
    Booted b(f, 7, 200);
    sim::Cpu& cpu = b.cpu(0);
    while (cpu.work().size() == 0) ASSERT_TRUE(b.pa.alloc_page_cache(cpu));
    cpu.spend(cpu.work().next_due() - cpu.now());
    cpu.run_due_work();
    EXPECT_EQ(b.pa.events().kswapd_runs, 1u) << to_string(f);
    for (const Zone& z : b.pa.zones()) EXPECT_FALSE(z.reclaim_active) << to_string(f);
  }
}

}  // namespace
}  // namespace allocsim::model
