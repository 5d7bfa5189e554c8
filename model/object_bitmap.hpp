#pragma once
// One bit per object of a slab: handed to a user or not. The allocators'
// own free lists say what is free inside the allocator; this says what the
// workload holds, so a double or invalid free is caught like slub_debug does.
#include <cstdint>
#include <vector>

namespace allocsim::model {

class ObjectBitmap {
 public:
  // Sized for `objects`, all clear; keeps its capacity when a slab record is reused.
  void reset(std::uint32_t objects) { words_.assign((objects + 63) / 64, 0); }
  bool test(std::uint32_t i) const { return words_[i >> 6] >> (i & 63) & 1; }
  void set(std::uint32_t i, bool on) {
    if (on)
      words_[i >> 6] |= 1ull << (i & 63);
    else
      words_[i >> 6] &= ~(1ull << (i & 63));
  }

 private:
  std::vector<std::uint64_t> words_;
};

}  // namespace allocsim::model
