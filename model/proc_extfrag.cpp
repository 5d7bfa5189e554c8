#include "model/proc_extfrag.hpp"

#include <cstdio>

#include "model/fragmentation.hpp"

namespace allocsim::model {

namespace {

// walk_zones_in_node over the populated zones of every node, with
// extfrag_show_print / unusable_show_print as the line printer: each order's
// value comes from fill_contig_page_info(zone, order) and `index`.
std::string per_order_index(const PageAllocator& pa, int (*index)(unsigned, const ContigPageInfo&),
                            std::string (*format)(int)) {
  std::string out;
  char buf[64];
  for (sim::NodeId n = 0; n < pa.machine().config().nodes; ++n) {
    for (unsigned idx = 0; idx < kMaxNrZones; ++idx) {
      const Zone* z = pa.zone_of(n, idx);
      if (!z || z->present_pages == 0) continue;  // populated_zone()
      std::snprintf(buf, sizeof buf, "Node %d, zone %8s ", static_cast<int>(n),
                    std::string(zone_name(z->type)).c_str());
      out += buf;
      std::array<std::uint64_t, kNrOrders> nr_free{};
      for (unsigned order = 0; order < kNrOrders; ++order)
        nr_free[order] = z->free_area[order].nr_free;
      for (unsigned order = 0; order < kNrOrders; ++order)
        out += format(index(order, fill_contig_page_info(nr_free, order)));
      out += '\n';
    }
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

}  // namespace allocsim::model
