#include "sim/cache.hpp"

#include <bit>
#include <stdexcept>
#include <string>

namespace allocsim::sim {

Cache::Cache(const CacheConfig& config, std::uint32_t line_bytes, std::uint64_t seed)
    : ways_(config.ways),
      latency_(config.latency),
      policy_(config.replacement),
      rng_(seed, 0x63616368 /* "cach" */) {
  if (line_bytes == 0 || !std::has_single_bit(line_bytes))
    throw std::invalid_argument("cache line size must be a power of two");
  if (ways_ == 0 || ways_ > kMaxCacheWays) throw std::invalid_argument("cache ways must be 1..64");
  const std::uint64_t lines = config.size_bytes / line_bytes;
  if (lines == 0 || config.size_bytes % line_bytes != 0 || lines % ways_ != 0)
    throw std::invalid_argument("cache size " + std::to_string(config.size_bytes) +
                                " is not a whole number of sets of " + std::to_string(ways_) +
                                " lines");
  if (policy_ == Replacement::tree_plru && !std::has_single_bit(ways_))
    throw std::invalid_argument("tree-PLRU needs a power-of-two number of ways");
  sets_ = static_cast<std::uint32_t>(lines / ways_);
  pow2_sets_ = std::has_single_bit(sets_);
  tags_.assign(lines, kNoLine);
  state_.assign(lines, LineState::invalid);
  if (policy_ == Replacement::lru) stamp_.assign(lines, 0);
  if (policy_ == Replacement::tree_plru) plru_.assign(sets_, 0);
}

std::uint64_t Cache::host_bytes(const CacheConfig& config, std::uint32_t line_bytes) {
  const std::uint64_t lines = line_bytes ? config.size_bytes / line_bytes : 0;
  std::uint64_t per_line = sizeof(std::uint64_t) + sizeof(LineState);             // tags_, state_
  if (config.replacement == Replacement::lru) per_line += sizeof(std::uint64_t);  // stamp_
  const std::uint64_t sets = config.ways ? lines / config.ways : 0;
  const std::uint64_t plru = config.replacement == Replacement::tree_plru ? sets * 8 : 0;
  return lines * per_line + plru;
}

void Cache::touch(std::int64_t slot) {
  switch (policy_) {
    case Replacement::lru:
      stamp_[slot] = ++clock_;
      break;
    case Replacement::tree_plru:
      plru_touch(static_cast<std::uint32_t>(slot / ways_),
                 static_cast<std::uint32_t>(slot % ways_));
      break;
    case Replacement::random:
      break;
  }
}

// Tree-PLRU: node n has children 2n+1 and 2n+2; the leaves are the ways. A bit
// of 1 means "the victim is on the right". A use points every node on the path
// away from the used way.
void Cache::plru_touch(std::uint32_t set, std::uint32_t way) {
  std::uint64_t& bits = plru_[set];
  std::uint32_t node = 0;
  for (std::uint32_t span = ways_; span > 1; span /= 2) {
    const bool right = (way % span) >= span / 2;
    if (right)
      bits &= ~(std::uint64_t{1} << node);
    else
      bits |= std::uint64_t{1} << node;
    node = 2 * node + (right ? 2 : 1);
  }
}

std::uint32_t Cache::plru_victim(std::uint32_t set) const {
  const std::uint64_t bits = plru_[set];
  std::uint32_t node = 0, way = 0;
  for (std::uint32_t span = ways_; span > 1; span /= 2) {
    const bool right = (bits >> node) & 1;
    if (right) way += span / 2;
    node = 2 * node + (right ? 2 : 1);
  }
  return way;
}

std::uint32_t Cache::pick_victim(std::uint32_t set) {
  const std::size_t base = static_cast<std::size_t>(set) * ways_;
  for (std::uint32_t w = 0; w < ways_; ++w)
    if (state_[base + w] == LineState::invalid) return w;
  switch (policy_) {
    case Replacement::lru: {
      std::uint32_t victim = 0;
      for (std::uint32_t w = 1; w < ways_; ++w)
        if (stamp_[base + w] < stamp_[base + victim]) victim = w;
      return victim;
    }
    case Replacement::tree_plru:
      return plru_victim(set);
    case Replacement::random:
      return static_cast<std::uint32_t>(rng_.below(ways_));
  }
  return 0;
}

Cache::Victim Cache::insert(std::uint64_t line, LineState state, std::int64_t* slot_out) {
  const std::uint32_t set = set_of(line);
  const std::uint32_t way = pick_victim(set);
  const std::int64_t slot = static_cast<std::int64_t>(set) * ways_ + way;
  Victim victim;
  if (state_[slot] != LineState::invalid) victim = {tags_[slot], state_[slot]};
  tags_[slot] = line;
  state_[slot] = state;
  touch(slot);
  if (slot_out) *slot_out = slot;
  return victim;
}

LineState Cache::invalidate(std::uint64_t line) {
  const std::int64_t slot = find(line);
  if (slot < 0) return LineState::invalid;
  const LineState old = state_[slot];
  tags_[slot] = kNoLine;
  state_[slot] = LineState::invalid;
  return old;
}

std::uint64_t Cache::valid_lines() const {
  std::uint64_t n = 0;
  for (LineState s : state_) n += s != LineState::invalid;
  return n;
}

}  // namespace allocsim::sim
