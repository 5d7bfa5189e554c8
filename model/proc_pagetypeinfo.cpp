#include "model/proc_pagetypeinfo.hpp"

#include <cstdarg>
#include <cstdio>
#include <vector>

namespace allocsim::model {

namespace {

__attribute__((format(printf, 2, 3))) void appendf(std::string& out, const char* fmt, ...) {
  char buf[128];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  out += buf;
}

bool populated(const Zone* z) {
  return z && z->present_pages != 0;  // populated_zone()
}

// 6.8 stops walking a free list at 100000 entries (pagetypeinfo_showfree_print).
constexpr unsigned long kFreeCountCap = 100000;

// pagetypeinfo_showfree_print: one line per migrate type, "%6lu " per order
// of the entries on free_area[order].free_list[type] (blocks, not pages).
void showfree_print(std::string& out, const PageAllocator& pa, sim::NodeId n, const Zone& z) {
  const Flavour f = pa.flavour();
  const std::string name(zone_name(z.type));
  for (unsigned mt = 0; mt < migrate_types(f).count; ++mt) {
    appendf(out, "Node %4d, zone %8s, type %12s ", static_cast<int>(n), name.c_str(),
            std::string(migratetype_name(f, mt)).c_str());
    for (unsigned order = 0; order < kNrOrders; ++order) {
      const unsigned long count = z.free_area[order].free_list[mt].count;
      if (f != Flavour::linux_2_6 && count >= kFreeCountCap)
        appendf(out, ">%6lu ", kFreeCountCap);  // "%s%6lu " with overflow
      else
        appendf(out, "%6lu ", count);
    }
    out += '\n';
  }
}

// pagetypeinfo_showblockcount_print: from zone_start_pfn to the zone's end in
// pageblock steps, skipping pfns without memory (2.6.32 !pfn_valid, 6.8
// !pfn_to_online_page) and pages of another zone, counting the type of the
// pageblock each pfn lies in.
void showblockcount_print(std::string& out, const PageAllocator& pa, sim::NodeId n, const Zone& z) {
  const unsigned types = migrate_types(pa.flavour()).count;
  const MemMap& map = pa.mem_map();
  const auto zone_index = static_cast<std::uint8_t>(&z - pa.zones().data());
  const std::uint64_t step = 1ull << pa.pageblock_order();
  std::vector<unsigned long> count(types, 0);
  for (Pfn pfn = z.zone_start_pfn; pfn < z.zone_start_pfn + z.spanned_pages; pfn += step) {
    if (!map.contains(pfn)) continue;
    const Page& page = map.page(pfn);
    if ((page.flags & PG_nomap) || page.zone != zone_index) continue;
    const unsigned mt = pa.buddy().pageblock_mt(z, pfn);
    if (mt < types) ++count[mt];
  }
  appendf(out, "Node %d, zone %8s ", static_cast<int>(n), std::string(zone_name(z.type)).c_str());
  for (unsigned long c : count) appendf(out, "%12lu ", c);
  out += '\n';
}

}  // namespace

// pagetypeinfo_show, once per node with memory (2.6.32 N_HIGH_MEMORY, 6.8
// N_MEMORY): the header, the free lists, then the block counts. Nodes without
// memory print nothing. (6.8 with CONFIG_PAGE_OWNER adds a "Number of mixed
// blocks" table: not modelled.)
std::string proc_pagetypeinfo(const PageAllocator& pa) {
  const Flavour f = pa.flavour();
  const unsigned types = migrate_types(f).count;
  std::string out;
  for (sim::NodeId n = 0; n < pa.machine().config().nodes; ++n) {
    std::vector<const Zone*> zones;
    for (unsigned idx = 0; idx < kMaxNrZones; ++idx)
      if (populated(pa.zone_of(n, idx))) zones.push_back(pa.zone_of(n, idx));
    if (zones.empty()) continue;

    appendf(out, "Page block order: %d\n", static_cast<int>(pa.pageblock_order()));
    appendf(out, "Pages per block:  %lu\n", 1ul << pa.pageblock_order());
    out += '\n';
    appendf(out, "%-43s ", "Free pages count per migrate type at order");
    for (unsigned order = 0; order < kNrOrders; ++order)
      appendf(out, "%6d ", static_cast<int>(order));
    out += '\n';
    for (const Zone* z : zones) showfree_print(out, pa, n, *z);

    appendf(out, "\n%-23s", "Number of blocks type ");
    for (unsigned mt = 0; mt < types; ++mt)
      appendf(out, "%12s ", std::string(migratetype_name(f, mt)).c_str());
    out += '\n';
    for (const Zone* z : zones) showblockcount_print(out, pa, n, *z);
  }
  return out;
}

}  // namespace allocsim::model
