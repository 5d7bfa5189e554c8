#pragma once
// The debugfs fragmentation indices (mm/vmstat.c, 2.6.35+): extfrag_index and
// unusable_index of a zone for each order.
#include <array>
#include <cstdint>
#include <string>

#include "model/flavour.hpp"

namespace allocsim::model {

struct ContigPageInfo {
  std::uint64_t free_pages = 0;
  std::uint64_t free_blocks_total = 0;
  std::uint64_t free_blocks_suitable = 0;
};

ContigPageInfo fill_contig_page_info(const std::array<std::uint64_t, kNrOrders>& nr_free,
                                     unsigned suitable_order);
// __fragmentation_index, x1000: -1000 when the allocation would succeed.
int fragmentation_index(unsigned order, const ContigPageInfo& info);
// unusable_free_index, x1000.
int unusable_free_index(unsigned order, const ContigPageInfo& info);
std::string format_extfrag_value(int index);   // "%2d.%03d " ("-1.000 ", " 0.250 ")
std::string format_unusable_value(int index);  // "%d.%03d "

}  // namespace allocsim::model
