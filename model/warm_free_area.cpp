// A replay's warm start of a zone's free lists from the recording's
// /proc/pagetypeinfo, which gives free blocks per migratetype and order and
// pageblocks per type, but not which pfns. The layout chosen here is
// deterministic and consistent with the buddy allocator's own invariant:
// - pageblocks get their recorded types in pfn order, the non-movable types
//   first (Unmovable, Reclaimable, HighAtomic/Reserve), Movable for the rest;
// - blocks are placed largest order first, each at the lowest free aligned
//   place inside the pageblocks of its type (else of any type), carved from
//   the pages the model has free, exactly as the buddy allocator splits;
// - no two placed blocks may be buddies that __free_one_page would have
//   merged: where a block's buddy is still wholly unplaced, its last page is
//   kept allocated (a guard), so the buddy can only hold smaller blocks;
// - whatever the model had free and is not placed stays allocated (order-0,
//   refcount 1): the recorded kernel's memory in use. The pcp lists are
//   emptied first and warm_pcp refills them from that memory, since pcp
//   pages are not on pagetypeinfo's lists.
#include <algorithm>
#include <set>

#include "model/page_alloc.hpp"

namespace allocsim::model {

namespace {

enum State : std::uint8_t { kBusy, kSpace, kPlaced, kGuard };

}  // namespace

WarmFreeAreaResult PageAllocator::warm_free_area(std::size_t zi, const WarmFreeArea& want) {
  Zone& z = zones_.at(zi);
  const Charge none{nullptr};
  const MigrateTypes t = migrate_types(config_.flavour);
  const Pfn start = z.zone_start_pfn;
  const std::uint64_t span = z.spanned_pages;
  WarmFreeAreaResult result;
  if (warm_held_.size() < zones_.size()) warm_held_.resize(zones_.size());

  // 0. What boot left on the pcp lists goes back first (warm_pcp refills
  // them to the recorded counts); a warm start's moves are not counted.
  const ZoneCounters counters = z.counters;
  for (PerCpuPages& pcp : z.pcp)
    if (pcp.count > 0) free_pcppages_bulk(none, z, pcp.count, pcp, 0);
  z.counters = counters;

  // 1. Everything the model has free in the zone becomes space to place into.
  std::vector<std::uint8_t> state(span, kBusy);
  for (unsigned o = 0; o < kNrOrders; ++o)
    for (unsigned mt = 0; mt < kMaxMigrateTypes; ++mt) {
      FreeList& list = z.free_area[o].free_list[mt];
      while (!list.empty()) {
        const std::uint32_t idx = list.head;
        buddy_->take_free_block(z, idx, o, none);
        z.nr_free_pages -= 1ull << o;
        const std::uint64_t off = map_.pfn(idx) - start;
        std::fill_n(state.begin() + static_cast<std::ptrdiff_t>(off), 1ull << o, kSpace);
      }
    }

  // 2. Pageblock types in pfn order, when the recording gives them.
  const unsigned pb_order = config_.pageblock_order;
  std::uint64_t recorded_blocks = 0;
  for (std::uint64_t b : want.blocks) recorded_blocks += b;
  if (recorded_blocks > 0) {
    const unsigned first[] = {t.unmovable, t.reclaimable, t.reserve};
    std::size_t block = 0;
    for (unsigned mt : first)
      for (std::uint64_t n = 0; n < want.blocks[mt] && block < z.pageblock_mt.size(); ++n)
        z.pageblock_mt[block++] = static_cast<std::uint8_t>(mt);
    while (block < z.pageblock_mt.size())
      z.pageblock_mt[block++] = static_cast<std::uint8_t>(t.movable);
  }
  const auto type_at = [&](std::uint64_t off) { return buddy_->pageblock_mt(z, start + off); };

  // 3. The space as maximal aligned blocks per (pageblock type, order), found
  // with a prefix count of space pages; lowest address first.
  std::vector<std::uint32_t> prefix(span + 1, 0);
  for (std::uint64_t i = 0; i < span; ++i) prefix[i + 1] = prefix[i] + (state[i] == kSpace);
  const auto all_space = [&](std::uint64_t off, std::uint64_t n) {
    return off + n <= span && prefix[off + n] - prefix[off] == n;
  };
  std::array<std::array<std::set<std::uint64_t>, kNrOrders>, kMaxMigrateTypes> space;
  const auto uniform_type = [&](std::uint64_t off, unsigned o) {
    if (o <= pb_order) return true;
    for (std::uint64_t b = off; b < off + (1ull << o); b += 1ull << pb_order)
      if (type_at(b) != type_at(off)) return false;
    return true;
  };
  for (std::uint64_t off = 0; off < span;) {
    if (state[off] != kSpace) {
      ++off;
      continue;
    }
    unsigned o = kMaxOrder;
    while (o > 0 && (((start + off).value() & ((1ull << o) - 1)) != 0 ||
                     !all_space(off, 1ull << o) || !uniform_type(off, o)))
      --o;
    space[type_at(off)][o].insert(off);
    off += 1ull << o;
  }
  // The lowest block of at least `order` in `mt`'s pageblocks, split down as
  // expand() splits; kNoSpace if there is none.
  constexpr std::uint64_t kNoSpace = ~0ull;
  const auto carve = [&](unsigned mt, unsigned order) {
    for (unsigned o = order; o < kNrOrders; ++o) {
      std::set<std::uint64_t>& s = space[mt][o];
      if (s.empty()) continue;
      const std::uint64_t off = *s.begin();
      s.erase(s.begin());
      for (unsigned h = o; h > order;) {
        --h;
        space[type_at(off + (1ull << h))][h].insert(off + (1ull << h));
      }
      return off;
    }
    return kNoSpace;
  };

  // 4. Place the blocks, largest first.
  for (unsigned o = kNrOrders; o-- > 0;)
    for (unsigned mt = 0; mt < kMaxMigrateTypes; ++mt)
      for (std::uint64_t n = 0; n < want.free[mt][o]; ++n) {
        std::uint64_t off = carve(mt, o);
        for (unsigned other : {t.movable, t.unmovable, t.reclaimable, t.reserve})
          if (off == kNoSpace && other != mt) off = carve(other, o);
        if (off == kNoSpace) {
          ++result.missing_blocks;
          continue;
        }
        std::fill_n(state.begin() + static_cast<std::ptrdiff_t>(off), 1ull << o, kPlaced);
        // The buddy may not become wholly free: guard its last page.
        const std::uint64_t b = find_buddy_pfn(start + off, o) - start;
        if (o < kMaxOrder && b < span) {
          std::set<std::uint64_t>& s = space[type_at(b)][o];
          if (s.erase(b)) {
            std::uint64_t cur = b;
            for (unsigned h = o; h-- > 0;) {
              space[type_at(cur)][h].insert(cur);
              cur += 1ull << h;
            }
            state[cur] = kGuard;
          }
        }
        const std::uint32_t idx = map_.index(start + off);
        buddy_->place_free_block(z, idx, o, mt, none);
        z.nr_free_pages += 1ull << o;
        result.free_pages += 1ull << o;
      }

  // 5. The rest stays allocated, order-0 pages in use.
  // Movable pageblocks' pages last: warm_pcp takes from the back.
  std::vector<std::uint32_t>& held = warm_held_[zi];
  held.clear();
  for (bool movable : {false, true})
    for (std::uint64_t off = 0; off < span; ++off) {
      if ((state[off] != kSpace && state[off] != kGuard) || (type_at(off) == t.movable) != movable)
        continue;
      const std::uint32_t idx = map_.index(start + off);
      Page& p = map_[idx];
      p.flags = PG_head;
      p.order = 0;
      p.list = static_cast<std::uint8_t>(type_at(off));
      p.refcount = 1;
      held.push_back(idx);
    }
  result.held_pages = held.size();
  return result;
}

std::uint64_t PageAllocator::warm_page_cache(sim::NodeId node, std::uint64_t pages) {
  std::uint64_t moved = 0;
  for (std::size_t zi = std::min(zones_.size(), warm_held_.size()); zi-- > 0 && moved < pages;) {
    if (zones_[zi].node != node) continue;
    std::vector<std::uint32_t>& held = warm_held_[zi];
    for (; moved < pages && !held.empty(); ++moved) {
      const std::uint32_t idx = held.back();
      held.pop_back();
      map_[idx].flags |= PG_lru;  // alloc_page_cache's page, without the allocation
      lists_.add(lru_[node], lru_head_[node], idx, Charge{nullptr});
    }
  }
  return moved;
}

std::uint64_t PageAllocator::warm_held_pages(sim::NodeId node) const {
  std::uint64_t n = 0;
  for (std::size_t zi = 0; zi < std::min(zones_.size(), warm_held_.size()); ++zi)
    if (zones_[zi].node == node) n += warm_held_[zi].size();
  return n;
}

}  // namespace allocsim::model
