#pragma once
// The debugfs fragmentation indices (mm/vmstat.c __fragmentation_index and
// unusable_free_index, 2.6.35+): extfrag_index and unusable_index of a zone
// for each order.
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

// fill_contig_page_info from the zone's free_area[o].nr_free.
ContigPageInfo fill_contig_page_info(const std::array<std::uint64_t, kNrOrders>& nr_free,
                                     unsigned suitable_order);
// __fragmentation_index, x1000: -1000 when the allocation would succeed, 0
// with nothing free. Can be negative otherwise too (e.g. one free block of
// half the requested size: -500), as the kernel's unsigned arithmetic gives.
int fragmentation_index(unsigned order, const ContigPageInfo& info);
// unusable_free_index, x1000.
int unusable_free_index(unsigned order, const ContigPageInfo& info);
// extfrag_show_print's "%2d.%03d " of index/1000, index%1000 ("-1.000 ",
// " 0.250 "; -500 prints " 0.-500 " as in the kernel).
std::string format_extfrag_value(int index);
std::string format_unusable_value(int index);  // unusable_show_print's "%d.%03d "

}  // namespace allocsim::model
