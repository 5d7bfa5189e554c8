#pragma once
// Which Linux generation's formulas and constants apply. Never mixed.
//  - linux_2_6: 2.6.32 (watermark[], MIGRATE_RESERVE, per-migratetype pcp lists
//    with cold pages at the tail, MAX_ORDER 11 exclusive);
//  - linux_6:   6.8 (managed pages, watermark_scale_factor, HIGHATOMIC,
//    auto-tuned pcp high over 12 order/type lists, MAX_PAGE_ORDER 10 inclusive).
#include <cstdint>
#include <string_view>

namespace allocsim::model {

enum class Flavour : std::uint8_t { linux_2_6, linux_6 };

inline constexpr std::string_view to_string(Flavour f) {
  return f == Flavour::linux_2_6 ? "linux-2.6" : "linux-6";
}

inline constexpr unsigned kPageShift = 12;
inline constexpr std::uint64_t kPageSize = 1ull << kPageShift;
// Eleven free_area lists in both generations: orders 0..10.
inline constexpr unsigned kNrOrders = 11;
inline constexpr unsigned kMaxOrder = kNrOrders - 1;  // largest order (6.8 MAX_PAGE_ORDER)
inline constexpr unsigned kPageAllocCostlyOrder = 3;
inline constexpr unsigned kSwapClusterMax = 32;

}  // namespace allocsim::model
