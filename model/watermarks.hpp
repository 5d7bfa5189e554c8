#pragma once
// min_free_kbytes, per-zone watermarks, lowmem_reserve and zone_watermark_ok,
// each flavour by its own formulas (mm/page_alloc.c init_per_zone_wmark_min,
// __setup_per_zone_wmarks, setup_per_zone_lowmem_reserve, __zone_watermark_ok).
#include <array>
#include <cstdint>
#include <vector>

#include "model/alloc_flags.hpp"
#include "model/free_area.hpp"
#include "model/zone_type.hpp"

namespace allocsim::model {

std::uint64_t int_sqrt(std::uint64_t x);  // floor(sqrt(x)), lib/int_sqrt.c

// init_per_zone_wmark_min (2.6.32) / calculate_min_free_kbytes (6.8) from
// lowmem_kbytes = nr_free_buffer_pages() * 4: int_sqrt(lowmem_kbytes * 16)
// clamped to 128..65536 (2.6) or 128..262144 (6.x).
std::uint64_t calculate_min_free_kbytes(Flavour f, std::uint64_t lowmem_kbytes);
// khugepaged set_recommended_min_free_kbytes (6.8): the raised min_free_kbytes.
// nr_lowmem_zones_populated counts populated zones <= ZONE_NORMAL over all nodes.
std::uint64_t thp_min_free_kbytes(std::uint64_t min_free_kbytes, unsigned nr_lowmem_zones_populated,
                                  std::uint64_t pageblock_nr_pages,
                                  std::uint64_t nr_free_buffer_pages);

struct ZoneWmarkInput {
  // min from the zone's own size instead of a share of min_free_kbytes:
  // is_highmem() in 2.6.32 (HighMem, and Movable carved out of HighMem);
  // is_highmem() || ZONE_MOVABLE in 6.8.
  bool highmem_like;
  std::uint64_t pages;  // present pages (2.6) or managed pages (6.x)
};
struct Watermarks {
  std::uint64_t min, low, high, promo;  // promo = high in 2.6
};
// setup_per_zone_wmarks over all zones of all nodes, empty zones included.
std::vector<Watermarks> setup_per_zone_wmarks(Flavour f, std::uint64_t min_free_kbytes,
                                              unsigned watermark_scale_factor,
                                              const std::vector<ZoneWmarkInput>& zones);

// sysctl_lowmem_reserve_ratio defaults, by zone index (2.6.32's array has
// MAX_NR_ZONES-1 entries; the last index holds 0 and is never read).
std::array<unsigned, kMaxNrZones> default_lowmem_reserve_ratio(Flavour f, sim::Arch arch);
// setup_per_zone_lowmem_reserve for one node: result[i][j] protects zone i
// from requests whose highest zone is j. pages: present (2.6) or managed (6.x).
std::array<std::array<std::uint64_t, kMaxNrZones>, kMaxNrZones> setup_per_zone_lowmem_reserve(
    Flavour f, const std::array<std::uint64_t, kMaxNrZones>& pages_by_zone_index,
    const std::array<unsigned, kMaxNrZones>& ratio, unsigned nr_zones);

struct ZoneReserveInput {
  std::array<std::uint64_t, kMaxNrZones> lowmem_reserve;
  std::uint64_t high_wmark;
  std::uint64_t pages;  // present (2.6) or managed (6.x)
};
// calculate_totalreserve_pages: sum over zones of
// min(max_j lowmem_reserve[j] + high watermark, pages).
std::uint64_t totalreserve_pages(const std::vector<ZoneReserveInput>& zones);

// zone_watermark_ok (2.6.32) / __zone_watermark_ok (6.x). lowmem_reserve is
// the zone's lowmem_reserve[classzone_idx] (2.6) / [highest_zoneidx] (6.x);
// free_pages is NR_FREE_PAGES. `highatomic` (6.8: nr_reserved_highatomic;
// 6.12+: nr_free_highatomic) and free_cma (6.x) are unusable without
// ALLOC_RESERVES / ALLOC_CMA. ALLOC_NO_WATERMARKS is the caller's business,
// as in the kernel.
bool zone_watermark_ok(Flavour f, unsigned order, std::uint64_t mark, std::uint64_t lowmem_reserve,
                       const AllocFlags& flags, std::int64_t free_pages, const FreeAreas& free_area,
                       std::uint64_t highatomic = 0, std::uint64_t free_cma = 0);

// zone->nr_free_highatomic (6.12, account_freepages): the pages on the
// HighAtomic free lists of every order.
std::uint64_t nr_free_highatomic(Flavour f, const FreeAreas& free_area);

}  // namespace allocsim::model
