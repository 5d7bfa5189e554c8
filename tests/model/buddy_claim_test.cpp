// linux-6.18's fallback between migrate types (__rmqueue_claim /
// __rmqueue_steal, try_to_claim_block, rmqueue_mode) against 6.8's
// __rmqueue_fallback on the same free lists.
#include <gtest/gtest.h>

#include <vector>

#include "buddy_rig.hpp"
#include "model/buddy.hpp"

namespace allocsim::model {
namespace {

// 8192 frames, pageblock order 9 (16 blocks), every block Movable.
struct Rig : testing::BuddyRig {
  MigrateTypes t;
  explicit Rig(Flavour f) : BuddyRig(f), t(migrate_types(f)) {}
  // Pages in use by movable allocations (PageLRU for the block's count).
  void in_use_movable(std::uint64_t from, std::uint64_t to) {
    for (std::uint64_t p = from; p < to; ++p) {
      map.page(Pfn(p)).flags = PG_head;
      map.page(Pfn(p)).order = 0;
      map.page(Pfn(p)).list = t.movable;
    }
  }
  std::uint64_t rmqueue(unsigned order, unsigned mt, RmqueueMode* mode = nullptr) {
    const std::uint32_t idx = buddy.rmqueue(zone, order, mt, AllocFlags{}, Charge{}, mode);
    return idx == kNilIndex ? ~std::uint64_t{0} : map.pfn(idx).value();
  }
};

// A movable order-0 request may claim only from order pageblock_order / 2 = 4
// up (can_claim_block); the only fallback is an order-2 Unmovable block, so
// both kernels take it, but 6.18 steals it as it is (__rmqueue_steal:
// page_del_and_expand with the block's own type) where 6.8 moves it to the
// Movable lists first and splits it there.
TEST(BuddyClaim, StealLeavesTheRemainderOnTheBlocksType) {
  for (Flavour f : {Flavour::linux_6, Flavour::linux_6_18}) {
    Rig r(f);
    r.zone.pageblock_mt[0] = r.t.unmovable;
    r.free(8, 2, r.t.unmovable);  // pfns 8..11; the buddy 12..15 is in use
    RmqueueMode mode = RmqueueMode::normal;
    EXPECT_EQ(r.rmqueue(0, r.t.movable, &mode), 8u);
    const unsigned rest = f == Flavour::linux_6_18 ? r.t.unmovable : r.t.movable;
    const unsigned other = f == Flavour::linux_6_18 ? r.t.movable : r.t.unmovable;
    EXPECT_EQ(r.list(0, rest), (std::vector<std::uint64_t>{9}));
    EXPECT_EQ(r.list(1, rest), (std::vector<std::uint64_t>{10}));
    EXPECT_TRUE(r.list(0, other).empty());
    EXPECT_TRUE(r.list(1, other).empty());
    EXPECT_EQ(r.buddy.pageblock_mt(r.zone, Pfn(0)), r.t.unmovable);  // never claimed
    EXPECT_EQ(r.buddy.extfrag_events(), 1u);
    if (f == Flavour::linux_6_18) {
      EXPECT_EQ(mode, RmqueueMode::steal);
    }
  }
}

// An Unmovable request may claim at any order, but a Movable block with 48
// free pages and the other 464 in movable use is not claimable: free + alike
// = 48 + 0 < 256. 6.8's steal_suitable_fallback moved the block's free pages
// to the Unmovable lists anyway and retried there; 6.18 (since "mm:
// page_alloc: fix freelist movement during block conversion", 6.10) leaves
// them and steals the smallest block, order 4 at pfn 128.
TEST(BuddyClaim, UnclaimedBlockKeepsItsFreePages) {
  for (Flavour f : {Flavour::linux_6, Flavour::linux_6_18}) {
    Rig r(f);
    r.in_use_movable(0, 512);
    r.free(64, 5, r.t.movable);
    r.free(128, 4, r.t.movable);
    EXPECT_EQ(r.rmqueue(0, r.t.unmovable), 128u);
    EXPECT_EQ(r.buddy.pageblock_mt(r.zone, Pfn(0)), r.t.movable);
    const unsigned moved = f == Flavour::linux_6_18 ? r.t.movable : r.t.unmovable;
    EXPECT_EQ(r.list(5, moved), (std::vector<std::uint64_t>{64})) << to_string(f);
    EXPECT_EQ(r.list(3, moved), (std::vector<std::uint64_t>{136})) << to_string(f);
    EXPECT_EQ(r.list(0, moved), (std::vector<std::uint64_t>{129})) << to_string(f);
    EXPECT_EQ(r.zone.nr_free_pages, 47u);
  }
}

// A claimable sub-pageblock block: every free page of its pageblock moves to
// the new type (list tails), the block changes type, and the request is
// served by __rmqueue_smallest from the smallest of them; the mode returns
// to RMQUEUE_NORMAL.
TEST(BuddyClaim, ClaimMovesTheWholeBlock) {
  Rig r(Flavour::linux_6_18);
  r.in_use_movable(0, 512);
  r.free(256, 8, r.t.movable);  // with 16..23: 264 free, 264 + 0 >= 256
  r.free(16, 3, r.t.movable);
  RmqueueMode mode = RmqueueMode::claim;
  EXPECT_EQ(r.rmqueue(0, r.t.reclaimable, &mode), 16u);
  EXPECT_EQ(mode, RmqueueMode::normal);
  EXPECT_EQ(r.buddy.pageblock_mt(r.zone, Pfn(0)), r.t.reclaimable);
  EXPECT_EQ(r.list(8, r.t.reclaimable), (std::vector<std::uint64_t>{256}));
  EXPECT_EQ(r.list(2, r.t.reclaimable), (std::vector<std::uint64_t>{20}));
  EXPECT_EQ(r.list(1, r.t.reclaimable), (std::vector<std::uint64_t>{18}));
  EXPECT_EQ(r.list(0, r.t.reclaimable), (std::vector<std::uint64_t>{17}));
  for (unsigned o = 0; o < kNrOrders; ++o) EXPECT_TRUE(r.list(o, r.t.movable).empty()) << o;
  EXPECT_EQ(r.buddy.extfrag_events(), 1u);
}

// A block of pageblock order or more changes type whole (try_to_claim_block's
// first case): both pageblocks of an order-10 block, split from the bottom.
TEST(BuddyClaim, LargeBlockChangesTypeWhole) {
  Rig r(Flavour::linux_6_18);
  r.free(1024, 10, r.t.movable);
  EXPECT_EQ(r.rmqueue(2, r.t.unmovable), 1024u);
  EXPECT_EQ(r.buddy.pageblock_mt(r.zone, Pfn(1024)), r.t.unmovable);
  EXPECT_EQ(r.buddy.pageblock_mt(r.zone, Pfn(1536)), r.t.unmovable);
  for (unsigned o = 2; o < 10; ++o)
    EXPECT_EQ(r.list(o, r.t.unmovable),
              (std::vector<std::uint64_t>{1024 + (std::uint64_t{1} << o)}))
        << o;
}

// rmqueue_mode: after a steal, rmqueue_bulk's next page skips the own lists
// and the claim search (they failed under the same zone lock), so a block
// that a fresh search would claim is stolen from instead: the order-10
// Movable block is split with its remainder left Movable.
TEST(BuddyClaim, StealModeSkipsTheClaim) {
  for (RmqueueMode start : {RmqueueMode::normal, RmqueueMode::steal}) {
    Rig r(Flavour::linux_6_18);
    r.free(1024, 10, r.t.movable);
    RmqueueMode mode = start;
    EXPECT_EQ(r.rmqueue(0, r.t.unmovable, &mode), 1024u);
    const bool claimed = start == RmqueueMode::normal;
    EXPECT_EQ(mode, claimed ? RmqueueMode::normal : RmqueueMode::steal);
    const unsigned rest = claimed ? r.t.unmovable : r.t.movable;
    EXPECT_EQ(r.buddy.pageblock_mt(r.zone, Pfn(1024)), rest);
    EXPECT_EQ(r.list(9, rest), (std::vector<std::uint64_t>{1536}));
    EXPECT_EQ(r.list(0, rest), (std::vector<std::uint64_t>{1025}));
  }
}

// ALLOC_NOFRAGMENT: no steal (RMQUEUE_STEAL is skipped), and claims only
// from pageblock order up, so the order-2 Unmovable block is left alone.
TEST(BuddyClaim, NoFragmentNeverSteals) {
  Rig r(Flavour::linux_6_18);
  r.zone.pageblock_mt[0] = r.t.unmovable;
  r.free(8, 2, r.t.unmovable);
  AllocFlags flags;
  flags.nofragment = true;
  EXPECT_EQ(r.buddy.rmqueue(r.zone, 0, r.t.movable, flags, Charge{}), kNilIndex);
  EXPECT_EQ(r.list(2, r.t.unmovable), (std::vector<std::uint64_t>{8}));
  EXPECT_EQ(r.buddy.extfrag_events(), 0u);
}

}  // namespace
}  // namespace allocsim::model
