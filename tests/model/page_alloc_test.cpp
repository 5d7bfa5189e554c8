// The page allocator on a booted machine: boot accounting, GFP zones and
// reserves, NUMA fallback and counters, pcp behaviour, bad frees, reclaim,
// and a randomized stress test with the invariant checker after every step.
#include "model/page_alloc.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "model/pcp_sizing.hpp"
#include "model_machines.hpp"
#include "sim/rng.hpp"

namespace allocsim::model {
namespace {

using testing::kernel;
using testing::small_machine;

using Booted = testing::BootedPages;

class BothFlavours : public ::testing::TestWithParam<Flavour> {};

TEST_P(BothFlavours, BootAccountsEveryPage) {
  Booted b(small_machine(1, 64), kernel(GetParam()));
  b.pa.check_invariants();
  const Zone& dma = b.zone(0, ZoneType::dma);
  const Zone& dma32 = b.zone(0, ZoneType::dma32);
  EXPECT_EQ(dma.zone_start_pfn, Pfn(1));  // pfn 0 is never the kernel's
  EXPECT_EQ(dma.spanned_pages, 4095u);
  EXPECT_EQ(dma.present_pages, 3998u);  // minus the ISA hole 0x9f..0xff
  EXPECT_EQ(dma.managed_pages, 3998u);  // boot data went to the top of memory
  EXPECT_EQ(dma32.zone_start_pfn, Pfn(4096));
  EXPECT_EQ(dma32.spanned_pages, 16384u - 4096u);
  EXPECT_LT(dma32.managed_pages, dma32.present_pages);  // mem_map, pgdat and per-CPU areas
  // mem_map: 64 bytes per page at the top of the node = 16384 * 64 / 4096 pages.
  EXPECT_GE(dma32.present_pages - dma32.managed_pages, 256u);
  EXPECT_EQ(dma.nr_free_pages + dma32.nr_free_pages, dma.managed_pages + dma32.managed_pages);
  EXPECT_EQ(b.pa.zones().size(), 2u);  // no Normal zone below 4 GiB
}

TEST_P(BothFlavours, GfpZonesAreRespected) {
  Booted b(small_machine(1, 64), kernel(GetParam()));
  for (int i = 0; i < 50; ++i) {
    const auto dma = b.pa.alloc_pages(b.cpu(0), b.gfp("GFP_DMA"), 0);
    ASSERT_TRUE(dma);
    EXPECT_LT(*dma, Pfn(4096));
    const auto any = b.pa.alloc_pages(b.cpu(0), b.gfp("GFP_KERNEL"), 2);
    ASSERT_TRUE(any);
    EXPECT_GE(*any, Pfn(4096));  // DMA32 first; the DMA zone is protected by lowmem_reserve
  }
  b.pa.check_invariants();
}

TEST_P(BothFlavours, AtomicDipsBelowMinWhereKernelCannot) {
  sim::MachineConfig mc = small_machine(1, 64);
  KernelConfig k = kernel(GetParam());
  k.pcp = false;  // count pages exactly
  Booted b(mc, k);
  const Zone& z = b.zone(0, ZoneType::dma32);
  // Take movable pages (no pageblock steals, so no watermark boost) until the
  // zone, and DMA behind its lowmem_reserve, stop giving: nothing to reclaim.
  std::vector<Pfn> kept;
  while (auto p = b.pa.alloc_pages(b.cpu(0), b.gfp("GFP_HIGHUSER_MOVABLE"), 0)) kept.push_back(*p);
  EXPECT_EQ(z.nr_free_pages, z.wmark.min);  // the slow path stops exactly at the min watermark
  // GFP_ATOMIC may go lower: it gets pages where GFP_KERNEL got none.
  EXPECT_FALSE(b.pa.alloc_pages(b.cpu(0), b.gfp("GFP_KERNEL"), 0));
  EXPECT_TRUE(b.pa.alloc_pages(b.cpu(0), b.gfp("GFP_ATOMIC"), 0));
  EXPECT_FALSE(b.pa.failures().empty());
  b.pa.check_invariants();
  for (Pfn p : kept) EXPECT_TRUE(b.pa.free_pages(b.cpu(0), p, 0));
  b.pa.check_invariants();
}

TEST_P(BothFlavours, FallsBackToTheNextNodeWhenTheLocalOneIsFull) {
  KernelConfig k = kernel(GetParam());
  Booted b(small_machine(2, 64), k);
  // CPU 2 is on node 1, which has only a DMA32 zone (64..128 MiB).
  std::uint64_t remote = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto p = b.pa.alloc_pages(b.cpu(2), b.gfp("GFP_NOWAIT"), 0);
    if (!p) break;
    const Zone& z = b.pa.zones()[b.pa.mem_map().page(*p).zone];
    remote += z.node != 1;
  }
  EXPECT_GT(remote, 0u);
  std::uint64_t miss = 0, foreign = 0, other = 0;
  for (const Zone& z : b.pa.zones()) {
    if (z.node == 0) miss += z.counters.numa_miss, other += z.counters.numa_other;
    if (z.node == 1) foreign += z.counters.numa_foreign;
  }
  EXPECT_EQ(miss, remote);
  EXPECT_EQ(foreign, remote);
  EXPECT_EQ(other, remote);
  b.pa.check_invariants();
}

TEST_P(BothFlavours, BadFreesAreReportedAndChangeNothing) {
  Booted b(small_machine(1, 64), kernel(GetParam()));
  const Pfn p = *b.pa.alloc_pages(b.cpu(0), b.gfp("GFP_KERNEL"), 2);
  EXPECT_FALSE(b.pa.free_pages(b.cpu(0), p, 1));              // wrong order
  EXPECT_FALSE(b.pa.free_pages(b.cpu(0), p + 1, 0));          // a tail page
  EXPECT_FALSE(b.pa.free_pages(b.cpu(0), Pfn(1u << 30), 0));  // outside memory
  EXPECT_FALSE(b.pa.free_pages(b.cpu(0), Pfn(0x9f), 0));      // a hole
  EXPECT_TRUE(b.pa.free_pages(b.cpu(0), p, 2));
  EXPECT_FALSE(b.pa.free_pages(b.cpu(0), p, 2));  // double free
  ASSERT_EQ(b.pa.bad_pages().size(), 5u);
  EXPECT_EQ(b.pa.bad_pages()[0].reason, "freed with order 1, allocated with order 2");
  EXPECT_EQ(b.pa.bad_pages()[4].reason, "page already free (double free)");
  const DiagKind kinds[] = {DiagKind::bad_order, DiagKind::bad_page_state, DiagKind::not_a_page,
                            DiagKind::not_a_page, DiagKind::double_free};
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(b.pa.bad_pages()[i].kind, kinds[i]) << i;
  b.pa.check_invariants();
}

TEST_P(BothFlavours, ZeroedPagesCostTheirWrites) {
  sim::MachineConfig mc = small_machine(1, 64, /*timing=*/true);
  Booted b(mc, kernel(GetParam()));
  sim::Cpu& cpu = b.cpu(0);
  const sim::Cycles t0 = cpu.now();
  b.pa.alloc_pages(cpu, b.gfp("GFP_KERNEL"), 0);
  const sim::Cycles plain = cpu.now() - t0;
  const sim::Cycles t1 = cpu.now();
  b.pa.alloc_pages(cpu, b.gfp("GFP_KERNEL|__GFP_ZERO"), 0);
  const sim::Cycles zeroed = cpu.now() - t1;
  EXPECT_GT(zeroed, plain + 64 * 4);  // 64 lines written
}

TEST_P(BothFlavours, RandomStressKeepsEveryInvariant) {
  KernelConfig k = kernel(GetParam());
  Booted b(small_machine(2, 12), k);
  sim::Rng rng(GetParam() == Flavour::linux_6 ? 6 : 26, 0);
  const char* gfps[] = {"GFP_KERNEL", "GFP_ATOMIC", "GFP_DMA", "GFP_HIGHUSER_MOVABLE",
                        "GFP_NOWAIT"};
  struct Live {
    Pfn pfn;
    unsigned order;
  };
  std::vector<Live> live;
  live.reserve(20000);
  const int ops = 120000;  // x 2 flavours, each checked
  for (int i = 0; i < ops; ++i) {
    sim::Cpu& cpu = b.cpu(static_cast<sim::CpuId>(rng.below(4)));
    if (live.empty() || rng.below(100) < 55) {
      const unsigned order = rng.below(4) == 0 ? static_cast<unsigned>(rng.below(6)) : 0;
      if (auto p = b.pa.alloc_pages(cpu, b.gfp(gfps[rng.below(5)]), order))
        live.push_back({*p, order});
    } else {
      const std::size_t j = rng.below(live.size());
      ASSERT_TRUE(b.pa.free_pages(cpu, live[j].pfn, live[j].order));
      live[j] = live.back();
      live.pop_back();
    }
    if (i % 7 == 0) b.pa.drain_local_pages(cpu);
    b.pa.check_invariants();
  }
  for (const Live& l : live) ASSERT_TRUE(b.pa.free_pages(b.cpu(0), l.pfn, l.order));
  for (sim::CpuId c = 0; c < 4; ++c) b.pa.drain_local_pages(b.cpu(c));
  b.pa.check_invariants();
  // Everything back: each zone's free pages equal its managed pages.
  for (const Zone& z : b.pa.zones()) EXPECT_EQ(z.nr_free_pages, z.managed_pages);
  EXPECT_TRUE(b.pa.bad_pages().empty());
}

// Pageblocks of migrate type `mt` in all zones (/proc/pagetypeinfo's counts).
std::uint64_t blocks_of_type(const PageAllocator& pa, unsigned mt) {
  std::uint64_t n = 0;
  for (const Zone& z : pa.zones())
    n += static_cast<std::uint64_t>(std::count(z.pageblock_mt.begin(), z.pageblock_mt.end(), mt));
  return n;
}

// Issue 15: kernel.mobility_grouping: false changed nothing but the fallback.
// With page_group_by_mobility_disabled, gfp_migratetype is Unmovable for every
// request and set_pageblock_migratetype marks every block Unmovable.
TEST_P(BothFlavours, GroupingOffMakesEveryRequestAndEveryPageblockUnmovable) {
  const MigrateTypes t = migrate_types(GetParam());
  KernelConfig k = kernel(GetParam());
  k.mobility_grouping = false;
  Booted off(small_machine(1, 64), k);
  Booted on(small_machine(1, 64), kernel(GetParam()));
  EXPECT_TRUE(off.pa.group_by_mobility_disabled());
  EXPECT_FALSE(on.pa.group_by_mobility_disabled());
  // DMA 8 blocks + DMA32 24 blocks; on: only DMA's block 0 (outside the zone)
  // and 2.6.32's MIGRATE_RESERVE blocks are not Movable.
  EXPECT_EQ(blocks_of_type(off.pa, t.unmovable), 32u);
  EXPECT_EQ(blocks_of_type(off.pa, t.movable), 0u);
  EXPECT_EQ(blocks_of_type(off.pa, t.reserve), 0u);  // setup_zone_migrate_reserve found none
  EXPECT_GE(blocks_of_type(on.pa, t.movable), 28u);

  for (unsigned i = 0; i < 64; ++i) {
    const auto o = off.pa.alloc_pages(off.cpu(0), off.gfp("GFP_HIGHUSER_MOVABLE"), i % 3);
    const auto n = on.pa.alloc_pages(on.cpu(0), on.gfp("GFP_HIGHUSER_MOVABLE"), i % 3);
    ASSERT_TRUE(o && n);
    const Zone& oz = off.pa.zones()[off.pa.mem_map().page(*o).zone];
    const Zone& nz = on.pa.zones()[on.pa.mem_map().page(*n).zone];
    EXPECT_EQ(off.pa.buddy().pageblock_mt(oz, *o), t.unmovable);
    EXPECT_EQ(on.pa.buddy().pageblock_mt(nz, *n), t.movable);
  }
  EXPECT_EQ(blocks_of_type(off.pa, t.movable), 0u);
  // Every free page sits on an Unmovable list.
  for (const Zone& z : off.pa.zones())
    for (const FreeArea& area : z.free_area)
      for (unsigned mt = 0; mt < kMaxMigrateTypes; ++mt) {
        if (mt == t.unmovable) continue;
        EXPECT_TRUE(area.free_list[mt].empty()) << mt;
      }
  off.pa.check_invariants();
}

// build_all_zonelists turns grouping off by itself below pageblock_nr_pages *
// MIGRATE_TYPES pages (2560 in 2.6.32, 3072 in 6.8 with CMA and isolation):
// after memmap_init, so the blocks start Movable and the first Unmovable
// request steals a whole one.
TEST_P(BothFlavours, TooLittleMemoryTurnsGroupingOffAfterMemmapInit) {
  const MigrateTypes t = migrate_types(GetParam());
  Booted small(small_machine(1, 8), kernel(GetParam()));  // 2048 pages
  EXPECT_TRUE(small.pa.group_by_mobility_disabled());
  EXPECT_GT(small.pa.vm_total_pages(), 1900u);
  EXPECT_LT(small.pa.vm_total_pages(), 2048u);
  const std::uint64_t movable_at_boot = blocks_of_type(small.pa, t.movable);
  EXPECT_GT(movable_at_boot, 0u);
  // More pages than the Unmovable block 0 (pfns 1..511, outside memmap_init's
  // reach) holds: the requests then steal Movable blocks.
  for (unsigned i = 0; i < 600; ++i) {
    const auto pfn = small.pa.alloc_pages(small.cpu(0), small.gfp("GFP_HIGHUSER_MOVABLE"), 0);
    ASSERT_TRUE(pfn);
    const Zone& z = small.pa.zones()[small.pa.mem_map().page(*pfn).zone];
    EXPECT_EQ(small.pa.buddy().pageblock_mt(z, *pfn), t.unmovable);
  }
  EXPECT_LT(blocks_of_type(small.pa, t.movable), movable_at_boot);
  small.pa.check_invariants();

  Booted big(small_machine(1, 16), kernel(GetParam()));  // 4096 pages: grouping stays on
  EXPECT_FALSE(big.pa.group_by_mobility_disabled());
}

INSTANTIATE_TEST_SUITE_P(Flavours, BothFlavours,
                         ::testing::Values(Flavour::linux_2_6, Flavour::linux_6),
                         [](const auto& info) {
                           return info.param == Flavour::linux_2_6 ? "linux_2_6" : "linux_6";
                         });

TEST(Pcp, Linux26HotListRefillsOneBatchAndDrainsOneAtHigh) {
  KernelConfig k = kernel(Flavour::linux_2_6);
  Booted b(small_machine(1, 64), k);
  const Zone& z = b.zone(0, ZoneType::dma32);
  const PerCpuPages& pcp = z.pcp[0];
  const std::int64_t batch = pcp.batch, high = pcp.high;
  EXPECT_EQ(high, 6 * batch);
  const Pfn first = *b.pa.alloc_pages(b.cpu(0), b.gfp("GFP_KERNEL"), 0);
  EXPECT_EQ(pcp.count, batch - 1);  // one refill of `batch`, one page handed out
  EXPECT_EQ(z.counters.pcp_refills, 1u);
  // Hot pages come from the head in physical order: the next is first + 1.
  EXPECT_EQ(*b.pa.alloc_pages(b.cpu(0), b.gfp("GFP_KERNEL"), 0), first + 1);
  // __GFP_COLD takes the tail.
  EXPECT_EQ(*b.pa.alloc_pages(b.cpu(0), b.gfp("GFP_KERNEL|__GFP_COLD"), 0), first + batch - 1);
  // Free pages up to high: the list drains by one batch when it reaches high.
  std::vector<Pfn> pages;
  for (std::int64_t i = 0; i < high; ++i)
    pages.push_back(*b.pa.alloc_pages(b.cpu(1), b.gfp("GFP_KERNEL"), 0));
  for (Pfn p : pages) b.pa.free_pages(b.cpu(0), p, 0);
  EXPECT_LT(pcp.count, high);
  EXPECT_GE(z.counters.pcp_drains, 1u);
  b.pa.check_invariants();
}

TEST(Pcp, Linux6HighIsAutoTunedWithinItsBounds) {
  Booted b(small_machine(1, 64), kernel(Flavour::linux_6));
  const Zone& z = b.zone(0, ZoneType::dma32);
  const PerCpuPages& pcp = z.pcp[0];
  EXPECT_LE(pcp.high_min, pcp.high_max);
  std::vector<Pfn> pages;
  for (int i = 0; i < 2000; ++i)
    pages.push_back(*b.pa.alloc_pages(b.cpu(0), b.gfp("GFP_KERNEL"), 0));
  for (Pfn p : pages) b.pa.free_pages(b.cpu(0), p, 0);
  EXPECT_GE(pcp.high, pcp.high_min);
  EXPECT_LE(pcp.high, pcp.high_max);
  EXPECT_LE(pcp.count, pcp.high_max);
  b.pa.check_invariants();
}

TEST(Reclaim, KswapdRefillsToHighAndDirectReclaimUnblocksSleepers) {
  sim::MachineConfig mc = small_machine(1, 64);
  KernelConfig k = kernel(Flavour::linux_6);
  k.pcp = false;
  k.stat_interval = 0;  // no vmstat work: kswapd's is the only item queued
  Booted b(mc, k);
  // Fill memory with page cache until an allocation has to reclaim directly
  // (page-cache allocations may sleep, so they recycle older page cache).
  while (b.pa.events().allocstall == 0) ASSERT_TRUE(b.pa.alloc_page_cache(b.cpu(0)));
  const std::uint64_t cached = b.pa.page_cache_pages(0);
  EXPECT_GT(cached, 10000u);
  EXPECT_GT(b.pa.events().kswapd_wakeups, 0u);
  EXPECT_EQ(b.pa.events().pgsteal_direct, k.reclaim_batch);  // one SWAP_CLUSTER_MAX pass
  // A sleeping kernel allocation is served from what reclaim freed.
  EXPECT_TRUE(b.pa.alloc_pages(b.cpu(1), b.gfp("GFP_KERNEL"), 0));
  // GFP_NOWAIT cannot reclaim: once the zone is at min it fails.
  while (b.pa.alloc_pages(b.cpu(1), b.gfp("GFP_NOWAIT"), 0)) {
  }
  EXPECT_FALSE(b.pa.failures().empty());
  // kswapd (queued on the waking CPU 0), once it runs, brings every zone to
  // its high watermark.
  ASSERT_EQ(b.cpu(0).work().size(), 1u);
  b.cpu(0).spend(b.cpu(0).work().next_due());
  b.cpu(0).run_due_work();
  EXPECT_EQ(b.pa.events().kswapd_runs, 1u);
  for (const Zone& z : b.pa.zones()) EXPECT_GE(z.nr_free_pages, z.wmark.high + z.watermark_boost);
  b.pa.check_invariants();
}

}  // namespace
}  // namespace allocsim::model
