#pragma once
// Zone types and the compacted zone indices Linux uses for a given
// architecture: x86_64 has DMA, DMA32, Normal, Movable; i386 has DMA, Normal,
// HighMem, Movable (include/linux/mmzone.h, CONFIG_ZONE_DEVICE not modelled).
#include <array>
#include <cstdint>
#include <string_view>

#include "sim/machine_config.hpp"

namespace allocsim::model {

enum class ZoneType : std::uint8_t { dma, dma32, normal, highmem, movable };

inline constexpr std::string_view zone_name(ZoneType t) {
  switch (t) {
    case ZoneType::dma:
      return "DMA";
    case ZoneType::dma32:
      return "DMA32";
    case ZoneType::normal:
      return "Normal";
    case ZoneType::highmem:
      return "HighMem";
    case ZoneType::movable:
      return "Movable";
  }
  return "?";
}

inline constexpr unsigned kMaxNrZones = 4;  // zones per node on either architecture

// The zone types of an architecture in zone-index order.
inline constexpr std::array<ZoneType, kMaxNrZones> zone_types(sim::Arch arch) {
  if (arch == sim::Arch::i386)
    return {ZoneType::dma, ZoneType::normal, ZoneType::highmem, ZoneType::movable};
  return {ZoneType::dma, ZoneType::dma32, ZoneType::normal, ZoneType::movable};
}

// Physical ranges (in pages) the kernel gives the address-limited zones.
inline constexpr std::uint64_t kDmaEndPfn = (16ull << 20) >> 12;      // 16 MiB, MAX_DMA_PFN
inline constexpr std::uint64_t kDma32EndPfn = (4ull << 30) >> 12;     // 4 GiB, MAX_DMA32_PFN
inline constexpr std::uint64_t kLowmemEndPfn = (896ull << 20) >> 12;  // i386 lowmem (896 MiB)

// The zone index of a type on an architecture, or -1 if it has no such zone.
inline constexpr int zone_index(sim::Arch arch, ZoneType t) {
  const auto types = zone_types(arch);
  for (unsigned i = 0; i < types.size(); ++i)
    if (types[i] == t) return static_cast<int>(i);
  return -1;
}

inline constexpr bool is_highmem_like(ZoneType t) {
  return t == ZoneType::highmem || t == ZoneType::movable;
}

}  // namespace allocsim::model
