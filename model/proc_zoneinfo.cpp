// /proc/zoneinfo (mm/vmstat.c zoneinfo_show / zoneinfo_show_print).
//
// Counter names, in vmstat_text order:
//  - 2.6.32 zone_stat_item (the NUMA counters were zone items then):
//    zoneinfo_show_print in mm/vmstat.c of 2.6.32 (read in the GitHub tree
//    xuguangmin/linux-2.6.32.67-for-study).
//  - 6.8 zone_stat_item, numa_stat_item and node_stat_item: vmstat_text of
//    raspberrypi/linux mm/vmstat.c at 021b9461e56c11fe809a08e7ed1f0fadb0db0357
//    (a 6.4 tree), plus the two 6.8 merge-window changes that made pgdemote_*
//    node items after the NUMA_BALANCING block (23e9f0138963 "mm/vmstat: move
//    pgdemote_* to per-node stats" and "mm/vmstat: move pgdemote_* out of
//    CONFIG_NUMA_BALANCING", LKML 2023-11-03 and 2023-12-29); checked against
//    a 6.9-rc2 mm/vmstat.c, which has the same lists.
//  - CONFIG choices, x86_64 defconfig: NUMA=y and SWAP=y (numa_*,
//    nr_swapcached printed); ZSMALLOC, UNACCEPTED_MEMORY, NUMA_BALANCING,
//    SHADOW_CALL_STACK (arm64 only) and ZONE_DEVICE off (no nr_zspages,
//    nr_unaccepted, pgpromote_*, nr_shadow_call_stack, Device zone).
//
// Values: nr_free_pages is the zone's NR_FREE_PAGES; the page-cache stand-in
// (PG_lru pages) is nr_inactive_file / nr_zone_inactive_file and
// nr_file_pages; nr_slab_reclaimable / nr_slab_unreclaimable are
// ObjectAllocator::slab_pages (per zone in 2.6.32, per node in 6.x); numa_* are the zone's
// counters; every other counter is 0, as are scanned, all_unreclaimable and node_unreclaimable.
// prev_priority is DEF_PRIORITY (12), its value outside reclaim.
#include "model/proc_zoneinfo.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <span>
#include <string_view>

#include "model/kernel_math.hpp"
#include "model/watermarks.hpp"

