#pragma once
// The buddy allocator of one zone: free_area lists, __rmqueue_smallest +
// expand, __free_one_page coalescing with buddy = pfn ^ (1 << order), and each
// flavour's fallback between migrate types. Callers hold zone->lock.
#include <cstdint>

#include "model/alloc_flags.hpp"
#include "model/charge.hpp"
#include "model/flavour.hpp"
#include "model/page_alloc_rules.hpp"
#include "model/page_list.hpp"
#include "model/zone.hpp"

namespace allocsim::model {

struct BuddyParams {
  Flavour flavour;
  unsigned pageblock_order;                 // 9 on x86 with hugepages (HUGETLB_PAGE_ORDER)
  unsigned watermark_boost_factor = 15000;  // 6.x
  // kernel.mobility_grouping: false sets page_group_by_mobility_disabled from
  // the start (before memmap_init marks the pageblocks).
  bool mobility_grouping = true;
};

// enum rmqueue_mode (6.15, "mm: page_alloc: speed up fallbacks in
// rmqueue_bulk()"): where __rmqueue found its last block, so that
// rmqueue_bulk's next call under the same zone->lock skips the searches that
// already failed. RMQUEUE_CMA is not needed: the model has no CMA areas.
enum class RmqueueMode : std::uint8_t { normal, claim, steal };

class Buddy {
 public:
  Buddy(const BuddyParams& params, MemMap& map, PageLayout layout);

  const BuddyParams& params() const { return p_; }
  std::uint64_t pageblock_nr_pages() const { return 1ull << p_.pageblock_order; }

  // The free_area list head's simulated address.
  sim::PhysAddr list_head(const Zone& z, unsigned order, unsigned mt) const {
    return z.addr + ZoneLayout::free_area + order * ZoneLayout::free_area_stride + mt * 16;
  }
  // The pageblock bitmap starts at the zone start rounded down to a block.
  std::size_t pageblock_index(const Zone& z, Pfn pfn) const {
    return (pfn.value() >> p_.pageblock_order) - (z.zone_start_pfn.value() >> p_.pageblock_order);
  }
  unsigned pageblock_mt(const Zone& z, Pfn pfn) const {
    return z.pageblock_mt[pageblock_index(z, pfn)];
  }
  // set_pageblock_migratetype: with grouping disabled every block becomes
  // Unmovable (2.6.32: whatever the type; 6.x: only the MIGRATE_PCPTYPES).
  void set_pageblock_mt(Zone& z, Pfn pfn, unsigned mt) const {
    if (mobility_disabled_ && (p_.flavour == Flavour::linux_2_6 || mt < kMigratePcpTypes))
      mt = migrate_types(p_.flavour).unmovable;
    z.pageblock_mt[pageblock_index(z, pfn)] = static_cast<std::uint8_t>(mt);
  }
  // page_group_by_mobility_disabled: from kernel.mobility_grouping, then as
  // build_all_zonelists decides it (PageAllocator::decide_mobility_grouping).
  bool group_by_mobility_disabled() const { return mobility_disabled_; }
  void set_group_by_mobility_disabled(bool disabled) { mobility_disabled_ = disabled; }

  // __rmqueue (2.6.32) / __rmqueue + rmqueue_buddy's HIGHATOMIC handling (6.x).
  // Returns the mem_map index of a block of 2^order pages, or kNilIndex.
  // `mode` carries rmqueue_bulk's rmqueue_mode from one call to the next
  // (claim_or_steal rules only); null: a fresh RMQUEUE_NORMAL, as rmqueue_buddy.
  std::uint32_t rmqueue(Zone& z, unsigned order, unsigned mt, const AllocFlags& flags,
                        const Charge& c, RmqueueMode* mode = nullptr);
  std::uint32_t rmqueue_smallest(Zone& z, unsigned order, unsigned mt, const Charge& c);
  // __free_one_page: coalesces and puts the block on its list.
  void free_one_page(Zone& z, std::uint32_t idx, unsigned order, unsigned mt, const Charge& c,
                     bool to_tail = false);
  // move_freepages_block: moves the free pages of idx's pageblock to mt's
  // lists; returns pages moved (0 if the block crosses the zone's end).
  std::uint64_t move_freepages_block(Zone& z, std::uint32_t idx, unsigned mt, const Charge& c,
                                     std::uint64_t* movable_pages = nullptr);

