#include "model/fragmentation.hpp"

#include <cstdio>
#include <cstdlib>

namespace allocsim::model {

ContigPageInfo fill_contig_page_info(const std::array<std::uint64_t, kNrOrders>& nr_free,
                                     unsigned suitable_order) {
  ContigPageInfo info;
  for (unsigned o = 0; o < kNrOrders; ++o) {
    info.free_blocks_total += nr_free[o];
    info.free_pages += nr_free[o] << o;
    if (o >= suitable_order) info.free_blocks_suitable += nr_free[o] << (o - suitable_order);
  }
  return info;
}

int fragmentation_index(unsigned order, const ContigPageInfo& info) {
  const std::uint64_t requested = 1ull << order;
  if (!info.free_blocks_total) return 0;
  if (info.free_blocks_suitable) return -1000;
  return static_cast<int>(1000 -
                          static_cast<std::int64_t>((1000 + info.free_pages * 1000 / requested) /
                                                    info.free_blocks_total));
}

int unusable_free_index(unsigned order, const ContigPageInfo& info) {
  if (info.free_pages == 0) return 1000;
  return static_cast<int>((info.free_pages - (info.free_blocks_suitable << order)) * 1000 /
                          info.free_pages);
}

std::string format_extfrag_value(int index) {
  // extfrag_show_print: "%2d.%03d " of index / 1000 and index % 1000 (the
  // remainder's sign dropped: the only negative value is -1000).
  char buf[32];
  std::snprintf(buf, sizeof buf, "%2d.%03d ", index / 1000, std::abs(index % 1000));
  return buf;
}

std::string format_unusable_value(int index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d.%03d ", index / 1000, index % 1000);
  return buf;
}

}  // namespace allocsim::model
