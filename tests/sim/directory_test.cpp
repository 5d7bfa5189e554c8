#include "sim/directory.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "sim/memory_system.hpp"
#include "sim/rng.hpp"

namespace allocsim::sim {
namespace {

std::vector<CpuId> sharers_of(const Directory& d, std::int64_t slot) {
  std::vector<CpuId> out;
  d.for_each_sharer(slot, [&](CpuId c) { out.push_back(c); });
  return out;
}

TEST(Directory, WideSetsMoveBetweenEntryAndPool) {
  Directory d(1000, 300);  // > 64 CPUs: sharer sets beyond one CPU live in the pool
  const std::int64_t s = d.find_or_insert(7);
  d.add(s, 250);
  EXPECT_EQ(d.shared_bitmaps(), 0u);  // one sharer: held in the entry
  d.add(s, 3);
  d.add(s, 130);
  d.add(s, 3);  // already a sharer: no change
  EXPECT_EQ(d.entry(s).sharers, 3u);
  EXPECT_EQ(d.shared_bitmaps(), 1u);
  EXPECT_EQ(sharers_of(d, s), (std::vector<CpuId>{3, 130, 250}));
  EXPECT_TRUE(d.has(s, 130));
  EXPECT_FALSE(d.has(s, 131));
  d.remove(s, 130);
  d.remove(s, 3);
  EXPECT_EQ(d.shared_bitmaps(), 0u);  // back to one sharer: the bitmap is free again
  EXPECT_EQ(sharers_of(d, s), (std::vector<CpuId>{250}));
  d.add(s, 1);
  EXPECT_EQ(d.shared_bitmaps(), 1u);  // the freed bitmap is reused, and was cleared
  EXPECT_EQ(sharers_of(d, s), (std::vector<CpuId>{1, 250}));
  d.remove(s, 1);
  d.remove(s, 250);
  EXPECT_EQ(d.size(), 0u);
  EXPECT_EQ(d.find(7), -1);
}

TEST(Directory, SharersMayRemoveThemselvesWhileVisited) {
  Directory d(1000, 200);
  const std::int64_t s = d.find_or_insert(9);
  for (CpuId c : {5u, 64u, 70u, 199u}) d.add(s, c);
  std::vector<CpuId> seen;
  d.for_each_sharer(s, [&](CpuId c) {  // what take_ownership does: keep only CPU 70
    seen.push_back(c);
    if (c != 70) d.remove(s, c);
  });
  EXPECT_EQ(seen, (std::vector<CpuId>{5, 64, 70, 199}));
  EXPECT_EQ(sharers_of(d, s), (std::vector<CpuId>{70}));
  EXPECT_EQ(d.shared_bitmaps(), 0u);
}

// Random adds and removes against std::set, for bitmap-in-entry (64 CPUs) and
// pooled (300 CPUs) sets, with enough collisions that erasures shift entries.
void check_against_reference(std::uint32_t cpus) {
  Directory d(64, cpus);
  std::map<std::uint64_t, std::set<CpuId>> ref;
  Rng rng(7, cpus);
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t line = rng.below(60);
    const CpuId cpu = static_cast<CpuId>(rng.below(cpus));
    if (rng.below(2)) {
      if (!ref.contains(line) && ref.size() >= 64) continue;
      d.add(d.find_or_insert(line), cpu);
      ref[line].insert(cpu);
    } else if (const std::int64_t s = d.find(line); s >= 0) {
      d.remove(s, cpu);
      if (ref[line].erase(cpu) && ref[line].empty()) ref.erase(line);
    }
    if (i % 1000 != 0) continue;
    ASSERT_EQ(d.size(), ref.size());
    std::uint64_t pooled = 0;
    for (const auto& [l, set] : ref) {
      const std::int64_t s = d.find(l);
      ASSERT_GE(s, 0);
      ASSERT_EQ(d.entry(s).sharers, set.size());
      ASSERT_EQ(sharers_of(d, s), std::vector<CpuId>(set.begin(), set.end()));
      for (CpuId c : set) ASSERT_TRUE(d.has(s, c));
      pooled += set.size() > 1;
    }
    ASSERT_EQ(d.shared_bitmaps(), cpus > 64 ? pooled : 0);
  }
}

TEST(Directory, MatchesReferenceSetsUpTo64Cpus) {
  check_against_reference(64);
}
TEST(Directory, MatchesReferenceSetsBeyond64Cpus) {
  check_against_reference(300);
}

TEST(Directory, OverflowIsALogicError) {
  Directory d(20, 4);  // 21 entries needed: 28 slots, at most 3/4 full
  EXPECT_EQ(d.capacity(), 28u);
  for (std::uint64_t l = 0; l < 21; ++l) d.add(d.find_or_insert(l), 0);
  EXPECT_THROW(d.find_or_insert(21), std::logic_error);
}

// The table's host bytes per simulated CPU do not grow with the CPU count (a
// sharer bitmap per entry made them O(CPUs): 10 MB per CPU at 1024 CPUs).
TEST(Directory, HostBytesPerCpuStayConstant) {
  MachineConfig c;  // 1 MiB L2: 16384 lines per CPU
  c.cpus = 1024;
  const std::uint64_t at1024 = Directory::table_bytes(MemorySystem::private_lines(c)) / c.cpus;
  c.cpus = 4096;
  const std::uint64_t at4096 = Directory::table_bytes(MemorySystem::private_lines(c)) / c.cpus;
  // 2^24 lines + 1, and a third more slots, of 32 bytes: 683 KiB per CPU.
  EXPECT_EQ(at1024, (16777217u + 5592406) * 32 / 1024);
  EXPECT_EQ(at4096, at1024);
  EXPECT_LE(at1024, 2u * 16384 * sizeof(Directory::Entry));
  Directory d(16384 * 200, 200);
  EXPECT_EQ(d.capacity() * sizeof(Directory::Entry), Directory::table_bytes(16384 * 200));
}

}  // namespace
}  // namespace allocsim::sim