  std::uint64_t extfrag_events() const { return extfrag_events_; }

  // A warm start's direct edits of the lists (model/warm_free_area.cpp):
  // take a free block off its list, or put one on mt's list (at the tail)
  // without coalescing. Neither touches nr_free_pages.
  void take_free_block(Zone& z, std::uint32_t idx, unsigned order, const Charge& c) {
    del_from_free_list(z, idx, order, c);
  }
  void place_free_block(Zone& z, std::uint32_t idx, unsigned order, unsigned mt, const Charge& c) {
    add_to_free_list(z, idx, order, mt, true, c);
  }

 private:
  void add_to_free_list(Zone& z, std::uint32_t idx, unsigned order, unsigned mt, bool tail,
                        const Charge& c);
  void del_from_free_list(Zone& z, std::uint32_t idx, unsigned order, const Charge& c);
  void expand(Zone& z, std::uint32_t idx, unsigned low, unsigned high, unsigned mt,
              const Charge& c);
  std::uint32_t rmqueue_fallback_2_6(Zone& z, unsigned order, unsigned start_mt, const Charge& c);
  bool rmqueue_fallback_6(Zone& z, unsigned order, unsigned start_mt, const AllocFlags& flags,
                          const Charge& c);
  int find_suitable_fallback(const Zone& z, unsigned order, unsigned start_mt,
                             bool* can_steal) const;
  // The 6.15+ fallback (model/buddy_claim.cpp).
  std::uint32_t rmqueue_claim_or_steal(Zone& z, unsigned order, unsigned mt,
                                       const AllocFlags& flags, const Charge& c, RmqueueMode& mode);
  std::uint32_t rmqueue_claim(Zone& z, unsigned order, unsigned start_mt, const AllocFlags& flags,
                              const Charge& c);
  std::uint32_t rmqueue_steal(Zone& z, unsigned order, unsigned start_mt, const Charge& c);
  std::uint32_t try_to_claim_block(Zone& z, std::uint32_t idx, unsigned current_order,
                                   unsigned order, unsigned start_mt, unsigned block_mt,
                                   const AllocFlags& flags, const Charge& c);
  int find_fallback_type(const Zone& z, unsigned order, unsigned start_mt) const;
  bool prep_move_freepages_block(const Zone& z, std::uint32_t idx, const Charge& c,
                                 std::uint64_t* free_pages, std::uint64_t* movable_pages) const;
  bool can_steal_fallback(unsigned order, unsigned start_mt) const;
  void steal_suitable_fallback(Zone& z, std::uint32_t idx, const AllocFlags& flags,
                               unsigned start_mt, bool whole_block, const Charge& c);
  void change_pageblock_range(Zone& z, Pfn pfn, unsigned order, unsigned mt);
  bool boost_watermark(Zone& z);
  bool buddy_merge_likely(const Zone& z, Pfn pfn, Pfn buddy_pfn, unsigned order) const;

  BuddyParams p_;
  PageAllocRules rules_ = page_alloc_rules(p_.flavour);
  MemMap& map_;
  PageListOps lists_;
  std::uint64_t extfrag_events_ = 0;
  bool mobility_disabled_ = !p_.mobility_grouping;
};

// 2.6.32 fallbacks[] (without RESERVE, tried separately) and 6.8 fallbacks[].
const std::array<std::uint8_t, 2>& fallback_types(Flavour f, unsigned start_mt);

}  // namespace allocsim::model
