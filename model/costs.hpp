#pragma once
// Instruction costs of the allocator paths that are not memory accesses (the
// accesses themselves are charged by the memory system). Approximate: the
// order of magnitude of the kernel's own code paths on a modern core.
#include "sim/types.hpp"

namespace allocsim::model::cost {

inline constexpr sim::Cycles kAllocCall =
    20;  // __alloc_pages entry, gfp decoding, zonelist walk set-up
inline constexpr sim::Cycles kZoneCheck = 8;  // one zone's watermark arithmetic
inline constexpr sim::Cycles kFreeCall = 15;  // __free_pages / free_unref_page entry and checks
inline constexpr sim::Cycles kListOp = 2;     // pointer arithmetic around a list operation

}  // namespace allocsim::model::cost
