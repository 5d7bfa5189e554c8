#include "model/watermarks.hpp"

#include <algorithm>

#include "model/kernel_math.hpp"
#include "model/migratetype.hpp"

namespace allocsim::model {

// lib/int_sqrt.c (2.6.32) / lib/math/int_sqrt.c (6.8): bitwise floor square root.
std::uint64_t int_sqrt(std::uint64_t x) {
  std::uint64_t r = 0;
  for (std::uint64_t bit = 1ull << 62; bit; bit >>= 2) {
    if (x >= r + bit) {
      x -= r + bit;
      r = (r >> 1) + bit;
    } else {
      r >>= 1;
    }
  }
  return r;
}

// mm/page_alloc.c:init_per_zone_wmark_min (2.6.32) / calculate_min_free_kbytes (6.8).
std::uint64_t calculate_min_free_kbytes(Flavour f, std::uint64_t lowmem_kbytes) {
  const std::uint64_t v = int_sqrt(lowmem_kbytes * 16);
  return std::clamp<std::uint64_t>(v, 128, f == Flavour::linux_2_6 ? 65536 : 262144);
}

// mm/khugepaged.c:set_recommended_min_free_kbytes (6.8).
std::uint64_t thp_min_free_kbytes(std::uint64_t min_free_kbytes, unsigned nr_zones,
                                  std::uint64_t pageblock_nr_pages,
                                  std::uint64_t nr_free_buffer_pages) {
  std::uint64_t recommended = pageblock_nr_pages * nr_zones * 2;  // two free pageblocks per zone
  recommended += pageblock_nr_pages * nr_zones * kMigratePcpTypes * kMigratePcpTypes;
  recommended = std::min(recommended, nr_free_buffer_pages / 20);  // at most 5 % of lowmem
  recommended <<= (kPageShift - 10);                               // pages -> kB
  return recommended > min_free_kbytes ? recommended : min_free_kbytes;
}

// mm/page_alloc.c:setup_per_zone_wmarks (2.6.32) / __setup_per_zone_wmarks (6.8).
std::vector<Watermarks> setup_per_zone_wmarks(Flavour f, std::uint64_t min_free_kbytes,
                                              unsigned wsf,
                                              const std::vector<ZoneWmarkInput>& zones) {
  const std::uint64_t pages_min = min_free_kbytes >> (kPageShift - 10);
  std::uint64_t lowmem_pages = 0;
  for (const auto& z : zones)
    if (!z.highmem_like) lowmem_pages += z.pages;
  std::vector<Watermarks> out;
  out.reserve(zones.size());
  for (const auto& z : zones) {
    // tmp = (u64)pages_min * pages; do_div(tmp, lowmem_pages). The kernel
    // never has lowmem_pages == 0; 0 stands in for the division by zero.
    const std::uint64_t tmp = lowmem_pages ? pages_min * z.pages / lowmem_pages : 0;
    Watermarks w{};
    // HighMem (and 6.x Movable): clamp(pages / 1024, SWAP_CLUSTER_MAX, 128),
    // so an empty one still gets min 32.
    w.min = z.highmem_like ? std::clamp<std::uint64_t>(z.pages / 1024, kSwapClusterMax, 128) : tmp;
    if (f == Flavour::linux_2_6) {
      // low = min + tmp/4, high = min + tmp/2 (tmp uncapped for highmem).
      w.low = w.min + (tmp >> 2);
      w.high = w.min + (tmp >> 1);
      w.promo = w.high;
    } else {
      // tmp = max(tmp >> 2, mult_frac(managed, watermark_scale_factor, 10000)).
      const std::uint64_t step = std::max(tmp >> 2, mult_frac(z.pages, wsf, 10000));
      w.low = w.min + step;
      w.high = w.low + step;
      w.promo = w.high + step;
    }
    out.push_back(w);
  }
  return out;
}

// mm/page_alloc.c:sysctl_lowmem_reserve_ratio (2.6.32, 6.8 and 6.18; 6.18's
// ZONE_DEVICE entry, index 4 on x86_64, is 0 like Movable's).
std::array<unsigned, kMaxNrZones> default_lowmem_reserve_ratio(Flavour f, sim::Arch arch) {
  if (f != Flavour::linux_2_6) {
    // Indexed by zone: DMA 256, DMA32 256, NORMAL 32, HIGHMEM 0, MOVABLE 0.
    if (arch == sim::Arch::i386) return {256, 32, 0, 0};  // DMA, Normal, HighMem, Movable
    return {256, 256, 32, 0};                             // DMA, DMA32, Normal, Movable
  }
  // 2.6.32: { 256 (ZONE_DMA), 256 (ZONE_DMA32), 32 (HIGHMEM), 32 }, MAX_NR_ZONES-1 entries.
  if (arch == sim::Arch::i386) return {256, 32, 32, 0};
  return {256, 256, 32, 0};
}

// mm/page_alloc.c:setup_per_zone_lowmem_reserve (2.6.32, 6.8 and 6.18), one
// node with `nr_zones` zone indices (MAX_NR_ZONES).
std::array<std::array<std::uint64_t, kMaxNrZones>, kMaxNrZones> setup_per_zone_lowmem_reserve(
    Flavour f, const std::array<std::uint64_t, kMaxNrZones>& pages,
    const std::array<unsigned, kMaxNrZones>& ratio, unsigned nr_zones) {
  std::array<std::array<std::uint64_t, kMaxNrZones>, kMaxNrZones> r{};
  if (f == Flavour::linux_2_6) {
    // For each upper zone j, walk down: lower zone idx gets the pages of
    // idx+1..j over its ratio (a ratio < 1 is forced to 1), even when empty.
    for (unsigned j = 0; j < nr_zones; ++j) {
      std::uint64_t present = pages[j];
      for (unsigned idx = j; idx-- > 0;) {
        const unsigned rt = std::max(1u, ratio[idx]);
        r[idx][j] = present / rt;
        present += pages[idx];
      }
    }
    return r;
  }
  // 6.8: ratio 0 or an empty zone i means no reserve.
  for (unsigned i = 0; i + 1 < nr_zones; ++i) {
    const bool clear = ratio[i] == 0 || pages[i] == 0;
    std::uint64_t sum = 0;
    for (unsigned j = i + 1; j < nr_zones; ++j) {
      sum += pages[j];
      r[i][j] = clear ? 0 : sum / ratio[i];
    }
  }
  return r;
}

// mm/page_alloc.c:calculate_totalreserve_pages (2.6.32 and 6.8).
std::uint64_t totalreserve_pages(const std::vector<ZoneReserveInput>& zones) {
  std::uint64_t total = 0;
  for (const ZoneReserveInput& z : zones) {
    std::uint64_t max = *std::max_element(z.lowmem_reserve.begin(), z.lowmem_reserve.end());
    max += z.high_wmark;  // the high watermark counts as reserved
    total += std::min(max, z.pages);
  }
  return total;
}

bool zone_watermark_ok(Flavour f, unsigned order, std::uint64_t mark, std::uint64_t lowmem_reserve,
                       const AllocFlags& flags, std::int64_t free_pages, const FreeAreas& free_area,
                       std::uint64_t highatomic, std::uint64_t free_cma) {
  // Signed, as the kernel's long: free_pages may go negative.
  auto min = static_cast<std::int64_t>(mark);
  const auto reserve = static_cast<std::int64_t>(lowmem_reserve);
  if (f == Flavour::linux_2_6) {
    // mm/page_alloc.c:zone_watermark_ok (2.6.32).
    free_pages -= (std::int64_t{1} << order) - 1;
    if (flags.high) min -= min / 2;    // ALLOC_HIGH
    if (flags.harder) min -= min / 4;  // ALLOC_HARDER, after the /2 step
    if (free_pages <= min + reserve) return false;
    for (unsigned o = 0; o < order; ++o) {
      // At the next order, this order's pages become unavailable.
      free_pages -= static_cast<std::int64_t>(free_area[o].nr_free << o);
      min >>= 1;  // require fewer higher-order pages to be free
      if (free_pages <= min) return false;
    }
    return true;
  }
  // mm/page_alloc.c:__zone_watermark_ok (6.8).
  const MigrateTypes t = migrate_types(f);
  const bool reserves = flags.harder || flags.high || flags.highatomic || flags.oom;
  // __zone_watermark_unusable_free.
  std::int64_t unusable = (std::int64_t{1} << order) - 1;
  if (!reserves) unusable += static_cast<std::int64_t>(highatomic);
  if (!flags.cma) unusable += static_cast<std::int64_t>(free_cma);
  free_pages -= unusable;
  if (reserves) {  // ALLOC_RESERVES
    if (flags.high) {
      min -= min / 2;                    // ALLOC_MIN_RESERVE
      if (flags.harder) min -= min / 4;  // ALLOC_NON_BLOCK, only together with MIN_RESERVE
    }
    if (flags.oom) min -= min / 2;  // ALLOC_OOM
  }
  if (free_pages <= min + reserve) return false;
  if (order == 0) return true;
  // One free block of the requested order or larger on a usable list.
  for (unsigned o = order; o < kNrOrders; ++o) {
    const FreeArea& a = free_area[o];
    if (a.nr_free == 0) continue;
    for (unsigned mt = 0; mt < kMigratePcpTypes; ++mt)
      if (!a.free_list[mt].empty()) return true;
    if (flags.cma && !a.free_list[t.cma].empty()) return true;
    if ((flags.highatomic || flags.oom) && !a.free_list[t.reserve].empty()) return true;
  }
  return false;
}

std::uint64_t nr_free_highatomic(Flavour f, const FreeAreas& free_area) {
  const unsigned reserve = migrate_types(f).reserve;
  std::uint64_t pages = 0;
  for (unsigned o = 0; o < kNrOrders; ++o) pages += free_area[o].free_list[reserve].count << o;
  return pages;
}

}  // namespace allocsim::model
