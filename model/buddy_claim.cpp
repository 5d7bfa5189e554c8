// The fallback between migrate types of 6.15 and later (linux-6.18):
// __rmqueue tries the request's own lists, then claims a whole foreign block
// (__rmqueue_claim, largest free block first), then steals one block of the
// smallest order that has one (__rmqueue_steal), remembering in rmqueue_mode
// which step last succeeded. Since the freelist hygiene of 6.10 the free
// pages of a block only move to the new type when the block is claimed, and
// a stolen page's remainder stays on its own block's lists.
#include "model/buddy.hpp"

namespace allocsim::model {

// __rmqueue (6.15+, without the CMA steps: the model has no CMA areas).
std::uint32_t Buddy::rmqueue_claim_or_steal(Zone& z, unsigned order, unsigned mt,
                                            const AllocFlags& flags, const Charge& c,
                                            RmqueueMode& mode) {
  std::uint32_t idx = kNilIndex;
  switch (mode) {
    case RmqueueMode::normal:
      idx = rmqueue_smallest(z, order, mt, c);
      if (idx != kNilIndex) return idx;
      [[fallthrough]];
    case RmqueueMode::claim:
      idx = rmqueue_claim(z, order, mt, flags, c);
      if (idx != kNilIndex) {
        mode = RmqueueMode::normal;  // the own lists were replenished
        return idx;
      }
      [[fallthrough]];
    case RmqueueMode::steal:
      if (!flags.nofragment) {
        idx = rmqueue_steal(z, order, mt, c);
        if (idx != kNilIndex) mode = RmqueueMode::steal;
      }
  }
  return idx;
}

// find_suitable_fallback (6.16, "mm: page_alloc: tighten up
// find_suitable_fallback()") without its claimable test, which
// rmqueue_claim makes itself: the first type in fallbacks[] with a free block
// of this order.
int Buddy::find_fallback_type(const Zone& z, unsigned order, unsigned start_mt) const {
  if (z.free_area[order].nr_free == 0) return -1;
  for (unsigned fallback : fallback_types(p_.flavour, start_mt))
    if (!z.free_area[order].free_list[fallback].empty()) return static_cast<int>(fallback);
  return -1;
}

// __rmqueue_claim: from MAX_PAGE_ORDER down, as long as the order may claim
// a block (find_suitable_fallback's -2 from should_try_claim_block, the
// model's can_steal_fallback), try the first block of a fallback type.
std::uint32_t Buddy::rmqueue_claim(Zone& z, unsigned order, unsigned start_mt,
                                   const AllocFlags& flags, const Charge& c) {
  unsigned min_order = order;
  if (flags.nofragment && order < p_.pageblock_order) min_order = p_.pageblock_order;
  for (int o = kMaxOrder; o >= static_cast<int>(min_order); --o) {
    const auto current_order = static_cast<unsigned>(o);
    if (!can_steal_fallback(current_order, start_mt)) break;  // orders too low to claim
    const int fallback = find_fallback_type(z, current_order, start_mt);
    if (fallback == -1) continue;
    const auto block_mt = static_cast<unsigned>(fallback);
    c.read(list_head(z, current_order, block_mt));
    const std::uint32_t head = z.free_area[current_order].free_list[block_mt].head;
    const std::uint32_t idx =
        try_to_claim_block(z, head, current_order, order, start_mt, block_mt, flags, c);
    if (idx != kNilIndex) {
      ++extfrag_events_;  // trace_mm_page_alloc_extfrag
      return idx;
    }
  }
  return kNilIndex;
}

// __rmqueue_steal: the smallest block of a fallback type; the block keeps
// its type and the remainder goes back on that type's lists.
std::uint32_t Buddy::rmqueue_steal(Zone& z, unsigned order, unsigned start_mt, const Charge& c) {
  for (unsigned current_order = order; current_order < kNrOrders; ++current_order) {
    const int fallback = find_fallback_type(z, current_order, start_mt);
    if (fallback == -1) continue;
    const auto block_mt = static_cast<unsigned>(fallback);
    c.read(list_head(z, current_order, block_mt));
    const std::uint32_t idx = z.free_area[current_order].free_list[block_mt].head;
    del_from_free_list(z, idx, current_order, c);  // page_del_and_expand
    expand(z, idx, order, current_order, block_mt, c);
    ++extfrag_events_;
    return idx;
  }
  return kNilIndex;
}

// try_to_claim_block: a block of pageblock order or more changes type
// whole; a smaller one (after boosting the watermark) only when at least
// half of its block is free or of a compatible type, and then all its free
// pages move to the new type and __rmqueue_smallest takes from them.
std::uint32_t Buddy::try_to_claim_block(Zone& z, std::uint32_t idx, unsigned current_order,
                                        unsigned order, unsigned start_mt, unsigned block_mt,
                                        const AllocFlags& flags, const Charge& c) {
  const MigrateTypes t = migrate_types(p_.flavour);
  if (current_order >= p_.pageblock_order) {
    del_from_free_list(z, idx, current_order, c);
    change_pageblock_range(z, map_.pfn(idx), current_order, start_mt);
    expand(z, idx, order, current_order, start_mt, c);
    return idx;
  }
  if (boost_watermark(z) && flags.kswapd) z.boosted = true;  // ZONE_BOOSTED_WATERMARK
  std::uint64_t free_pages = 0, movable = 0;
  if (!prep_move_freepages_block(z, idx, c, &free_pages, &movable)) return kNilIndex;
  std::uint64_t alike = 0;
  if (start_mt == t.movable)
    alike = movable;
  else if (block_mt == t.movable)
    alike = pageblock_nr_pages() - (free_pages + movable);
  if (free_pages + alike < (1ull << (p_.pageblock_order - 1)) && !mobility_disabled_)
    return kNilIndex;
  move_freepages_block(z, idx, start_mt, c);  // __move_freepages_block
  set_pageblock_mt(z, map_.pfn(idx), start_mt);
  return rmqueue_smallest(z, order, start_mt, c);
}

// prep_move_freepages_block (6.10): false when the block is not wholly in
// the zone; else its free pages and its pages in use that count as movable
// (an allocated block of a movable request stands for PageLRU).
bool Buddy::prep_move_freepages_block(const Zone& z, std::uint32_t idx, const Charge& c,
                                      std::uint64_t* free_pages,
                                      std::uint64_t* movable_pages) const {
  const MigrateTypes t = migrate_types(p_.flavour);
  const Pfn start(map_.pfn(idx).value() & ~(pageblock_nr_pages() - 1));
  const Pfn end = start + pageblock_nr_pages();
  if (start < z.zone_start_pfn || end > z.zone_start_pfn + z.spanned_pages) return false;
  for (Pfn p = start; p < end;) {
    const std::uint32_t i = map_.index(p);
    const Page& page = map_[i];
    c.read(map_.desc_addr(i) + lists_.layout.flags);
    if (page.flags & PG_buddy) {
      *free_pages += 1ull << page.order;
      p += 1ull << page.order;
    } else if ((page.flags & PG_head) && page.list == t.movable) {
      *movable_pages += 1ull << page.order;
      p += 1ull << page.order;
    } else {
      ++p;
    }
  }
  return true;
}

}  // namespace allocsim::model
