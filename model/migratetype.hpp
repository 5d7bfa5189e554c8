#pragma once
// Migrate types, numbered as each flavour numbers them (include/linux/mmzone.h):
//   2.6.32: Unmovable 0, Reclaimable 1, Movable 2, Reserve 3, Isolate 4
//   6.8:    Unmovable 0, Movable 1, Reclaimable 2, HighAtomic 3, CMA 4, Isolate 5
// The first three (MIGRATE_PCPTYPES) have per-CPU lists in both.
#include <array>
#include <cstdint>
#include <string_view>

#include "model/flavour.hpp"

namespace allocsim::model {

inline constexpr unsigned kMaxMigrateTypes = 6;
inline constexpr unsigned kMigratePcpTypes = 3;

struct MigrateTypes {
  std::uint8_t unmovable, movable, reclaimable;
  std::uint8_t reserve;  // 2.6: MIGRATE_RESERVE; 6.x: MIGRATE_HIGHATOMIC
  std::uint8_t cma;      // 6.x only; count (no such type) in 2.6
  std::uint8_t isolate;
  std::uint8_t count;  // MIGRATE_TYPES
};

inline constexpr MigrateTypes migrate_types(Flavour f) {
  if (f == Flavour::linux_2_6) return {0, 2, 1, 3, 5, 4, 5};
  return {0, 1, 2, 3, 4, 5, 6};
}

// /proc/pagetypeinfo names (vmstat.c / page_alloc.c migratetype_names).
inline constexpr std::string_view migratetype_name(Flavour f, unsigned mt) {
  constexpr std::array<std::string_view, 5> old_names{"Unmovable", "Reclaimable", "Movable",
                                                      "Reserve", "Isolate"};
  constexpr std::array<std::string_view, 6> new_names{"Unmovable",  "Movable", "Reclaimable",
                                                      "HighAtomic", "CMA",     "Isolate"};
  if (f == Flavour::linux_2_6) return mt < old_names.size() ? old_names[mt] : "?";
  return mt < new_names.size() ? new_names[mt] : "?";
}

}  // namespace allocsim::model
