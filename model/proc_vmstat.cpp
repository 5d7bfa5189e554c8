// Mappings (model counter -> Linux name, both flavours unless noted):
//  - sum of zone.nr_free_pages -> nr_free_pages (NR_FREE_PAGES).
//  - page-cache stand-in (PG_lru pages, page_cache_pages()) -> nr_inactive_file
//    and nr_file_pages; 6.8 also nr_zone_inactive_file (its zone-level twin).
//  - sums of the zones' numa_* counters -> numa_hit .. numa_other
//    (CONFIG_NUMA; zone_statistics / __count_numa_events semantics).
//  - ObjectAllocator::slab_pages() -> nr_slab_reclaimable, nr_slab_unreclaimable
//    in pages: 2.6.32 zone items, 6.x node items NR_SLAB_*_B (bytes since 5.9)
//    that vmstat_start prints in pages (global_node_page_state_pages).
//  - events().pgfree -> pgfree. Caveat: Linux adds 1 << order per freed block
//    (__free_pages_ok, free_unref_page); the model adds 1 per block, so the
//    two agree only while blocks are order 0 (reclaim frees count per page).
//  - events().pgsteal_kswapd -> 2.6.32 kswapd_steal, 6.8 pgsteal_kswapd.
//  - events().pgsteal_direct -> 6.8 pgsteal_direct; 6.8 pgsteal_file = both
//    (every reclaimed page is a file page). 2.6.32 only splits reclaim by zone
//    (pgsteal_<zone>), which the model does not record: left out.
//  - events().kswapd_runs -> pageoutrun (count_vm_event(PAGEOUTRUN) once per
//    balance_pgdat; 2.6.32 also counts its loop_again restarts, which the model
//    has no equivalent of).
//  - events().allocstall -> 2.6.32 allocstall (one per direct-reclaim entry).
//    6.8 splits it by zone (allocstall_<zone>, by reclaim_idx): left out.
// Left out, no per-zone page counts or no Linux counterpart: pgalloc (Linux:
// pgalloc_<zone> in pages), kswapd_wakeups, kswapd_cycles, compact_or_fail.
#include "model/proc_vmstat.hpp"

#include <string_view>

namespace allocsim::model {

std::string proc_vmstat(const PageAllocator& pa, const ObjectAllocator* slab) {
  const SlabPages slab_pages = slab ? slab->slab_pages() : SlabPages{};
  std::uint64_t free = 0, file = 0;
  ZoneCounters numa;
  for (const Zone& z : pa.zones()) {
    free += z.nr_free_pages;
    numa += z.counters;
  }
  for (sim::NodeId n = 0; n < pa.machine().config().nodes; ++n) file += pa.page_cache_pages(n);
  const VmEvents& e = pa.events();

  std::string out;
  auto line = [&out](std::string_view name, std::uint64_t value) {
    out += name;
    out += ' ';
    out += std::to_string(value);
    out += '\n';
  };
  auto numa_lines = [&] {
    line("numa_hit", numa.numa_hit);
    line("numa_miss", numa.numa_miss);
    line("numa_foreign", numa.numa_foreign);
    line("numa_interleave", numa.numa_interleave);
    line("numa_local", numa.numa_local);
    line("numa_other", numa.numa_other);
  };
  if (pa.flavour() == Flavour::linux_2_6) {
    // zone_stat_item (the NUMA counters last), then vm_event_item.
    line("nr_free_pages", free);
    line("nr_inactive_file", file);
    line("nr_file_pages", file);
    line("nr_slab_reclaimable", slab_pages.reclaimable);
    line("nr_slab_unreclaimable", slab_pages.unreclaimable);
    numa_lines();
    line("pgfree", e.pgfree);
    line("kswapd_steal", e.pgsteal_kswapd);
    line("pageoutrun", e.kswapd_runs);
    line("allocstall", e.allocstall);
  } else {
    // zone_stat_item, numa_stat_item, node_stat_item, then vm_event_item.
    line("nr_free_pages", free);
    line("nr_zone_inactive_file", file);
    numa_lines();
    line("nr_inactive_file", file);
    line("nr_slab_reclaimable", slab_pages.reclaimable);
    line("nr_slab_unreclaimable", slab_pages.unreclaimable);
    line("nr_file_pages", file);
    line("pgfree", e.pgfree);
    line("pgsteal_kswapd", e.pgsteal_kswapd);
    line("pgsteal_direct", e.pgsteal_direct);
    line("pgsteal_file", e.pgsteal_kswapd + e.pgsteal_direct);
    line("pageoutrun", e.kswapd_runs);
  }
  return out;
}

}  // namespace allocsim::model
