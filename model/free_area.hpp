#pragma once
// A zone's buddy free lists: free_area[order].free_list[migratetype], doubly
// linked through the page descriptors (by pfn), with counts kept as Linux
// keeps them (nr_free per order = blocks on all lists of that order).
#include <array>
#include <cstdint>

#include "model/flavour.hpp"
#include "model/migratetype.hpp"
#include "sim/address.hpp"

namespace allocsim::model {

using sim::Pfn;
// __find_buddy_pfn() (mm/internal.h): the buddy of the order-`order` block at pfn.
constexpr Pfn find_buddy_pfn(Pfn pfn, unsigned order) {
  return Pfn(pfn.value() ^ (std::uint64_t{1} << order));
}

inline constexpr std::uint32_t kNilIndex = 0xffffffffu;  // "no page" in a list link

struct FreeList {
  std::uint32_t head = kNilIndex;  // mem_map indices (pfn - first pfn of the machine)
  std::uint32_t tail = kNilIndex;
  std::uint64_t count = 0;  // blocks on this list
  bool empty() const { return head == kNilIndex; }
};

struct FreeArea {
  std::array<FreeList, kMaxMigrateTypes> free_list{};
  std::uint64_t nr_free = 0;  // blocks of this order on all lists
};

using FreeAreas = std::array<FreeArea, kNrOrders>;

}  // namespace allocsim::model
