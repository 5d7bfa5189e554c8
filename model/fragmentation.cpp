#include "model/fragmentation.hpp"

#include <cstdio>

namespace allocsim::model {

// mm/vmstat.c:fill_contig_page_info (2.6.35+, 6.8).
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

// mm/vmstat.c:__fragmentation_index (6.8).
int fragmentation_index(unsigned order, const ContigPageInfo& info) {
  if (order > kMaxOrder) return 0;  // WARN_ON_ONCE(order > MAX_PAGE_ORDER)
  if (!info.free_blocks_total) return 0;
  if (info.free_blocks_suitable) return -1000;  // the allocation would succeed
  const std::uint64_t requested = 1ull << order;
  // 1000 - div_u64(1000 + div_u64(free_pages * 1000, requested), free_blocks_total),
  // computed unsigned and returned as int (so it may wrap below 0).
  const std::uint64_t q = (1000 + info.free_pages * 1000 / requested) / info.free_blocks_total;
  return static_cast<int>(1000 - static_cast<std::int64_t>(q));
}

// mm/vmstat.c:unusable_free_index (6.8).
int unusable_free_index(unsigned order, const ContigPageInfo& info) {
  if (info.free_pages == 0) return 1000;  // no free memory: all of it unusable
  return static_cast<int>((info.free_pages - (info.free_blocks_suitable << order)) * 1000 /
                          info.free_pages);
}

// mm/vmstat.c:extfrag_show_print: seq_printf("%2d.%03d ", index / 1000, index % 1000).
std::string format_extfrag_value(int index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%2d.%03d ", index / 1000, index % 1000);
  return buf;
}

// mm/vmstat.c:unusable_show_print: seq_printf("%d.%03d ", index / 1000, index % 1000).
std::string format_unusable_value(int index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d.%03d ", index / 1000, index % 1000);
  return buf;
}

}  // namespace allocsim::model
