#include "model/proc_page.hpp"

#include <bit>
#include <cstdarg>
#include <cstdio>

#include "model/fragmentation.hpp"
#include "model/watermarks.hpp"

namespace allocsim::model {

namespace {

void appendf(std::string& out, const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  out += buf;
}

std::array<std::uint64_t, kNrOrders> nr_free_of(const Zone& z) {
  std::array<std::uint64_t, kNrOrders> n{};
  for (unsigned o = 0; o < kNrOrders; ++o) n[o] = z.free_area[o].nr_free;
  return n;
}

// calculate_threshold (2.6.32) / calculate_normal_threshold (6.8): the per-CPU
// vmstat delta before a fold, from the zone size in 128 MiB units.
int stat_threshold(std::uint64_t pages, unsigned cpus) {
  const std::uint64_t mem = pages >> (27 - kPageShift);
  const int threshold = 2 * std::bit_width(cpus) * (1 + std::bit_width(mem));
  return std::min(125, threshold);
}

// The NUMA event counters zoneinfo prints after the zone stat items.
void append_numa(std::string& out, const ZoneCounters& c, const char* fmt) {
  const std::pair<const char*, std::uint64_t> items[] = {
      {"numa_hit", c.numa_hit},         {"numa_miss", c.numa_miss},
      {"numa_foreign", c.numa_foreign}, {"numa_interleave", c.numa_interleave},
      {"numa_local", c.numa_local},     {"numa_other", c.numa_other}};
  for (const auto& [name, value] : items)
    appendf(out, fmt, name, static_cast<unsigned long>(value));
}

std::uint64_t lru_pages_in(const PageAllocator& pa, const Zone& z) {
  std::uint64_t n = 0;
  const MemMap& map = pa.mem_map();
  for (Pfn p = z.zone_start_pfn; p < z.zone_start_pfn + z.spanned_pages; ++p)
    n += (map.page(p).flags & PG_lru) != 0;
  return n;
}

}  // namespace

// frag_show_print: one line per populated zone, "%6lu " per order.
std::string proc_buddyinfo(const PageAllocator& pa) {
  std::string out;
  for (const Zone& z : pa.zones()) {
    if (!z.populated()) continue;
    appendf(out, "Node %d, zone %8s ", z.node, std::string(zone_name(z.type)).c_str());
    for (unsigned o = 0; o < kNrOrders; ++o)
      appendf(out, "%6lu ", static_cast<unsigned long>(z.free_area[o].nr_free));
    out += '\n';
  }
  return out;
}

// pagetypeinfo_show: free blocks per (zone, type, order), then pageblocks per type.
std::string proc_pagetypeinfo(const PageAllocator& pa) {
  const Flavour f = pa.flavour();
  const unsigned types = migrate_types(f).count;
  std::string out;
  appendf(out, "Page block order: %d\n", pa.pageblock_order());
  appendf(out, "Pages per block:  %lu\n", 1ul << pa.pageblock_order());
  out += '\n';
  appendf(out, "%-43s ", "Free pages count per migrate type at order");
  for (unsigned o = 0; o < kNrOrders; ++o) appendf(out, "%6d ", o);
  out += '\n';
  for (const Zone& z : pa.zones()) {
    if (!z.populated()) continue;
    for (unsigned mt = 0; mt < types; ++mt) {
      appendf(out, "Node %4d, zone %8s, type %12s ", z.node, std::string(zone_name(z.type)).c_str(),
              std::string(migratetype_name(f, mt)).c_str());
      for (unsigned o = 0; o < kNrOrders; ++o) {
        const std::uint64_t n = z.free_area[o].free_list[mt].count;
        if (f == Flavour::linux_6 && n >= 100000)  // 6.x stops counting at 100000
          appendf(out, ">%6lu ", 100000ul);
        else
          appendf(out, "%6lu ", static_cast<unsigned long>(n));
      }
      out += '\n';
    }
  }
  appendf(out, "\n%-23s", "Number of blocks type ");
  for (unsigned mt = 0; mt < types; ++mt)
    appendf(out, "%12s ", std::string(migratetype_name(f, mt)).c_str());
  out += '\n';
  const std::uint64_t pbn = 1ull << pa.pageblock_order();
  for (const Zone& z : pa.zones()) {
    if (!z.populated()) continue;
    std::vector<unsigned long> count(types, 0);
    // pagetypeinfo_showblockcount_print: block-aligned pfns from the zone start.
    for (Pfn pfn = z.zone_start_pfn; pfn < z.zone_start_pfn + z.spanned_pages; pfn += pbn) {
      if (pa.mem_map().page(pfn).flags & PG_nomap) continue;
      const unsigned mt = pa.buddy().pageblock_mt(z, pfn);
      if (mt < types) ++count[mt];
    }
    appendf(out, "Node %d, zone %8s ", z.node, std::string(zone_name(z.type)).c_str());
    for (unsigned mt = 0; mt < types; ++mt) appendf(out, "%12lu ", count[mt]);
    out += '\n';
  }
  return out;
}

std::string proc_zoneinfo(const PageAllocator& pa) {
  const bool v6 = pa.flavour() == Flavour::linux_6;
  const unsigned cpus = pa.machine().cpus();
  const sim::Arch arch = pa.machine().config().arch;
  std::string out;
  for (sim::NodeId n = 0; n < pa.machine().config().nodes; ++n) {
    bool node_stats_printed = false;
    for (unsigned idx = 0; idx < kMaxNrZones; ++idx) {
      const Zone* zp = pa.zone_of(n, idx);
      const ZoneType type = zone_types(arch)[idx];
      if (!zp || !zp->populated()) {
        if (!v6) continue;  // 2.6.32 prints populated zones only
        // 6.8: an unpopulated zone ends after its protection line.
        appendf(out, "Node %d, zone %8s", n, std::string(zone_name(type)).c_str());
        appendf(
            out,
            "\n  pages free     0\n        boost    0\n        min      0\n        low      0"
            "\n        high     0\n        spanned  %lu\n        present  %lu\n        managed  0"
            "\n        cma      0",
            static_cast<unsigned long>(zp ? zp->spanned_pages : 0),
            static_cast<unsigned long>(zp ? zp->present_pages : 0));
        out += "\n        protection: (";
        for (unsigned j = 0; j < kMaxNrZones; ++j)
          appendf(out, j ? ", %ld" : "%ld", zp ? static_cast<long>(zp->lowmem_reserve[j]) : 0l);
        out += ")\n";
        continue;
      }
      const Zone& z = *zp;
      const std::uint64_t file = lru_pages_in(pa, z);
      appendf(out, "Node %d, zone %8s", n, std::string(zone_name(z.type)).c_str());
      if (v6) {
        if (!node_stats_printed) {
          // The node's own counters (node_stat_item, 6.8 names the model has values for).
          std::uint64_t node_file = 0;
          for (const Zone& o : pa.zones())
            if (o.node == n) node_file += lru_pages_in(pa, o);
          out += "\n  per-node stats";
          appendf(out, "\n      %-12s %lu", "nr_inactive_anon", 0ul);
          appendf(out, "\n      %-12s %lu", "nr_active_anon", 0ul);
          appendf(out, "\n      %-12s %lu", "nr_inactive_file",
                  static_cast<unsigned long>(node_file));
          appendf(out, "\n      %-12s %lu", "nr_active_file", 0ul);
          appendf(out, "\n      %-12s %lu", "nr_file_pages", static_cast<unsigned long>(node_file));
          node_stats_printed = true;
        }
        appendf(out,
                "\n  pages free     %lu\n        boost    %lu\n        min      %lu\n        low   "
                "   %lu"
                "\n        high     %lu\n        spanned  %lu\n        present  %lu\n        "
                "managed  %lu"
                "\n        cma      %lu",
                static_cast<unsigned long>(z.nr_free_pages),
                static_cast<unsigned long>(z.watermark_boost),
                static_cast<unsigned long>(z.wmark.min), static_cast<unsigned long>(z.wmark.low),
                static_cast<unsigned long>(z.wmark.high),
                static_cast<unsigned long>(z.spanned_pages),
                static_cast<unsigned long>(z.present_pages),
                static_cast<unsigned long>(z.managed_pages), 0ul);
        out += "\n        protection: (";
        for (unsigned j = 0; j < kMaxNrZones; ++j)
          appendf(out, j ? ", %ld" : "%ld", static_cast<long>(z.lowmem_reserve[j]));
        out += ")";
        const std::pair<const char*, std::uint64_t> items[] = {{"nr_free_pages", z.nr_free_pages},
                                                               {"nr_zone_inactive_anon", 0},
                                                               {"nr_zone_active_anon", 0},
                                                               {"nr_zone_inactive_file", file},
                                                               {"nr_zone_active_file", 0},
                                                               {"nr_zone_unevictable", 0},
                                                               {"nr_zone_write_pending", 0},
                                                               {"nr_mlock", 0},
                                                               {"nr_bounce", 0},
                                                               {"nr_free_cma", 0}};
        for (const auto& [name, value] : items)
          appendf(out, "\n      %-12s %lu", name, static_cast<unsigned long>(value));
        append_numa(out, z.counters, "\n      %-12s %lu");
      } else {
        appendf(out,
                "\n  pages free     %lu\n        min      %lu\n        low      %lu\n        high  "
                "   %lu"
                "\n        scanned  %lu\n        spanned  %lu\n        present  %lu",
                static_cast<unsigned long>(z.nr_free_pages),
                static_cast<unsigned long>(z.wmark.min), static_cast<unsigned long>(z.wmark.low),
                static_cast<unsigned long>(z.wmark.high), 0ul,
                static_cast<unsigned long>(z.spanned_pages),
                static_cast<unsigned long>(z.present_pages));
        // zone_stat_item of 2.6.32, then the NUMA counters.
        const std::pair<const char*, std::uint64_t> items[] = {{"nr_free_pages", z.nr_free_pages},
                                                               {"nr_inactive_anon", 0},
                                                               {"nr_active_anon", 0},
                                                               {"nr_inactive_file", file},
                                                               {"nr_active_file", 0},
                                                               {"nr_unevictable", 0},
                                                               {"nr_mlock", 0},
                                                               {"nr_anon_pages", 0},
                                                               {"nr_mapped", 0},
                                                               {"nr_file_pages", file},
                                                               {"nr_dirty", 0},
                                                               {"nr_writeback", 0},
                                                               {"nr_slab_reclaimable", 0},
                                                               {"nr_slab_unreclaimable", 0},
                                                               {"nr_page_table_pages", 0},
                                                               {"nr_kernel_stack", 0},
                                                               {"nr_unstable", 0},
                                                               {"nr_bounce", 0},
                                                               {"nr_vmscan_write", 0},
                                                               {"nr_writeback_temp", 0},
                                                               {"nr_isolated_anon", 0},
                                                               {"nr_isolated_file", 0},
                                                               {"nr_shmem", 0}};
        for (const auto& [name, value] : items)
          appendf(out, "\n    %-12s %lu", name, static_cast<unsigned long>(value));
        append_numa(out, z.counters, "\n    %-12s %lu");
        out += "\n        protection: (";
        for (unsigned j = 0; j < kMaxNrZones; ++j)
          appendf(out, j ? ", %lu" : "%lu", static_cast<unsigned long>(z.lowmem_reserve[j]));
        out += ")";
      }
      out += "\n  pagesets";
      const int threshold = stat_threshold(v6 ? z.managed_pages : z.present_pages, cpus);
      for (unsigned c = 0; c < cpus; ++c) {
        const PerCpuPages& p = z.pcp[c];
        appendf(out,
                "\n    cpu: %i\n              count: %i\n              high:  %i\n              "
                "batch: %i",
                c, static_cast<int>(p.count), static_cast<int>(p.high), static_cast<int>(p.batch));
        appendf(out, "\n  vm stats threshold: %d", threshold);
      }
      if (v6) {
        appendf(out, "\n  node_unreclaimable:  %u\n  start_pfn:           %lu\n", 0u,
                static_cast<unsigned long>(z.zone_start_pfn));
      } else {
        // calculate_zone_inactive_ratio (2.6.32): int_sqrt(10 * GiB), at least 1.
        const std::uint64_t gb = z.present_pages >> (30 - kPageShift);
        appendf(out,
                "\n  all_unreclaimable: %u\n  prev_priority:     %i\n  start_pfn:         %lu\n  "
                "inactive_ratio:    %u\n",
                0u, 12, static_cast<unsigned long>(z.zone_start_pfn),
                static_cast<unsigned>(gb ? int_sqrt(10 * gb) : 1));
      }
    }
  }
  return out;
}

namespace {
// extfrag_show / unusable_show: one line per populated zone, a value per order.
std::string per_order_index(const PageAllocator& pa, int (*index)(unsigned, const ContigPageInfo&),
                            std::string (*format)(int)) {
  std::string out;
  for (const Zone& z : pa.zones()) {
    if (!z.populated()) continue;
    appendf(out, "Node %d, zone %8s ", z.node, std::string(zone_name(z.type)).c_str());
    const auto nr_free = nr_free_of(z);
    for (unsigned o = 0; o < kNrOrders; ++o)
      out += format(index(o, fill_contig_page_info(nr_free, o)));
    out += '\n';
  }
  return out;
}
}  // namespace

std::string debugfs_extfrag_index(const PageAllocator& pa) {
  return per_order_index(pa, fragmentation_index, format_extfrag_value);
}

std::string debugfs_unusable_index(const PageAllocator& pa) {
  return per_order_index(pa, unusable_free_index, format_unusable_value);
}

// vmstat_show: Linux's names for the counters the model has (sums over zones).
std::string proc_vmstat(const PageAllocator& pa) {
  std::uint64_t free = 0, file = 0;
  ZoneCounters sum;
  for (const Zone& z : pa.zones()) {
    free += z.nr_free_pages;
    file += lru_pages_in(pa, z);
    sum.numa_hit += z.counters.numa_hit;
    sum.numa_miss += z.counters.numa_miss;
    sum.numa_foreign += z.counters.numa_foreign;
    sum.numa_interleave += z.counters.numa_interleave;
    sum.numa_local += z.counters.numa_local;
    sum.numa_other += z.counters.numa_other;
  }
  const VmEvents& e = pa.events();
  const std::pair<const char*, std::uint64_t> items[] = {{"nr_free_pages", free},
                                                         {"nr_inactive_file", file},
                                                         {"nr_file_pages", file},
                                                         {"numa_hit", sum.numa_hit},
                                                         {"numa_miss", sum.numa_miss},
                                                         {"numa_foreign", sum.numa_foreign},
                                                         {"numa_interleave", sum.numa_interleave},
                                                         {"numa_local", sum.numa_local},
                                                         {"numa_other", sum.numa_other},
                                                         {"pgfree", e.pgfree},
                                                         {"allocstall", e.allocstall},
                                                         {"pgsteal_kswapd", e.pgsteal_kswapd},
                                                         {"pgsteal_direct", e.pgsteal_direct},
                                                         {"pageoutrun", e.kswapd_runs}};
  std::string out;
  for (const auto& [name, value] : items)
    appendf(out, "%s %lu\n", name, static_cast<unsigned long>(value));
  return out;
}

}  // namespace allocsim::model
