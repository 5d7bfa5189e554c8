#pragma once
// Readable gtest output for recorded line accesses: "read 0x10040 (8 B)".
#include <ostream>

#include "sim/access_recorder.hpp"

namespace allocsim::sim {

inline void PrintTo(const LineAccess& a, std::ostream* os) {
  static constexpr const char* kKinds[] = {"read", "write", "rmw"};
  *os << kKinds[static_cast<int>(a.kind)] << " 0x" << std::hex << a.line.value() << std::dec << " ("
      << a.bytes << " B)";
}

}  // namespace allocsim::sim
