// The invariant checker: every page is accounted exactly once (free in the
// buddy, on a pcp list, allocated, reserved or a hole), counts match the lists,
// blocks are aligned and inside their zone, and no two free buddies are left
// uncoalesced.
#include <stdexcept>
#include <string>

#include "model/page_alloc.hpp"

namespace allocsim::model {

void PageAllocator::check_invariants() const {
  auto fail = [](const std::string& m) { throw std::logic_error("page allocator: " + m); };
  std::vector<std::uint8_t> seen(map_.size(), 0);
  auto cover = [&](Pfn pfn, unsigned order, const char* what) {
    for (Pfn p = pfn; p < pfn + (1ull << order); ++p) {
      if (!map_.contains(p))
        fail(std::string(what) + " block runs past memory at pfn " + std::to_string(p.value()));
      if (seen[map_.index(p)]++)
        fail(std::string(what) + " block overlaps another at pfn " + std::to_string(p.value()));
    }
  };
  for (std::size_t zi = 0; zi < zones_.size(); ++zi) {
    const Zone& z = zones_[zi];
    const std::string zname =
        "node " + std::to_string(z.node) + " " + std::string(zone_name(z.type));
    const Pfn zend = z.zone_start_pfn + z.spanned_pages;
    std::uint64_t free_pages = 0;
    for (unsigned o = 0; o < kNrOrders; ++o) {
      std::uint64_t blocks = 0;
      for (unsigned mt = 0; mt < kMaxMigrateTypes; ++mt) {
        const FreeList& l = z.free_area[o].free_list[mt];
        std::uint64_t n = 0;
        std::uint32_t prev = kNilIndex;
        for (std::uint32_t i = l.head; i != kNilIndex; i = map_[i].next) {
          const Page& p = map_[i];
          const Pfn pfn = map_.pfn(i);
          if (p.prev != prev) fail(zname + ": broken back link on a free list");
          if (!(p.flags & PG_buddy) || p.order != o || p.list != mt || p.zone != zi)
            fail(zname + ": pfn " + std::to_string(pfn.value()) + " on free_area[" +
                 std::to_string(o) + "] is not a free block of that order and type");
          if (pfn.value() & ((1ull << o) - 1))
            fail(zname + ": misaligned free block at pfn " + std::to_string(pfn.value()));
          if (pfn < z.zone_start_pfn || pfn + (1ull << o) > zend)
            fail(zname + ": free block outside the zone");
          cover(pfn, o, "free");
          // Uncoalesced buddies (6.x may keep blocks of unmergeable types apart).
          const Pfn buddy = find_buddy_pfn(pfn, o);
          if (o < kMaxOrder && map_.contains(buddy)) {
            const Page& b = map_.page(buddy);
            const bool mergeable = config_.flavour == Flavour::linux_2_6 ||
                                   o < config_.pageblock_order ||
                                   (buddy_->pageblock_mt(z, pfn) < kMigratePcpTypes &&
                                    buddy_->pageblock_mt(z, buddy) < kMigratePcpTypes);
            if ((b.flags & PG_buddy) && b.order == o && b.zone == zi && mergeable)
              fail(zname + ": free buddies " + std::to_string(pfn.value()) + " and " +
                   std::to_string(buddy.value()) + " of order " + std::to_string(o) +
                   " were not merged");
          }
          prev = i;
          ++n;
        }
        if (n != l.count || l.tail != prev) fail(zname + ": free list count or tail is wrong");
        blocks += n;
        free_pages += n << o;
      }
      if (blocks != z.free_area[o].nr_free)
        fail(zname + ": nr_free of order " + std::to_string(o) + " is wrong");
    }
    if (free_pages != z.nr_free_pages)
      fail(zname + ": NR_FREE_PAGES " + std::to_string(z.nr_free_pages) + " but the lists hold " +
           std::to_string(free_pages));
    for (std::size_t c = 0; c < z.pcp.size(); ++c) {
      const PerCpuPages& pcp = z.pcp[c];
      std::int64_t pages = 0;
      for (unsigned li = 0; li < kMaxPcpLists; ++li)
        for (std::uint32_t i = pcp.lists[li].head; i != kNilIndex; i = map_[i].next) {
          const Page& p = map_[i];
          if (!(p.flags & PG_pcp) || p.zone != zi || pcp_pindex(p.list) != li)
            fail(zname + ": a page on CPU " + std::to_string(c) +
                 "'s pcp list is not marked as such");
          cover(map_.pfn(i), p.order, "pcp");
          pages += 1ll << p.order;
        }
      if (pages != pcp.count) fail(zname + ": pcp count of CPU " + std::to_string(c) + " is wrong");
    }
  }
  std::uint64_t lru_pages = 0;
  for (std::uint32_t i = 0; i < map_.size(); ++i) {
    const Page& p = map_[i];
    if (p.flags & PG_head) {
      cover(map_.pfn(i), p.order, "allocated");
      for (std::uint32_t t = 1; t < (1u << p.order); ++t)
        if (!(map_[i + t].flags & PG_tail))
          fail("allocated block at pfn " + std::to_string(map_.pfn(i).value()) +
               " has a bad tail page");
      if (p.refcount <= 0)
        fail("allocated page with refcount <= 0 at pfn " + std::to_string(map_.pfn(i).value()));
      lru_pages += (p.flags & PG_lru) != 0;
    }
    if (p.flags & (PG_nomap | PG_reserved)) {
      if (seen[i])
        fail("reserved page is also free or allocated at pfn " +
             std::to_string(map_.pfn(i).value()));
      seen[i] = 1;
    }
    if (!seen[i])
      fail("page " + std::to_string(map_.pfn(i).value()) +
           " is neither free, on a pcp list, allocated nor reserved");
  }
  std::uint64_t on_lrus = 0;
  for (const FreeList& l : lru_) on_lrus += l.count;
  if (on_lrus != lru_pages) fail("LRU lists and PG_lru pages disagree");
}

}  // namespace allocsim::model
