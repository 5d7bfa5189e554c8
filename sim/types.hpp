#pragma once
// Basic vocabulary of the simulated machine.
#include <cstdint>
#include <limits>

namespace allocsim::sim {

using Cycles = std::uint64_t;    // simulated time, in CPU cycles
using PhysAddr = std::uint64_t;  // simulated physical address
using CpuId = std::uint32_t;
using NodeId = std::uint32_t;

inline constexpr Cycles kNever = std::numeric_limits<Cycles>::max();
inline constexpr CpuId kNoCpu = std::numeric_limits<CpuId>::max();
inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();

// ACPI SLIT conventions (include/linux/topology.h).
inline constexpr unsigned kLocalDistance = 10;
inline constexpr unsigned kRemoteDistance = 20;

enum class AccessKind : std::uint8_t { read, write, rmw };

}  // namespace allocsim::sim
