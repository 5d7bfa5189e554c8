#include "sim/cache.hpp"

#include <gtest/gtest.h>

namespace allocsim::sim {
namespace {

// One set of four ways: lines 0..n all map to it.
Cache one_set(Replacement r) {
  return Cache(CacheConfig{256, 4, 1, r}, 64, 1);
}

TEST(Cache, LruEvictsLeastRecentlyUsed) {
  Cache c = one_set(Replacement::lru);
  for (std::uint64_t line : {10, 11, 12, 13})
    EXPECT_EQ(c.insert(line, LineState::shared).line, Cache::kNoLine);
  c.touch(c.find(10));                                   // 10 is now most recent
  EXPECT_EQ(c.insert(14, LineState::shared).line, 11u);  // 11 is the oldest
  EXPECT_EQ(c.insert(15, LineState::shared).line, 12u);
  c.touch(c.find(13));
  EXPECT_EQ(c.insert(16, LineState::shared).line, 10u);
  EXPECT_EQ(c.insert(17, LineState::shared).line, 14u);
}

TEST(Cache, TreePlruFollowsTheTreeBits) {
  Cache c = one_set(Replacement::tree_plru);
  for (std::uint64_t line : {10, 11, 12, 13}) c.insert(line, LineState::shared);
  // After filling ways 0..3 in order every node points left: victim is way 0.
  c.touch(c.find(10));  // now root points right, and way 2 is the right half's victim
  EXPECT_EQ(c.insert(14, LineState::shared).line, 12u);
  // 14 took way 2: root points left, left node points at way 1.
  EXPECT_EQ(c.insert(15, LineState::shared).line, 11u);
}

TEST(Cache, InvalidWaysAreFilledBeforeEvicting) {
  Cache c = one_set(Replacement::lru);
  for (std::uint64_t line : {1, 2, 3, 4}) c.insert(line, LineState::shared);
  EXPECT_EQ(c.invalidate(3), LineState::shared);
  EXPECT_EQ(c.invalidate(3), LineState::invalid);
  EXPECT_EQ(c.insert(5, LineState::modified).line, Cache::kNoLine);
  EXPECT_EQ(c.valid_lines(), 4u);
  EXPECT_EQ(c.state(c.find(5)), LineState::modified);
}

TEST(Cache, SameOffsetInDifferentPagesSharesASet) {
  // 32 KiB, 8-way, 64 B lines: 64 sets, so the set repeats every 4 KiB page.
  Cache c(CacheConfig{32 * 1024, 8, 4, Replacement::lru}, 64, 1);
  EXPECT_EQ(c.sets(), 64u);
  const std::uint64_t page_lines = 4096 / 64;
  for (std::uint64_t page = 0; page < 8; ++page) c.insert(page * page_lines + 5, LineState::shared);
  EXPECT_EQ(c.set_of(5), c.set_of(7 * page_lines + 5));
  EXPECT_GE(c.find(5), 0);
  EXPECT_EQ(c.insert(8 * page_lines + 5, LineState::shared).line,
            5u);  // the ninth page evicts the first
  EXPECT_EQ(c.find(6), -1);
}

TEST(Cache, NonPowerOfTwoSetsUseModuloIndexing) {
  // 11 ways of 64 B lines, 1.375 MiB: 2048 sets; with 3 sets the set is line % 3.
  Cache c(CacheConfig{3 * 11 * 64, 11, 40, Replacement::lru}, 64, 1);
  EXPECT_EQ(c.sets(), 3u);
  EXPECT_EQ(c.set_of(7), 1u);
  EXPECT_EQ(c.set_of(9), 0u);
}

TEST(Cache, RejectsImpossibleGeometry) {
  EXPECT_THROW(Cache(CacheConfig{1000, 4, 1, Replacement::lru}, 64, 1), std::invalid_argument);
  EXPECT_THROW(Cache(CacheConfig{3 * 64 * 4, 3, 1, Replacement::tree_plru}, 64, 1),
               std::invalid_argument);
  EXPECT_THROW(Cache(CacheConfig{4096, 4, 1, Replacement::lru}, 48, 1), std::invalid_argument);
}

TEST(Cache, RandomReplacementIsDeterministicPerSeed) {
  auto victims = [](std::uint64_t seed) {
    Cache c(CacheConfig{256, 4, 1, Replacement::random}, 64, seed);
    std::vector<std::uint64_t> out;
    for (std::uint64_t line = 0; line < 64; ++line)
      out.push_back(c.insert(line, LineState::shared).line);
    return out;
  };
  EXPECT_EQ(victims(7), victims(7));
  EXPECT_NE(victims(7), victims(8));
}

}  // namespace
}  // namespace allocsim::sim
