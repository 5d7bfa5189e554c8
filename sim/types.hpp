#pragma once
// Basic vocabulary of the simulated machine.
#include <cstdint>
#include <limits>

#include "sim/address.hpp"

namespace allocsim::sim {

using Cycles = std::uint64_t;           // simulated time, in CPU cycles
using PhysAddr = Address<PhysAddrTag>;  // simulated physical address (sim/address.hpp)
using CpuId = std::uint32_t;
using NodeId = std::uint32_t;

inline constexpr Cycles kNever = std::numeric_limits<Cycles>::max();
// The highest physical address: "no limit" to boot memory, or "no room".
inline constexpr PhysAddr kPhysAddrMax{std::numeric_limits<std::uint64_t>::max()};
inline constexpr CpuId kNoCpu = std::numeric_limits<CpuId>::max();
inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();

// ACPI SLIT conventions (include/linux/topology.h).
inline constexpr unsigned kLocalDistance = 10;
inline constexpr unsigned kRemoteDistance = 20;

// The hardware model's own boundary with a physical address: caches,
// directory and DRAM channels index by its bits. These are the only places
// outside the kernel's named conversions that read a PhysAddr as a number.
constexpr std::uint64_t line_index(PhysAddr a, unsigned line_shift) {
  return a.value() >> line_shift;
}
constexpr std::uint64_t line_offset(PhysAddr a, std::uint64_t line_mask) {
  return a.value() & line_mask;
}
// The first byte of line number `line`, and of the line holding `a`.
constexpr PhysAddr line_addr(std::uint64_t line, unsigned line_shift) {
  return PhysAddr(line << line_shift);
}
constexpr PhysAddr line_start(PhysAddr a, std::uint64_t line_mask) {
  return PhysAddr(a.value() & ~line_mask);
}

enum class AccessKind : std::uint8_t { read, write, rmw };

}  // namespace allocsim::sim