namespace allocsim::model {

namespace {

constexpr std::string_view kZoneItems26[] = {
    "nr_free_pages",
    "nr_inactive_anon",
    "nr_active_anon",
    "nr_inactive_file",
    "nr_active_file",
    "nr_unevictable",
    "nr_mlock",
    "nr_anon_pages",
    "nr_mapped",
    "nr_file_pages",
    "nr_dirty",
    "nr_writeback",
    "nr_slab_reclaimable",
    "nr_slab_unreclaimable",
    "nr_page_table_pages",
    "nr_kernel_stack",
    "nr_unstable",
    "nr_bounce",
    "nr_vmscan_write",
    "nr_writeback_temp",
    "nr_isolated_anon",
    "nr_isolated_file",
    "nr_shmem",
};

constexpr std::string_view kNumaItems[] = {"numa_hit",        "numa_miss",  "numa_foreign",
                                           "numa_interleave", "numa_local", "numa_other"};

constexpr std::string_view kZoneItems68[] = {
    "nr_free_pages",
    "nr_zone_inactive_anon",
    "nr_zone_active_anon",
    "nr_zone_inactive_file",
    "nr_zone_active_file",
    "nr_zone_unevictable",
    "nr_zone_write_pending",
    "nr_mlock",
    "nr_bounce",
    "nr_free_cma",
};

constexpr std::string_view kNodeItems68[] = {
    "nr_inactive_anon",
    "nr_active_anon",
    "nr_inactive_file",
    "nr_active_file",
    "nr_unevictable",
    "nr_slab_reclaimable",
    "nr_slab_unreclaimable",
    "nr_isolated_anon",
    "nr_isolated_file",
    "workingset_nodes",
    "workingset_refault_anon",
    "workingset_refault_file",
    "workingset_activate_anon",
    "workingset_activate_file",
    "workingset_restore_anon",
    "workingset_restore_file",
    "workingset_nodereclaim",
    "nr_anon_pages",
    "nr_mapped",
    "nr_file_pages",
    "nr_dirty",
    "nr_writeback",
    "nr_writeback_temp",
    "nr_shmem",
    "nr_shmem_hugepages",
    "nr_shmem_pmdmapped",
    "nr_file_hugepages",
    "nr_file_pmdmapped",
    "nr_anon_transparent_hugepages",
    "nr_vmscan_write",
    "nr_vmscan_immediate_reclaim",
    "nr_dirtied",
    "nr_written",
    "nr_throttled_written",
    "nr_kernel_misc_reclaimable",
    "nr_foll_pin_acquired",
    "nr_foll_pin_released",
    "nr_kernel_stack",
    "nr_page_table_pages",
    "nr_sec_page_table_pages",
    "nr_swapcached",
    "pgdemote_kswapd",
    "pgdemote_direct",
    "pgdemote_khugepaged",
};

// 6.18 zone_stat_item / node_stat_item as a 6.18 x86_64 distribution kernel
// prints them (CONFIG_ZSMALLOC=y, CONFIG_MEMCG=y, CONFIG_NUMA=y, no CMA): the
// live 6.18 /proc/zoneinfo in tests/data/live-618. Since 6.8, nr_bounce is
// gone, nr_free_pages_blocks came with vm.defrag_mode (6.15, "mm: reliable
// huge page allocator"), and the node list gained nr_iommu_pages,
// pgpromote_candidate_nrl, pgdemote_proactive, nr_hugetlb, nr_balloon_pages and
// nr_kernel_file_pages.
constexpr std::string_view kZoneItems618[] = {
    "nr_free_pages",       "nr_free_pages_blocks",  "nr_zone_inactive_anon",
    "nr_zone_active_anon", "nr_zone_inactive_file", "nr_zone_active_file",
    "nr_zone_unevictable", "nr_zone_write_pending", "nr_mlock",
    "nr_zspages",          "nr_free_cma",
};

constexpr std::string_view kNodeItems618[] = {
    "nr_inactive_anon",
    "nr_active_anon",
    "nr_inactive_file",
    "nr_active_file",
    "nr_unevictable",
    "nr_slab_reclaimable",
    "nr_slab_unreclaimable",
    "nr_isolated_anon",
    "nr_isolated_file",
    "workingset_nodes",
    "workingset_refault_anon",
    "workingset_refault_file",
    "workingset_activate_anon",
    "workingset_activate_file",
    "workingset_restore_anon",
    "workingset_restore_file",
    "workingset_nodereclaim",
    "nr_anon_pages",
    "nr_mapped",
    "nr_file_pages",
    "nr_dirty",
    "nr_writeback",
    "nr_shmem",
    "nr_shmem_hugepages",
    "nr_shmem_pmdmapped",
    "nr_file_hugepages",
    "nr_file_pmdmapped",
    "nr_anon_transparent_hugepages",
    "nr_vmscan_write",
    "nr_vmscan_immediate_reclaim",
    "nr_dirtied",
    "nr_written",
    "nr_throttled_written",
    "nr_kernel_misc_reclaimable",
    "nr_foll_pin_acquired",
    "nr_foll_pin_released",
    "nr_kernel_stack",
    "nr_page_table_pages",
    "nr_sec_page_table_pages",
    "nr_iommu_pages",
    "nr_swapcached",
    "pgpromote_success",
    "pgpromote_candidate",
    "pgpromote_candidate_nrl",
    "pgdemote_kswapd",
    "pgdemote_direct",
    "pgdemote_khugepaged",
    "pgdemote_proactive",
    "nr_hugetlb",
    "nr_balloon_pages",
    "nr_kernel_file_pages",
};

__attribute__((format(printf, 2, 3))) void appendf(std::string& out, const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  out += buf;
}

using ul = unsigned long;

// The counters the model keeps, for one zone or one node.
struct Stats {
  std::uint64_t free = 0;
  std::uint64_t file = 0;  // page-cache (PG_lru) pages
  const ZoneCounters* numa = nullptr;
  std::uint64_t free_blocks = 0;  // NR_FREE_PAGES_BLOCKS (6.15+)
  SlabPages slab{};               // NR_SLAB_RECLAIMABLE(_B), NR_SLAB_UNRECLAIMABLE(_B)
};

std::uint64_t value_of(std::string_view item, const Stats& s) {
  if (item == "nr_free_pages") return s.free;
  if (item == "nr_free_pages_blocks") return s.free_blocks;
  if (item == "nr_slab_reclaimable") return s.slab.reclaimable;
  if (item == "nr_slab_unreclaimable") return s.slab.unreclaimable;
  if (item == "nr_inactive_file" || item == "nr_zone_inactive_file" || item == "nr_file_pages")
    return s.file;
  if (s.numa) {
    const ZoneCounters& c = *s.numa;
    if (item == "numa_hit") return c.numa_hit;
    if (item == "numa_miss") return c.numa_miss;
    if (item == "numa_foreign") return c.numa_foreign;
    if (item == "numa_interleave") return c.numa_interleave;
    if (item == "numa_local") return c.numa_local;
    if (item == "numa_other") return c.numa_other;
  }
  return 0;
}

// "%-12s %lu" lines: 2.6.32 indents them by 4, 6.8 by 6.
void print_items(std::string& out, const char* indent, std::span<const std::string_view> items,
                 const Stats& s) {
  for (std::string_view item : items)
    appendf(out, "\n%s%-12s %lu", indent, std::string(item).c_str(), ul(value_of(item, s)));
}

bool populated(const Zone* z) {
  return z && z->present_pages != 0;  // populated_zone()
}

// Page-cache pages (PG_lru) among the zone's own pages.
std::uint64_t lru_pages(const PageAllocator& pa, const Zone& z) {
  const MemMap& map = pa.mem_map();
  const auto zone_index = static_cast<std::uint8_t>(&z - pa.zones().data());
  std::uint64_t n = 0;
  for (Pfn pfn = z.zone_start_pfn; pfn < z.zone_start_pfn + z.spanned_pages; ++pfn)
    if (map.contains(pfn) && map.page(pfn).zone == zone_index && (map.page(pfn).flags & PG_lru))
      ++n;
  return n;
}

// calculate_threshold (2.6.32, present pages) and calculate_normal_threshold
// (6.8, managed pages): 2 * fls(online cpus) * (1 + fls(pages / 128 MiB)), at
// most 125.
int stat_threshold(std::uint64_t pages, unsigned online_cpus) {
  const std::uint64_t mem = pages >> (27 - kPageShift);
  const int threshold = 2 * static_cast<int>(fls(online_cpus)) * (1 + static_cast<int>(fls64(mem)));
  return std::min(125, threshold);
}

// The pagesets block: count, high and batch of every online CPU, each followed
// by the zone's per-CPU stat threshold (CONFIG_SMP).
// 6.18 adds high_min and high_max, padding every label to 9 characters.
void print_pagesets(std::string& out, const PageAllocator& pa, const Zone& z, int threshold) {
  out += "\n  pagesets";
  const bool v618 = pa.flavour() == Flavour::linux_6_18;
  for (unsigned cpu = 0; cpu < pa.machine().cpus() && cpu < z.pcp.size(); ++cpu) {
    const PerCpuPages& p = z.pcp[cpu];
    if (v618) {
      appendf(out,
              "\n    cpu: %i"
              "\n              count:    %i"
              "\n              high:     %i"
              "\n              batch:    %i"
              "\n              high_min: %i"
              "\n              high_max: %i",
              static_cast<int>(cpu), static_cast<int>(p.count), static_cast<int>(p.high),
              static_cast<int>(p.batch), static_cast<int>(p.high_min),
              static_cast<int>(p.high_max));
    } else {
      appendf(out,
              "\n    cpu: %i"
              "\n              count: %i"
              "\n              high:  %i"
              "\n              batch: %i",
              static_cast<int>(cpu), static_cast<int>(p.count), static_cast<int>(p.high),
              static_cast<int>(p.batch));
    }
    appendf(out, "\n  vm stats threshold: %d", threshold);
  }
}

// Pages in free buddies of at least pageblock order (NR_FREE_PAGES_BLOCKS).
std::uint64_t free_pages_blocks(const PageAllocator& pa, const Zone& z) {
  std::uint64_t n = 0;
  for (unsigned o = pa.pageblock_order(); o < kNrOrders; ++o) n += z.free_area[o].nr_free << o;
  return n;
}

// The zone's slab pages (2.6.32: zone items), or with `node` those of every
// zone of z's node (6.x: node items, printed in pages by node_page_state_pages).
SlabPages slab_pages(const PageAllocator& pa, const ObjectAllocator* slab, const Zone& z,
                     bool node) {
  SlabPages out;
  if (!slab) return out;
  for (std::size_t i = 0; i < pa.zones().size(); ++i) {
    const Zone& other = pa.zones()[i];
    if (node ? other.node != z.node : &other != &z) continue;
    const SlabPages p = slab->slab_pages(static_cast<int>(i));
    out.reclaimable += p.reclaimable;
    out.unreclaimable += p.unreclaimable;
  }
  return out;
}

// 2.6.32 zoneinfo_show_print, populated zones only.
void zone_2_6(std::string& out, const PageAllocator& pa, const ObjectAllocator* slab, sim::NodeId n,
              const Zone& z) {
  appendf(out, "Node %d, zone %8s", static_cast<int>(n), std::string(zone_name(z.type)).c_str());
  appendf(out,
          "\n  pages free     %lu"
          "\n        min      %lu"
          "\n        low      %lu"
          "\n        high     %lu"
          "\n        scanned  %lu"
          "\n        spanned  %lu"
          "\n        present  %lu",
          ul(z.nr_free_pages), ul(z.wmark.min), ul(z.wmark.low), ul(z.wmark.high), 0ul,
          ul(z.spanned_pages), ul(z.present_pages));
  const Stats s{z.nr_free_pages, lru_pages(pa, z), &z.counters, 0, slab_pages(pa, slab, z, false)};
  print_items(out, "    ", kZoneItems26, s);
  print_items(out, "    ", kNumaItems, s);
  appendf(out, "\n        protection: (%lu", ul(z.lowmem_reserve[0]));
  for (unsigned i = 1; i < pa.nr_zone_indices(); ++i)
    appendf(out, ", %lu", ul(z.lowmem_reserve[i]));
  out += ")";
  print_pagesets(out, pa, z, stat_threshold(z.present_pages, pa.machine().cpus()));
  // calculate_zone_inactive_ratio: int_sqrt(10 * present GiB), 1 below 1 GiB.
  const std::uint64_t gb = z.present_pages >> (30 - kPageShift);
  appendf(out,
          "\n  all_unreclaimable: %u"
          "\n  prev_priority:     %i"
          "\n  start_pfn:         %lu"
          "\n  inactive_ratio:    %u",
          0u, 12, ul(z.zone_start_pfn.value()), static_cast<unsigned>(gb ? int_sqrt(10 * gb) : 1));
  out += '\n';
}

// 6.8 and 6.18 zoneinfo_show_print, every zone index of the node; `z` is null
// where the model has no zone (Linux has it, empty). 6.18 adds the promo
// watermark line and its own counter lists.
void zone_6(std::string& out, const PageAllocator& pa, const ObjectAllocator* slab, sim::NodeId n,
            unsigned idx, const Zone* z, bool first_populated) {
  const ZoneType type = zone_types(pa.machine().config().arch)[idx];
  const bool v618 = pa.flavour() == Flavour::linux_6_18;
  appendf(out, "Node %d, zone %8s", static_cast<int>(n), std::string(zone_name(type)).c_str());
  if (first_populated) {
    const Stats node{0, pa.page_cache_pages(n), nullptr, 0, slab_pages(pa, slab, *z, true)};
    out += "\n  per-node stats";
    if (v618)
      print_items(out, "      ", kNodeItems618, node);
    else
      print_items(out, "      ", kNodeItems68, node);
  }
  // min/low/high_wmark_pages include the boost. An empty HighMem or Movable
  // zone still gets min = clamp(managed / 1024, SWAP_CLUSTER_MAX, 128) from
  // __setup_per_zone_wmarks, and low = high = min.
  // The empty Device zone is not highmem-like: 0 pages give 0 watermarks.
  ZoneWatermarks w;
  if (z) {
    w = {z->wmark.min + z->watermark_boost, z->wmark.low + z->watermark_boost,
         z->wmark.high + z->watermark_boost, z->wmark.promo + z->watermark_boost};
  } else if (is_highmem_like(type)) {
    w = {kSwapClusterMax, kSwapClusterMax, kSwapClusterMax, kSwapClusterMax};
  }
  appendf(out,
          "\n  pages free     %lu"
          "\n        boost    %lu"
          "\n        min      %lu"
          "\n        low      %lu"
          "\n        high     %lu",
          ul(z ? z->nr_free_pages : 0), ul(z ? z->watermark_boost : 0), ul(w.min), ul(w.low),
          ul(w.high));
  if (v618) appendf(out, "\n        promo    %lu", ul(w.promo));
  appendf(out,
          "\n        spanned  %lu"
          "\n        present  %lu"
          "\n        managed  %lu"
          "\n        cma      %lu",
          ul(z ? z->spanned_pages : 0), ul(z ? z->present_pages : 0), ul(z ? z->managed_pages : 0),
          0ul);
  appendf(out, "\n        protection: (%ld", z ? static_cast<long>(z->lowmem_reserve[0]) : 0l);
  for (unsigned i = 1; i < pa.nr_zone_indices(); ++i)
    appendf(out, ", %ld", z ? static_cast<long>(z->lowmem_reserve[i]) : 0l);
  out += ')';
  if (!populated(z)) {  // "If unpopulated, no other information is useful"
    out += '\n';
    return;
  }
  const Stats s{z->nr_free_pages, lru_pages(pa, *z), &z->counters, free_pages_blocks(pa, *z)};
  if (v618)
    print_items(out, "      ", kZoneItems618, s);
  else
    print_items(out, "      ", kZoneItems68, s);
  print_items(out, "      ", kNumaItems, s);
  print_pagesets(out, pa, *z, stat_threshold(z->managed_pages, pa.machine().cpus()));
  appendf(out,
          "\n  node_unreclaimable:  %u"
          "\n  start_pfn:           %lu",
          0u, ul(z->zone_start_pfn.value()));
  out += '\n';
}

}  // namespace

// zoneinfo_show: per online node; 2.6.32 walks the populated zones, 6.8 all
// zones (lowmem_reserve_ratio acts on the empty ones too).
std::string proc_zoneinfo(const PageAllocator& pa, const ObjectAllocator* slab) {
  std::string out;
  for (sim::NodeId n = 0; n < pa.machine().config().nodes; ++n) {
    int first = -1;  // is_zone_first_populated
    for (unsigned idx = 0; idx < pa.nr_zone_indices() && first < 0; ++idx)
      if (populated(pa.zone_of(n, idx))) first = static_cast<int>(idx);
    for (unsigned idx = 0; idx < pa.nr_zone_indices(); ++idx) {
      const Zone* z = pa.zone_of(n, idx);
      if (pa.flavour() != Flavour::linux_2_6)
        zone_6(out, pa, slab, n, idx, z, static_cast<int>(idx) == first);
      else if (populated(z))
        zone_2_6(out, pa, slab, n, *z);
    }
  }
  return out;
}

}  // namespace allocsim::model
