#pragma once
// Which Linux generation's formulas and constants apply. Never mixed.
//  - linux_2_6: 2.6.32 (watermark[], MIGRATE_RESERVE, per-migratetype pcp lists
//    with cold pages at the tail, MAX_ORDER 11 exclusive);
//  - linux_6:   6.8 (managed pages, watermark_scale_factor, HIGHATOMIC,
//    auto-tuned pcp high over 12 order/type lists, MAX_PAGE_ORDER 10 inclusive);
//  - linux_6_18: 6.18, the 6.8 rules plus what changed up to 6.18 (ZONE_DEVICE,
//    SLUB sheaves, kmem_cache_args, kmalloc type caches, /proc formats, the
//    page allocator's rules in model/page_alloc_rules.hpp); each other
//    difference is tested with `== Flavour::linux_6_18` where it applies.
// `!= Flavour::linux_2_6` selects a rule shared by 6.8 and 6.18.
#include <cstdint>
#include <string_view>

namespace allocsim::model {

enum class Flavour : std::uint8_t { linux_2_6, linux_6, linux_6_18 };

inline constexpr std::string_view to_string(Flavour f) {
  switch (f) {
    case Flavour::linux_2_6:
      return "linux-2.6";
    case Flavour::linux_6:
      return "linux-6";
    case Flavour::linux_6_18:
      return "linux-6.18";
  }
  return "?";
}

inline constexpr unsigned kPageShift = 12;
inline constexpr std::uint64_t kPageSize = 1ull << kPageShift;
// Eleven free_area lists in both generations: orders 0..10.
inline constexpr unsigned kNrOrders = 11;
inline constexpr unsigned kMaxOrder = kNrOrders - 1;  // largest order (6.8 MAX_PAGE_ORDER)
inline constexpr unsigned kPageAllocCostlyOrder = 3;
inline constexpr unsigned kSwapClusterMax = 32;

}  // namespace allocsim::model
