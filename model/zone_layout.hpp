#pragma once
// Which zones each node has and where: from an explicit list, or derived from
// the node memory ranges the way x86 boots (DMA below 16 MiB from pfn 1, the
// 640 KiB-1 MiB ISA hole absent, DMA32 below 4 GiB or Normal below 896 MiB on
// i386, the rest Normal or HighMem).
#include <vector>

#include "model/kernel_config.hpp"
#include "sim/machine_config.hpp"

namespace allocsim::model {

struct Hole {
  std::uint64_t start_pfn, end_pfn;  // [start, end)
};

// The legacy ISA/BIOS hole (pfns 0x9f..0xff) that x86 never gives to the kernel.
inline constexpr Hole kIsaHole{0x9f, 0x100};

std::vector<ZoneSpec> derive_zones(const sim::MachineConfig& machine);
// Throws std::invalid_argument if zones overlap, leave their node, or are
// ordered against the architecture's zone order.
void check_zones(const sim::MachineConfig& machine, const std::vector<ZoneSpec>& zones);

}  // namespace allocsim::model
