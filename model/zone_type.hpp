#pragma once
// Zone types and the compacted zone indices Linux uses for a given
// architecture: x86_64 has DMA, DMA32, Normal, Movable; i386 has DMA, Normal,
// HighMem, Movable (include/linux/mmzone.h). linux-6.18 adds ZONE_DEVICE on
// x86_64 (CONFIG_ZONE_DEVICE=y, the distribution default): an always-empty
// fifth zone index that only shows in lowmem_reserve and /proc/zoneinfo.
#include <array>
#include <cstdint>
#include <string_view>

#include "model/flavour.hpp"
#include "sim/machine_config.hpp"

namespace allocsim::model {

enum class ZoneType : std::uint8_t { dma, dma32, normal, highmem, movable, device };
inline constexpr unsigned kNrZoneTypes = 6;

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
    case ZoneType::device:
      return "Device";
  }
  return "?";
}

// Room for the most zone indices a node has in any flavour (MAX_NR_ZONES with
// ZONE_DEVICE); nr_zone_indices says how many a kernel really has.
inline constexpr unsigned kMaxNrZones = 5;

// The zone types of an architecture in zone-index order (Device last; it
// exists only where nr_zone_indices counts it).
inline constexpr std::array<ZoneType, kMaxNrZones> zone_types(sim::Arch arch) {
  if (arch == sim::Arch::i386)
    return {ZoneType::dma, ZoneType::normal, ZoneType::highmem, ZoneType::movable,
            ZoneType::device};
  return {ZoneType::dma, ZoneType::dma32, ZoneType::normal, ZoneType::movable, ZoneType::device};
}

// MAX_NR_ZONES: four zone indices, five with ZONE_DEVICE (linux-6.18 on
// x86_64; ZONE_DEVICE needs SPARSEMEM_VMEMMAP, which x86_32 lacks).
inline constexpr unsigned nr_zone_indices(Flavour f, sim::Arch arch, bool zone_device) {
  return f == Flavour::linux_6_18 && arch == sim::Arch::x86_64 && zone_device ? 5 : 4;
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
