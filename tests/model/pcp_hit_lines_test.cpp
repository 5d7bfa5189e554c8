// Scenario: an order-0 allocation served from a non-empty pcp list touches
// exactly these lines, in this order.
//
// mm/page_alloc.c, get_page_from_freelist for the first zone of the zonelist:
//   zone_watermark_fast       read the zone's watermark line and NR_FREE_PAGES
// rmqueue -> rmqueue_pcplist (6.8; 2.6.32 buffered_rmqueue alike):
//   pcp = this_cpu_ptr(zone->per_cpu_pageset)  read count/high/batch
//   list = &pcp->lists[order_to_pindex(mt, 0)] read the list head (not empty)
//   list_del(&page->pcp_list)  read the page's links; the list head's next
//                              (the page was first) and the successor's prev
//   pcp->count -= 1            write the count line
// prep_new_page -> post_alloc_hook: the page's flags and set_page_refcounted.
// The model leaves out, each on a line it already touches or per-CPU data:
// 6.8's pcp->lock trylock (an atomic on the count line, charged as a read),
// check_new_pages' reads of struct page, and zone_statistics' per-CPU
// NUMA counters (not charged at all).
#include <gtest/gtest.h>

#include "line_scenario.hpp"
#include "model/pcp_layout.hpp"
#include "model_machines.hpp"

namespace allocsim::model {
namespace {

using namespace testing;

class PcpHitLines : public ::testing::TestWithParam<Flavour> {};

TEST_P(PcpHitLines, ReadsZoneAndPcpThenUnlinksTheFirstPage) {
  const Flavour f = GetParam();
  sim::Machine machine(small_machine(1, 256), 1);  // 64 MiB would make 6.8's batch 1
  PageAllocator pa(machine, kernel(f));
  sim::Cpu& cpu = machine.cpu(0);
  const Gfp gfp = parse_gfp(f, "GFP_KERNEL");
  // The first allocation refills the empty pcp list with a batch.
  const std::optional<Pfn> first = pa.alloc_pages(cpu, gfp, 0);
  ASSERT_TRUE(first);
  const MemMap& map = pa.mem_map();
  const unsigned zi = map.page(*first).zone;
  ASSERT_EQ(zi, pa.zonelist(0).front());  // served by the first zone checked
  const Zone& z = pa.zones()[zi];
  const PerCpuPages& pcp = z.pcp[cpu.id()];
  // GFP_KERNEL is MIGRATE_UNMOVABLE (0) and order 0: list 0 in both
  // generations (6.8 order_to_pindex(0, 0) = 0).
  const FreeList& list = pcp.lists[0];
  ASSERT_NE(list.head, kNilIndex);
  const std::uint32_t page = list.head;
  const std::uint32_t next = map[page].next;
  ASSERT_NE(next, kNilIndex);  // a batch is more than one page
  ASSERT_EQ(sim::line_offset(z.addr, kLine - 1), 0u);
  ASSERT_EQ(sim::line_offset(pcp.addr, kLine - 1), 0u);

  std::optional<Pfn> got;
  const auto lines = record(cpu, [&] { got = pa.alloc_pages(cpu, gfp, 0); });
  ASSERT_EQ(got, map.pfn(page));

  const sim::PhysAddr head = pcp.addr + PerCpuPagesLayout::list_head(0);
  const PageLayout layout{64};
  auto desc = [&](std::uint32_t idx) { return map.desc_addr(idx); };
  EXPECT_EQ(lines, (std::vector<sim::LineAccess>{
                       touch(z.addr + ZoneLayout::watermark, R, 64),
                       touch(z.addr + ZoneLayout::vm_stat, R, 8),
                       touch(pcp.addr + PerCpuPagesLayout::counts, R, 64),
                       touch(head, R, 16),
                       touch(desc(page) + layout.lru, R, 16),     // list_del: the links
                       touch(head, W, 8),                         // head->next = next
                       touch(desc(next) + layout.lru + 8, W, 8),  // next->prev = head
                       touch(pcp.addr + PerCpuPagesLayout::counts, W, 8),
                       touch(desc(page) + layout.flags, W, 8),
                       touch(desc(page) + layout.refcount, W, 4),
                   }));
}

INSTANTIATE_TEST_SUITE_P(BothFlavours, PcpHitLines,
                         ::testing::Values(Flavour::linux_2_6, Flavour::linux_6),
                         [](const auto& info) {
                           return info.param == Flavour::linux_2_6 ? "linux26" : "linux6";
                         });

}  // namespace
}  // namespace allocsim::model
