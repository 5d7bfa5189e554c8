#pragma once
// A zone of 8192 frames (pageblock order 9, every block Movable) with its
// buddy allocator and nothing else, for the buddy tests. Frames are named by
// number; free lists read back as numbers.
#include <cstdint>
#include <vector>

#include "model/buddy.hpp"

namespace allocsim::model::testing {

struct BuddyRig {
  MemMap map{Pfn(0), Pfn(8192)};
  Zone zone;
  Buddy buddy;
  // The zone spans frames [start, end) of the map.
  explicit BuddyRig(Flavour f, std::uint64_t start = 0, std::uint64_t end = 8192)
      : buddy(BuddyParams{f, 9, 15000, true}, map, PageLayout{64}) {
    map.set_node_memmap(Pfn(0), Pfn(8192), sim::PhysAddr(1u << 30), 64);
    zone.zone_start_pfn = Pfn(start);
    zone.spanned_pages = zone.present_pages = zone.managed_pages = end - start;
    zone.pageblock_mt.assign(((end - 1) >> 9) - (start >> 9) + 1, migrate_types(f).movable);
    for (std::uint64_t p = start; p < end; ++p) {
      map.page(Pfn(p)).flags = 0;
      map.page(Pfn(p)).zone = 0;
    }
  }
  void free(std::uint64_t pfn, unsigned order, unsigned mt) {
    buddy.free_one_page(zone, map.index(Pfn(pfn)), order, mt, Charge{});
  }
  std::vector<std::uint64_t> list(unsigned order, unsigned mt) const {
    std::vector<std::uint64_t> out;
    for (std::uint32_t i = zone.free_area[order].free_list[mt].head; i != kNilIndex;
         i = map[i].next)
      out.push_back(map.pfn(i).value());
    return out;
  }
};

}  // namespace allocsim::model::testing
