#pragma once
// The page allocator's rules that changed between 6.8 and 6.18, chosen once
// from the flavour so that the code tests a named rule, never a flavour.
// linux-2.6 and linux-6 (6.8) have none of them; linux-6.18 has all.
#include "model/flavour.hpp"

namespace allocsim::model {

struct PageAllocRules {
  // drain_pages_zone (6.10, "mm: page_alloc: control latency caused by zone
  // PCP draining"): a CPU's zone list is drained batch << 5 pages at a time,
  // the pcp and zone locks dropped between chunks.
  bool chunked_zone_drain = false;
  // free_frozen_page_commit (6.16, "mm: pcp: increase pcp->free_count
  // threshold to trigger free_high"): free_high needs free_count >= batch +
  // high_min / 2 instead of free_count >= batch.
  bool free_high_half_high_min = false;
  // __zone_watermark_unusable_free (6.12, "mm/page_alloc: keep track of free
  // highatomic"): the free pages on the HighAtomic lists are unusable without
  // ALLOC_RESERVES, not the whole nr_reserved_highatomic.
  bool unusable_free_highatomic = false;
  // Freelist migratetype hygiene (6.10): a block freed from a pcp list goes
  // to its pageblock's current type (free_pcppages_bulk reads
  // get_pfnblock_migratetype), not the type cached when it was put there.
  bool free_to_block_type = false;
  // __rmqueue_claim / __rmqueue_steal (6.15, "mm: page_alloc: don't steal
  // single pages from biggest buddy") with try_to_claim_block (6.10 "fix
  // freelist movement during block conversion": free pages move only with a
  // claimed block) and enum rmqueue_mode ("mm: page_alloc: speed up
  // fallbacks in rmqueue_bulk()", 6.15).
  bool claim_or_steal = false;
};

inline constexpr PageAllocRules page_alloc_rules(Flavour f) {
  if (f != Flavour::linux_6_18) return {};
  return {.chunked_zone_drain = true,
          .free_high_half_high_min = true,
          .unusable_free_highatomic = true,
          .free_to_block_type = true,
          .claim_or_steal = true};
}

}  // namespace allocsim::model
