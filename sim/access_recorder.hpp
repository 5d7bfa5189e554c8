#pragma once
// A test seam: the cache lines a CPU's accesses touch, in the order it makes
// them. Attached with Cpu::set_recorder; tests compare what a kernel call
// touches with what the kernel's code path touches. An access spanning lines
// is one entry per line, as the memory system charges it. Records with timing
// on or off alike: the sequence of accesses never depends on timing.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/types.hpp"

namespace allocsim::sim {

struct LineAccess {
  PhysAddr line;  // the line's first byte
  AccessKind kind;
  std::uint32_t bytes;  // bytes of the access inside this line
  bool operator==(const LineAccess&) const = default;
};

class AccessRecorder {
 public:
  explicit AccessRecorder(std::uint32_t line_bytes) : mask_(std::uint64_t{line_bytes} - 1) {}

  void record(PhysAddr addr, std::uint32_t size, AccessKind kind) {
    for (PhysAddr a = addr, end = addr + size; a < end;) {
      const PhysAddr next = std::min(end, line_start(a, mask_) + (mask_ + 1));
      accesses_.push_back({line_start(a, mask_), kind, static_cast<std::uint32_t>(next - a)});
      a = next;
    }
  }
  const std::vector<LineAccess>& accesses() const { return accesses_; }
  void clear() { accesses_.clear(); }

 private:
  std::uint64_t mask_;  // line_bytes - 1
  std::vector<LineAccess> accesses_;
};

}  // namespace allocsim::sim
