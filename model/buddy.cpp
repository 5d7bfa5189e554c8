#include "model/buddy.hpp"

#include <algorithm>

#include "model/kernel_math.hpp"

namespace allocsim::model {

namespace {
// __mod_zone_page_state(NR_FREE_PAGES) by a CPU leaves its per-CPU diff for
// the zone nonzero, which vmstat_update folds (model/vmstat_work.cpp). Boot and
// uncharged callers change the zone counter only.
void mark_stat_diff(Zone& z, const Charge& c) {
  if (c.cpu && c.cpu->id() < z.pcp.size()) z.pcp[c.cpu->id()].stat_diff = true;
}
}  // namespace

const std::array<std::uint8_t, 2>& fallback_types(Flavour f, unsigned start_mt) {
  // 2.6.32: UNMOVABLE 0, RECLAIMABLE 1, MOVABLE 2 (RESERVE tried by __rmqueue itself).
  static constexpr std::array<std::array<std::uint8_t, 2>, 3> old_fallbacks{
      {{1, 2}, {0, 2}, {1, 0}}};
  // 6.8: UNMOVABLE 0, MOVABLE 1, RECLAIMABLE 2.
  static constexpr std::array<std::array<std::uint8_t, 2>, 3> new_fallbacks{
      {{2, 1}, {2, 0}, {0, 1}}};
  return (f == Flavour::linux_2_6 ? old_fallbacks : new_fallbacks)[start_mt];
}

Buddy::Buddy(const BuddyParams& params, MemMap& map, PageLayout layout)
    : p_(params), map_(map), lists_{&map, layout} {}

void Buddy::add_to_free_list(Zone& z, std::uint32_t idx, unsigned order, unsigned mt, bool tail,
                             const Charge& c) {
  Page& page = map_[idx];
  page.flags = static_cast<std::uint8_t>((page.flags & ~(PG_head | PG_tail | PG_pcp)) | PG_buddy);
  page.order = static_cast<std::uint8_t>(order);
  page.list = static_cast<std::uint8_t>(mt);
  c.write(map_.desc_addr(idx) + lists_.layout.flags);  // __SetPageBuddy, set_buddy_order
  FreeList& l = z.free_area[order].free_list[mt];
  if (tail)
    lists_.add_tail(l, list_head(z, order, mt), idx, c);
  else
    lists_.add(l, list_head(z, order, mt), idx, c);
  ++z.free_area[order].nr_free;
  c.write(list_head(z, order, 0) + kMaxMigrateTypes * 16);  // nr_free
}

void Buddy::del_from_free_list(Zone& z, std::uint32_t idx, unsigned order, const Charge& c) {
  Page& page = map_[idx];
  lists_.del(z.free_area[order].free_list[page.list], list_head(z, order, page.list), idx, c);
  page.flags = static_cast<std::uint8_t>(page.flags & ~PG_buddy);
  c.write(map_.desc_addr(idx) + lists_.layout.flags);  // __ClearPageBuddy
  --z.free_area[order].nr_free;
  c.write(list_head(z, order, 0) + kMaxMigrateTypes * 16);
}

// expand(): the caller keeps the lowest 2^low pages; the upper halves go back
// on the lists, largest first, each at the list head.
void Buddy::expand(Zone& z, std::uint32_t idx, unsigned low, unsigned high, unsigned mt,
                   const Charge& c) {
  std::uint64_t size = 1ull << high;
  while (high > low) {
    --high;
    size >>= 1;
    add_to_free_list(z, static_cast<std::uint32_t>(idx + size), high, mt, false, c);
  }
}

std::uint32_t Buddy::rmqueue_smallest(Zone& z, unsigned order, unsigned mt, const Charge& c) {
  for (unsigned o = order; o < kNrOrders; ++o) {
    const FreeList& l = z.free_area[o].free_list[mt];
    c.read(list_head(z, o, mt));
    if (l.empty()) continue;
    const std::uint32_t idx = l.head;
    del_from_free_list(z, idx, o, c);
    expand(z, idx, order, o, mt, c);
    return idx;
  }
  return kNilIndex;
}

std::uint32_t Buddy::rmqueue(Zone& z, unsigned order, unsigned mt, const AllocFlags& flags,
                             const Charge& c, RmqueueMode* mode) {
  std::uint32_t idx = kNilIndex;
  const MigrateTypes t = migrate_types(p_.flavour);
  if (p_.flavour == Flavour::linux_2_6) {
    // __rmqueue (2.6.32): own type, then fallback stealing, then MIGRATE_RESERVE.
    idx = rmqueue_smallest(z, order, mt, c);
    if (idx == kNilIndex && mt != t.reserve) {
      idx = rmqueue_fallback_2_6(z, order, mt, c);
      if (idx == kNilIndex) idx = rmqueue_smallest(z, order, t.reserve, c);
    }
  } else {
    // rmqueue_buddy (6.x): HIGHATOMIC first for high-order atomics, then
    // __rmqueue (6.8: own type, steal and retry; 6.15+: own type, claim a
    // block, steal a page), HIGHATOMIC again for OOM.
    if (flags.highatomic) idx = rmqueue_smallest(z, order, t.reserve, c);
    if (idx == kNilIndex && rules_.claim_or_steal) {
      RmqueueMode fresh = RmqueueMode::normal;
      idx = rmqueue_claim_or_steal(z, order, mt, flags, c, mode ? *mode : fresh);
    } else {
      while (idx == kNilIndex) {
        idx = rmqueue_smallest(z, order, mt, c);
        if (idx != kNilIndex || !rmqueue_fallback_6(z, order, mt, flags, c)) break;
      }
    }
    if (idx == kNilIndex && flags.oom) idx = rmqueue_smallest(z, order, t.reserve, c);
  }
  if (idx != kNilIndex) {
    z.nr_free_pages -= 1ull << order;
    c.write(z.addr + ZoneLayout::vm_stat);  // NR_FREE_PAGES
    mark_stat_diff(z, c);
  }
  return idx;
}

// __rmqueue_fallback (2.6.32): largest block of a fallback type first; a large
// enough steal takes the whole pageblock.
std::uint32_t Buddy::rmqueue_fallback_2_6(Zone& z, unsigned order, unsigned start_mt,
                                          const Charge& c) {
  const MigrateTypes t = migrate_types(p_.flavour);
  for (int o = kMaxOrder; o >= static_cast<int>(order); --o) {
    const unsigned current_order = static_cast<unsigned>(o);
    for (unsigned fallback : fallback_types(p_.flavour, start_mt)) {
      c.read(list_head(z, current_order, fallback));
      if (z.free_area[current_order].free_list[fallback].empty()) continue;
      const std::uint32_t idx = z.free_area[current_order].free_list[fallback].head;
      unsigned mt = fallback;
      if (current_order >= p_.pageblock_order / 2 || start_mt == t.reclaimable ||
          mobility_disabled_) {
        const std::uint64_t moved = move_freepages_block(z, idx, start_mt, c);
        if (moved >= (1ull << (p_.pageblock_order - 1)) || mobility_disabled_)
          set_pageblock_mt(z, map_.pfn(idx), start_mt);
        mt = start_mt;
      }
      del_from_free_list(z, idx, current_order, c);
      if (current_order >= p_.pageblock_order)
        change_pageblock_range(z, map_.pfn(idx), current_order, start_mt);
      expand(z, idx, order, current_order, mt, c);
      ++extfrag_events_;  // trace_mm_page_alloc_extfrag
      return idx;
    }
  }
  return kNilIndex;
}

bool Buddy::can_steal_fallback(unsigned order, unsigned start_mt) const {
  const MigrateTypes t = migrate_types(p_.flavour);
  return order >= p_.pageblock_order || order >= p_.pageblock_order / 2 ||
         start_mt == t.reclaimable || start_mt == t.unmovable || mobility_disabled_;
}

int Buddy::find_suitable_fallback(const Zone& z, unsigned order, unsigned start_mt,
                                  bool* can_steal) const {
  *can_steal = false;
  if (z.free_area[order].nr_free == 0) return -1;
  for (unsigned fallback : fallback_types(p_.flavour, start_mt)) {
    if (z.free_area[order].free_list[fallback].empty()) continue;
    *can_steal = can_steal_fallback(order, start_mt);
    return static_cast<int>(fallback);
  }
  return -1;
}

// __rmqueue_fallback (6.8): returns true after moving a block to the start
// type's lists, so that __rmqueue can retry __rmqueue_smallest.
bool Buddy::rmqueue_fallback_6(Zone& z, unsigned order, unsigned start_mt, const AllocFlags& flags,
                               const Charge& c) {
  const MigrateTypes t = migrate_types(p_.flavour);
  unsigned min_order = order;
  if (flags.nofragment && order < p_.pageblock_order) min_order = p_.pageblock_order;
  bool can_steal = false;
  int fallback = -1;
  int current_order = kMaxOrder;
  for (; current_order >= static_cast<int>(min_order); --current_order) {
    fallback =
        find_suitable_fallback(z, static_cast<unsigned>(current_order), start_mt, &can_steal);
    if (fallback == -1) continue;
    // A movable request that cannot steal the block takes the smallest one.
    if (!can_steal && start_mt == t.movable && static_cast<unsigned>(current_order) > order) {
      fallback = -1;
      for (current_order = static_cast<int>(order); current_order <= static_cast<int>(kMaxOrder);
           ++current_order) {
        fallback =
            find_suitable_fallback(z, static_cast<unsigned>(current_order), start_mt, &can_steal);
        if (fallback != -1) break;
      }
    }
    break;
  }
  if (fallback == -1) return false;
  const unsigned co = static_cast<unsigned>(current_order);
  c.read(list_head(z, co, static_cast<unsigned>(fallback)));
  const std::uint32_t idx = z.free_area[co].free_list[fallback].head;
  steal_suitable_fallback(z, idx, flags, start_mt, can_steal, c);
  ++extfrag_events_;
  return true;
}

void Buddy::steal_suitable_fallback(Zone& z, std::uint32_t idx, const AllocFlags& flags,
                                    unsigned start_mt, bool whole_block, const Charge& c) {
  const MigrateTypes t = migrate_types(p_.flavour);
  Page& page = map_[idx];
  const unsigned current_order = page.order;
  const Pfn pfn = map_.pfn(idx);
  const unsigned old_block_type = pageblock_mt(z, pfn);
  auto single_page = [&] {
    const unsigned from = page.list;
    lists_.del(z.free_area[current_order].free_list[from], list_head(z, current_order, from), idx,
               c);
    page.list = static_cast<std::uint8_t>(start_mt);
    lists_.add_tail(z.free_area[current_order].free_list[start_mt],
                    list_head(z, current_order, start_mt), idx, c);
  };
  if (old_block_type == t.reserve) return single_page();  // HIGHATOMIC blocks are never converted
  if (current_order >= p_.pageblock_order) {
    change_pageblock_range(z, pfn, current_order, start_mt);
    return single_page();
  }
  if (boost_watermark(z) && flags.kswapd) z.boosted = true;
  if (!whole_block) return single_page();
  std::uint64_t movable = 0;
  const std::uint64_t free_pages = move_freepages_block(z, idx, start_mt, c, &movable);
  if (free_pages == 0) return single_page();
  std::uint64_t alike = 0;
  if (start_mt == t.movable)
    alike = movable;
  else if (old_block_type == t.movable)
    alike = pageblock_nr_pages() - (free_pages + movable);
  if (free_pages + alike >= (1ull << (p_.pageblock_order - 1)) || mobility_disabled_)
    set_pageblock_mt(z, pfn, start_mt);
}

bool Buddy::boost_watermark(Zone& z) {
  if (p_.watermark_boost_factor == 0) return false;
  if (pageblock_nr_pages() * 4 > z.managed_pages) return false;
  std::uint64_t max_boost = mult_frac(z.wmark.high, p_.watermark_boost_factor, 10000);
  if (max_boost == 0) return false;
  max_boost = std::max(pageblock_nr_pages(), max_boost);
  z.watermark_boost = std::min(z.watermark_boost + pageblock_nr_pages(), max_boost);
  return true;
}

void Buddy::change_pageblock_range(Zone& z, Pfn pfn, unsigned order, unsigned mt) {
  const std::uint64_t blocks = 1ull << (order - p_.pageblock_order);
  for (std::uint64_t b = 0; b < blocks; ++b)
    set_pageblock_mt(z, pfn + (b << p_.pageblock_order), mt);
}

std::uint64_t Buddy::move_freepages_block(Zone& z, std::uint32_t idx, unsigned mt, const Charge& c,
                                          std::uint64_t* movable_pages) {
  const MigrateTypes t = migrate_types(p_.flavour);
  const Pfn pfn = map_.pfn(idx);
  Pfn start(pfn.value() & ~(pageblock_nr_pages() - 1));
  const Pfn end = start + pageblock_nr_pages() - 1;
  if (start < z.zone_start_pfn) start = pfn;
  if (end >= z.zone_start_pfn + z.spanned_pages) return 0;
  std::uint64_t moved = 0;
  for (Pfn p = start; p <= end;) {
    const std::uint32_t i = map_.index(p);
    Page& page = map_[i];
    c.read(map_.desc_addr(i) + lists_.layout.flags);
    if (!(page.flags & PG_buddy)) {
      // An allocated block of a movable allocation counts as movable (PageLRU).
      if (movable_pages && (page.flags & PG_head) && page.list == t.movable) {
        *movable_pages += 1ull << page.order;
        p += 1ull << page.order;
        continue;
      }
      ++p;
      continue;
    }
    const unsigned order = page.order;
    const unsigned from = page.list;
    lists_.del(z.free_area[order].free_list[from], list_head(z, order, from), i, c);
    page.list = static_cast<std::uint8_t>(mt);
    if (p_.flavour == Flavour::linux_2_6)
      lists_.add(z.free_area[order].free_list[mt], list_head(z, order, mt), i, c);  // list_move
    else
      lists_.add_tail(z.free_area[order].free_list[mt], list_head(z, order, mt), i,
                      c);  // list_move_tail
    p += 1ull << order;
    moved += 1ull << order;
  }
  return moved;
}

bool Buddy::buddy_merge_likely(const Zone& z, Pfn pfn, Pfn buddy_pfn, unsigned order) const {
  if (order >= kMaxOrder - 1) return false;
  const Pfn higher(buddy_pfn.value() & pfn.value());
  const Pfn higher_buddy = find_buddy_pfn(higher, order + 1);
  if (!map_.contains(higher_buddy)) return false;
  const Page& b = map_.page(higher_buddy);
  return (b.flags & PG_buddy) && b.order == order + 1 && b.zone == map_.page(pfn).zone &&
         z.zone_start_pfn <= higher_buddy;
}

// __free_one_page: merge with the buddy while it is free at the same order.
void Buddy::free_one_page(Zone& z, std::uint32_t idx, unsigned order, unsigned mt, const Charge& c,
                          bool to_tail) {
  z.nr_free_pages += 1ull << order;
  c.write(z.addr + ZoneLayout::vm_stat);
  mark_stat_diff(z, c);
  Pfn pfn = map_.pfn(idx);
  const std::uint8_t zone_id = map_[idx].zone;
  Pfn buddy_pfn = pfn;
  while (order < kMaxOrder) {
    buddy_pfn = find_buddy_pfn(pfn, order);
    if (!map_.contains(buddy_pfn)) break;
    const std::uint32_t bidx = map_.index(buddy_pfn);
    const Page& buddy = map_[bidx];
    c.read(map_.desc_addr(bidx) + lists_.layout.flags, 48);  // page_is_buddy: flags, private
    if (!(buddy.flags & PG_buddy) || buddy.order != order || buddy.zone != zone_id) break;
    if (p_.flavour != Flavour::linux_2_6 && order >= p_.pageblock_order) {
      // 6.8: do not merge isolated/highatomic blocks with others.
      const unsigned b = pageblock_mt(z, buddy_pfn);
      if (mt != b && (mt >= kMigratePcpTypes || b >= kMigratePcpTypes)) break;
    }
    del_from_free_list(z, bidx, order, c);
    pfn = Pfn(pfn.value() & buddy_pfn.value());  // combined_pfn
    ++order;
  }
  bool tail = false;
  if (p_.flavour != Flavour::linux_2_6)
    tail = to_tail || buddy_merge_likely(z, pfn, buddy_pfn, order);
  add_to_free_list(z, map_.index(pfn), order, mt, tail, c);
}

}  // namespace allocsim::model
