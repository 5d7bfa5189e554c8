// Scenario: __rmqueue_smallest splitting an order-3 block to serve order 0
// touches exactly these lines, in this order.
//
// mm/page_alloc.c (6.8; 2.6.32 alike):
//   for (order = 0; order < NR_PAGE_ORDERS; ++order)
//     get_page_from_free_area(area, mt)  read free_area[order].free_list[mt]
//                                         (orders 0-2 empty, 3 holds the block)
//   del_page_from_free_list(page, zone, 3)
//     list_del(&page->buddy_list)        read the page's links; the block was
//                                         alone: the head's next and prev
//     __ClearPageBuddy                   the page's flags
//     area->nr_free--                    free_area[3].nr_free
//   expand(zone, page, 0, 3, mt): the upper halves, largest first
//     add_to_free_list(&page[4], 2) ...  read the head, write the half's links
//                                         and the head, nr_free++; then
//     set_buddy_order                    the half's flags (the model writes
//                                         them first)
//   and the same for page[2] at order 1 and page[1] at order 0.
// Each list is empty when a half goes on it, so list_add also writes the
// head's prev (next->prev = new with next == head). The model charges the
// head's next only; the two share a line except where a head straddles one,
// as some do in the model's struct zone: here 6.8's MOVABLE list of order 1,
// whose prev the kernel writes on the following line.
#include <gtest/gtest.h>

#include "line_scenario.hpp"
#include "model/buddy.hpp"
#include "model_machines.hpp"

namespace allocsim::model {
namespace {

using namespace testing;

class BuddySplitLines : public ::testing::TestWithParam<Flavour> {};

TEST_P(BuddySplitLines, ReadsEachOrderThenUnlinksAndPutsBackThreeHalves) {
  const Flavour f = GetParam();
  const unsigned mt = migrate_types(f).movable;
  constexpr sim::PhysAddr kMemMap{1u << 30}, kZone{1u << 29};
  const PageLayout layout{64};
  MemMap map(Pfn(0), Pfn(1024));
  map.set_node_memmap(Pfn(0), Pfn(1024), kMemMap, layout.size);
  Buddy buddy(BuddyParams{f, 9, 15000, true}, map, layout);
  Zone z;
  z.addr = kZone;
  z.spanned_pages = z.present_pages = z.managed_pages = 1024;
  z.pageblock_mt.assign(2, static_cast<std::uint8_t>(mt));
  for (Pfn p{}; p < Pfn(1024); ++p) {
    map.page(p).flags = 0;  // allocated
    map.page(p).zone = 0;
  }
  buddy.free_one_page(z, 0, 3, mt, Charge{});  // pfns 0-7 free; their buddy 8 is not
  sim::Machine machine(small_machine(1, 16), 1);
  sim::Cpu& cpu = machine.cpu(0);

  std::uint32_t got = kNilIndex;
  const auto lines = record(cpu, [&] { got = buddy.rmqueue_smallest(z, 0, mt, Charge{&cpu}); });
  ASSERT_EQ(got, 0u);

  auto head = [&](unsigned order) { return buddy.list_head(z, order, mt); };
  auto nr_free = [&](unsigned order) {
    return z.addr + ZoneLayout::free_area + order * ZoneLayout::free_area_stride +
           kMaxMigrateTypes * 16;
  };
  auto page = [&](std::uint32_t idx) { return kMemMap + idx * layout.size; };
  std::vector<sim::LineAccess> want;
  for (unsigned o = 0; o <= 3; ++o) want.push_back(touch(head(o), R, 8));
  // del_page_from_free_list(page 0, order 3)
  want.push_back(touch(page(0) + layout.lru, R, 16));
  want.push_back(touch(head(3), W, 8));
  want.push_back(touch(head(3) + 8, W, 8));
  want.push_back(touch(page(0) + layout.flags, W, 8));
  want.push_back(touch(nr_free(3), W, 8));
  // expand: pages 4 (order 2), 2 (order 1), 1 (order 0)
  for (const auto& [idx, order] : {std::pair{4u, 2u}, std::pair{2u, 1u}, std::pair{1u, 0u}}) {
    want.push_back(touch(page(idx) + layout.flags, W, 8));
    want.push_back(touch(head(order), R, 8));
    want.push_back(touch(page(idx) + layout.lru, W, 16));
    want.push_back(touch(head(order), W, 8));
    want.push_back(touch(nr_free(order), W, 8));
  }
  EXPECT_EQ(lines, want);
  EXPECT_EQ(z.free_area[2].free_list[mt].head, 4u);
  EXPECT_EQ(z.free_area[1].free_list[mt].head, 2u);
  EXPECT_EQ(z.free_area[0].free_list[mt].head, 1u);
  EXPECT_EQ(z.free_area[3].nr_free, 0u);
}

INSTANTIATE_TEST_SUITE_P(BothFlavours, BuddySplitLines,
                         ::testing::Values(Flavour::linux_2_6, Flavour::linux_6),
                         [](const auto& info) {
                           return info.param == Flavour::linux_2_6 ? "linux26" : "linux6";
                         });

}  // namespace
}  // namespace allocsim::model
