// The buddy system on its own: the seed's walk-through (a 256-frame request
// served from the 512 list, then from the 1024 list), coalescing back to the
// largest order, and buddy arithmetic at zone edges.
#include "model/buddy.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "buddy_rig.hpp"

namespace allocsim::model {
namespace {

struct Rig : testing::BuddyRig {
  using BuddyRig::BuddyRig;
  using BuddyRig::free;
  using BuddyRig::list;
  unsigned movable() const { return migrate_types(buddy.params().flavour).movable; }
  void free(std::uint64_t pfn, unsigned order) { free(pfn, order, movable()); }
  std::uint64_t pfn_at(std::uint32_t idx) const { return map.pfn(idx).value(); }
  std::vector<std::uint64_t> list(unsigned order) const { return list(order, movable()); }
  std::uint32_t take(unsigned order) {
    return buddy.rmqueue_smallest(zone, order, movable(), Charge{});
  }
};

class BuddyBothFlavours : public ::testing::TestWithParam<Flavour> {};

TEST_P(BuddyBothFlavours, SeedWalkThrough256From512Then1024) {
  Rig r(GetParam());
  r.free(0, 10);    // pfns 0..1023
  r.free(2048, 9);  // pfns 2048..2559, its buddy 2560 stays allocated
  ASSERT_EQ(r.list(9), (std::vector<std::uint64_t>{2048}));
  // 256 frames: the 512 list has a block, so it is split once.
  EXPECT_EQ(r.pfn_at(r.take(8)), 2048u);
  EXPECT_EQ(r.list(9), (std::vector<std::uint64_t>{}));
  EXPECT_EQ(r.list(8), (std::vector<std::uint64_t>{2304}));  // the upper half of 2048..2559
  EXPECT_EQ(r.list(10), (std::vector<std::uint64_t>{0}));
  // Again: the 256 list is served first...
  EXPECT_EQ(r.pfn_at(r.take(8)), 2304u);
  // ...and now with the 512 list empty the 1024 block is split twice.
  EXPECT_EQ(r.pfn_at(r.take(8)), 0u);
  EXPECT_EQ(r.list(10), (std::vector<std::uint64_t>{}));
  EXPECT_EQ(r.list(9), (std::vector<std::uint64_t>{512}));
  EXPECT_EQ(r.list(8), (std::vector<std::uint64_t>{256}));
  EXPECT_EQ(r.zone.free_area[9].nr_free, 1u);
  EXPECT_EQ(r.zone.free_area[8].nr_free, 1u);
}

TEST_P(BuddyBothFlavours, CoalescesBackToTheLargestOrder) {
  Rig r(GetParam());
  // Free 1024 single pages in a scrambled order: they must end as one block.
  for (std::uint64_t i = 0; i < 1024; ++i) r.free((i * 389) % 1024 + 4096, 0);
  EXPECT_EQ(r.list(10), (std::vector<std::uint64_t>{4096}));
  for (unsigned o = 0; o < 10; ++o) EXPECT_EQ(r.zone.free_area[o].nr_free, 0u) << o;
  EXPECT_EQ(r.zone.nr_free_pages, 1024u);
}

TEST_P(BuddyBothFlavours, ZoneNotAlignedToMaxOrder) {
  // A DMA-like zone starting at pfn 1: freeing every page leaves the largest
  // aligned blocks, 1 | 2-3 | 4-7 | ... | 512-1023, then order-10 blocks.
  Rig r(GetParam(), 1, 4096);
  for (std::uint64_t p = 1; p < 4096; ++p) r.free(p, 0);
  for (unsigned o = 0; o < 10; ++o)
    EXPECT_EQ(r.list(o), (std::vector<std::uint64_t>{std::uint64_t{1} << o})) << o;
  const auto big = r.list(10);
  EXPECT_EQ(std::set<std::uint64_t>(big.begin(), big.end()),
            (std::set<std::uint64_t>{1024, 2048, 3072}));
  EXPECT_EQ(r.zone.nr_free_pages, 4095u);
}

TEST_P(BuddyBothFlavours, NeverMergesAcrossAZoneEdge) {
  Rig r(GetParam(), 0, 8192);
  for (std::uint64_t p = 1024; p < 2048; ++p)
    r.map.page(Pfn(p)).zone = 1;  // another zone in the middle
  r.free(512, 9);
  r.free(1024, 9);  // buddy of 1536 within zone 1 would be fine, but 512's buddy (0) is not free
  EXPECT_EQ(r.list(9).size(), 2u);
  r.free(0, 9);  // 0 and 512 merge; 1024 (other zone) must not join them
  EXPECT_EQ(r.list(10), (std::vector<std::uint64_t>{0}));
  EXPECT_EQ(r.list(9), (std::vector<std::uint64_t>{1024}));
}

TEST_P(BuddyBothFlavours, ExpandPutsUpperHalvesOnTheListsLargestFirst) {
  Rig r(GetParam());
  r.free(0, 10);
  EXPECT_EQ(r.pfn_at(r.take(0)), 0u);
  for (unsigned o = 0; o < 10; ++o)
    EXPECT_EQ(r.list(o), (std::vector<std::uint64_t>{std::uint64_t{1} << o})) << o;
}

INSTANTIATE_TEST_SUITE_P(Flavours, BuddyBothFlavours,
                         ::testing::Values(Flavour::linux_2_6, Flavour::linux_6),
                         [](const auto& info) {
                           return info.param == Flavour::linux_2_6 ? "linux_2_6" : "linux_6";
                         });

TEST(Buddy, Linux6PutsLikelyMergesAtTheTail) {
  // buddy_merge_likely: freeing 2 (order 1) whose merged order-2 block's buddy
  // (4..7) is free goes to the tail, so it is not handed out first.
  Rig r(Flavour::linux_6);
  r.free(4, 2);
  r.free(16, 1);
  r.free(2, 1);  // buddy 0 is allocated: stays order 1; 0..3's buddy 4..7 is free
  EXPECT_EQ(r.list(1), (std::vector<std::uint64_t>{16, 2}));
  Rig old(Flavour::linux_2_6);
  old.free(4, 2);
  old.free(16, 1);
  old.free(2, 1);
  EXPECT_EQ(old.list(1), (std::vector<std::uint64_t>{2, 16}));  // 2.6 always at the head
}

TEST(Buddy, FallbackStealsAWholeBlockForALargeRequest26) {
  Rig r(Flavour::linux_2_6);
  const MigrateTypes t = migrate_types(Flavour::linux_2_6);
  r.free(0, 10);  // two movable pageblocks
  // An unmovable order-5 request (>= pageblock_order/2 = 4) steals the block.
  const std::uint32_t idx = r.buddy.rmqueue(r.zone, 5, t.unmovable, AllocFlags{}, Charge{});
  ASSERT_NE(idx, kNilIndex);
  // The order-10 block is moved to the unmovable lists, both pageblocks it
  // covers change type (change_pageblock_range), and it is split from the bottom.
  EXPECT_EQ(r.pfn_at(idx), 0u);
  EXPECT_EQ(r.buddy.pageblock_mt(r.zone, Pfn(0)), t.unmovable);
  EXPECT_EQ(r.buddy.pageblock_mt(r.zone, Pfn(512)), t.unmovable);
  EXPECT_EQ(r.zone.free_area[9].free_list[t.unmovable].count, 1u);
  EXPECT_EQ(r.zone.free_area[5].free_list[t.unmovable].count, 1u);
  EXPECT_EQ(r.buddy.extfrag_events(), 1u);
}

}  // namespace
}  // namespace allocsim::model
