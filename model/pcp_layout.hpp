#pragma once
// Offsets in the simulated struct per_cpu_pages (include/linux/mmzone.h) that
// the pcp code charges, as ZoneLayout does for struct zone.
#include <cstdint>

namespace allocsim::model {

struct PerCpuPagesLayout {
  // count, high, batch (6.8 also lock, high_min/max, free_count): one line,
  // read whole. 6.8 starts with the pcp spinlock the model does not charge.
  static constexpr std::uint32_t counts = 0;
  // lists[pindex], 16 bytes each, from the second line (2.6.32: at 16; 6.8: 32).
  static constexpr std::uint32_t lists = 64;
  static constexpr std::uint32_t list_stride = 16;
  static constexpr std::uint32_t list_head(unsigned pindex) { return lists + pindex * list_stride; }
};

}  // namespace allocsim::model
