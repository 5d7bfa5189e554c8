#pragma once
// One set-associative cache: tags, MESI state and replacement state, stored as
// flat arrays. Lines are identified by their line number (address >> line shift),
// and the set is line % sets, so addresses at the same offset of different pages
// really do compete for one set.
#include <cstdint>
#include <vector>

#include "sim/machine_config.hpp"
#include "sim/rng.hpp"

namespace allocsim::sim {

inline constexpr std::uint32_t kMaxCacheWays = 64;  // the victim search keeps a 64-bit mask

enum class LineState : std::uint8_t { invalid = 0, shared, exclusive, modified };

class Cache {
 public:
  static constexpr std::uint64_t kNoLine = ~std::uint64_t{0};

  struct Victim {
    std::uint64_t line = kNoLine;  // kNoLine: an invalid way was used
    LineState state = LineState::invalid;
  };

  Cache(const CacheConfig& config, std::uint32_t line_bytes, std::uint64_t seed);
  // Host bytes of the arrays below for a cache of this geometry (a valid one).
  static std::uint64_t host_bytes(const CacheConfig& config, std::uint32_t line_bytes);

  std::uint32_t sets() const { return sets_; }
  std::uint32_t ways() const { return ways_; }
  Cycles latency() const { return latency_; }
  std::uint32_t set_of(std::uint64_t line) const {
    return pow2_sets_ ? static_cast<std::uint32_t>(line & (sets_ - 1))
                      : static_cast<std::uint32_t>(line % sets_);
  }

  // Index (set * ways + way) of the line, or -1.
  std::int64_t find(std::uint64_t line) const {
    const std::size_t base = static_cast<std::size_t>(set_of(line)) * ways_;
    for (std::uint32_t w = 0; w < ways_; ++w)
      if (tags_[base + w] == line) return static_cast<std::int64_t>(base + w);
    return -1;
  }
  LineState state(std::int64_t slot) const { return state_[slot]; }
  void set_state(std::int64_t slot, LineState s) { state_[slot] = s; }
  std::uint64_t line_at(std::int64_t slot) const { return tags_[slot]; }

  // Marks a hit for the replacement policy.
  void touch(std::int64_t slot);
  // Puts an absent line in its set, evicting by the policy; returns what left.
  Victim insert(std::uint64_t line, LineState state, std::int64_t* slot_out = nullptr);
  // Drops the line if present; returns its former state (invalid if absent).
  LineState invalidate(std::uint64_t line);

  std::uint64_t valid_lines() const;  // for tests and invariant checks

 private:
  std::uint32_t pick_victim(std::uint32_t set);
  void plru_touch(std::uint32_t set, std::uint32_t way);
  std::uint32_t plru_victim(std::uint32_t set) const;

  std::uint32_t sets_;
  std::uint32_t ways_;
  bool pow2_sets_;
  Cycles latency_;
  Replacement policy_;
  std::vector<std::uint64_t> tags_;
  std::vector<LineState> state_;
  std::vector<std::uint64_t> stamp_;  // LRU: last-use stamp per way
  std::vector<std::uint64_t> plru_;   // tree-PLRU: ways-1 node bits per set
  std::uint64_t clock_ = 0;
  Rng rng_;
};

}  // namespace allocsim::sim
