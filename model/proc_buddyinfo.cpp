#include "model/proc_buddyinfo.hpp"

#include <cstdio>

namespace allocsim::model {

// frag_show walks the online nodes and, in each, the populated zones
// (populated_zone: present_pages != 0) in zone-index order; frag_show_print
// prints "Node %d, zone %8s " and "%6lu " of free_area[order].nr_free for
// orders 0..10, so every line ends with a space.
std::string proc_buddyinfo(const PageAllocator& pa) {
  std::string out;
  char buf[64];
  for (sim::NodeId n = 0; n < pa.machine().config().nodes; ++n) {
    for (unsigned idx = 0; idx < kMaxNrZones; ++idx) {
      const Zone* z = pa.zone_of(n, idx);
      if (!z || z->present_pages == 0) continue;
      std::snprintf(buf, sizeof buf, "Node %d, zone %8s ", static_cast<int>(n),
                    std::string(zone_name(z->type)).c_str());
      out += buf;
      for (unsigned order = 0; order < kNrOrders; ++order) {
        std::snprintf(buf, sizeof buf, "%6lu ",
                      static_cast<unsigned long>(z->free_area[order].nr_free));
        out += buf;
      }
      out += '\n';
    }
  }
  return out;
}

}  // namespace allocsim::model
