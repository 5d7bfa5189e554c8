// A replay's warm start of the free lists (PageAllocator::warm_free_area):
// the lists hold exactly the recorded blocks, the buddy invariant holds (no
// two free buddies left unmerged), and the rest of the model's free memory
// stays allocated, from where warm_pcp fills the pcp lists.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "model/page_alloc.hpp"
#include "model_machines.hpp"

namespace allocsim::model {
namespace {

using testing::kernel;
using testing::small_machine;

struct Warm : testing::BootedPages {
  using BootedPages::BootedPages;
  std::size_t dma32_index() const {
    const Zone* z =
        pa.zone_of(0, static_cast<unsigned>(zone_index(sim::Arch::x86_64, ZoneType::dma32)));
    return static_cast<std::size_t>(z - pa.zones().data());
  }
  const Zone& dma32() const { return pa.zones()[dma32_index()]; }
  // The first pfn of each block on DMA32's free list of `order` and `mt`, in list order.
  std::vector<Pfn> free_blocks(unsigned order, unsigned mt) const {
    std::vector<Pfn> out;
    for (std::uint32_t i = dma32().free_area[order].free_list[mt].head; i != kNilIndex;
         i = pa.mem_map()[i].next)
      out.push_back(pa.mem_map().pfn(i));
    return out;
  }
};

TEST(WarmFreeArea, TheListsHoldExactlyTheRecordedBlocks) {
  for (Flavour f : {Flavour::linux_2_6, Flavour::linux_6}) {
    Warm w(small_machine(1, 64), kernel(f));
    const MigrateTypes t = migrate_types(f);
    const std::uint64_t free_before = w.dma32().nr_free_pages;
    WarmFreeArea want;
    want.free[t.movable][10] = 3;
    want.free[t.movable][9] = 2;
    want.free[t.movable][3] = 5;
    want.free[t.movable][0] = 7;
    want.free[t.unmovable][2] = 4;
    want.free[t.unmovable][0] = 3;
    want.free[t.reclaimable][1] = 2;
    want.blocks[t.unmovable] = 2;
    want.blocks[t.reclaimable] = 1;
    want.blocks[t.movable] = 21;
    const WarmFreeAreaResult r = w.pa.warm_free_area(w.dma32_index(), want);
    const Zone& z = w.dma32();
    const std::uint64_t pages = 3 * 1024 + 2 * 512 + 5 * 8 + 7 + 4 * 4 + 3 + 2 * 2;
    EXPECT_EQ(r.free_pages, pages);
    EXPECT_EQ(r.missing_blocks, 0u);
    EXPECT_EQ(z.nr_free_pages, pages);
    EXPECT_EQ(r.held_pages, free_before - pages);
    for (unsigned mt = 0; mt < kMaxMigrateTypes; ++mt)
      for (unsigned o = 0; o < kNrOrders; ++o)
        EXPECT_EQ(z.free_area[o].free_list[mt].count, want.free[mt][o]) << mt << " " << o;
    // Pageblocks: the non-movable types first, in pfn order.
    ASSERT_EQ(z.pageblock_mt.size(), 24u);  // 48 MiB of DMA32
    EXPECT_EQ(z.pageblock_mt[0], t.unmovable);
    EXPECT_EQ(z.pageblock_mt[1], t.unmovable);
    EXPECT_EQ(z.pageblock_mt[2], t.reclaimable);
    for (std::size_t b = 3; b < 24; ++b) EXPECT_EQ(z.pageblock_mt[b], t.movable) << b;
    // Every block lies in a pageblock of its own type (there was room).
    for (unsigned mt = 0; mt < kMaxMigrateTypes; ++mt)
      for (unsigned o = 0; o < kNrOrders; ++o)
        for (Pfn pfn : w.free_blocks(o, mt)) EXPECT_EQ(w.pa.buddy().pageblock_mt(z, pfn), mt);
    EXPECT_NO_THROW(w.pa.check_invariants());  // among others: no unmerged free buddies
    // The zone allocates from the new lists.
    EXPECT_TRUE(w.pa.alloc_pages(w.cpu(0), w.gfp(), 3));
    EXPECT_NO_THROW(w.pa.check_invariants());
  }
}

TEST(WarmFreeArea, SinglePagesNeverEndAsUnmergedBuddies) {
  Warm w(small_machine(1, 64), kernel(Flavour::linux_6));
  const MigrateTypes t = migrate_types(Flavour::linux_6);
  WarmFreeArea want;
  want.free[t.movable][0] = 9;
  want.free[t.movable][1] = 3;
  w.pa.warm_free_area(w.dma32_index(), want);
  const std::vector<Pfn> blocks = w.free_blocks(0, t.movable);
  const std::set<Pfn> singles(blocks.begin(), blocks.end());
  ASSERT_EQ(singles.size(), 9u);
  for (Pfn p : singles) EXPECT_EQ(singles.count(find_buddy_pfn(p, 0)), 0u) << p.value();
  // Packed as the buddy allocator splits: a page, then its buddy's guard.
  EXPECT_NO_THROW(w.pa.check_invariants());
}

TEST(WarmFreeArea, TooMuchWantedIsCountedAsMissing) {
  Warm w(small_machine(1, 64), kernel(Flavour::linux_6));
  const MigrateTypes t = migrate_types(Flavour::linux_6);
  WarmFreeArea want;
  want.free[t.movable][10] = 100;  // 48 MiB hold at most 12 blocks of 4 MiB
  const WarmFreeAreaResult r = w.pa.warm_free_area(w.dma32_index(), want);
  EXPECT_EQ(r.free_pages / 1024 + r.missing_blocks, 100u);
  EXPECT_GT(r.missing_blocks, 88u);
  EXPECT_NO_THROW(w.pa.check_invariants());
}

TEST(WarmFreeArea, PcpPagesComeFromTheMemoryInUse) {
  Warm w(small_machine(1, 64), kernel(Flavour::linux_6));
  const MigrateTypes t = migrate_types(Flavour::linux_6);
  WarmFreeArea want;
  want.free[t.movable][4] = 10;
  const WarmFreeAreaResult r = w.pa.warm_free_area(w.dma32_index(), want);
  const std::int64_t before = w.dma32().pcp[1].count;
  EXPECT_EQ(w.pa.warm_pcp(w.cpu(1), w.dma32_index(), 300, 500), 300u - before);
  EXPECT_EQ(w.dma32().pcp[1].count, 300);
  EXPECT_EQ(w.dma32().pcp[1].high, 500);
  EXPECT_EQ(w.dma32().nr_free_pages, r.free_pages);  // the free lists as recorded
  EXPECT_NO_THROW(w.pa.check_invariants());
}

}  // namespace
}  // namespace allocsim::model
