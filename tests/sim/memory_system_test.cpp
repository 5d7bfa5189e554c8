#include "sim/memory_system.hpp"

#include <gtest/gtest.h>

#include "test_machines.hpp"

namespace allocsim::sim {
namespace {

using testing::kNode0;
using testing::kNode1;

struct Rig {
  MachineConfig config;
  Topology topology;
  StatsRegistry stats;
  MemorySystem mem;
  explicit Rig(MachineConfig c)
      : config(std::move(c)), topology(config), mem(config, topology, stats, 1) {}
  Cycles rd(CpuId c, PhysAddr a, std::uint32_t n = 8) {
    return mem.access(c, a, n, AccessKind::read, 0);
  }
  Cycles wr(CpuId c, PhysAddr a, std::uint32_t n = 8) {
    return mem.access(c, a, n, AccessKind::write, 0);
  }
};

TEST(MemorySystem, HitLatenciesPerLevel) {
  Rig r(testing::two_node_config());
  EXPECT_EQ(r.rd(0, kNode0), 100u);  // cold: memory, local node
  EXPECT_EQ(r.rd(0, kNode0), 4u);    // L1
  // Eight more lines in the same L1 set (8 sets of 2 ways) push it out of L1 but not L2.
  EXPECT_EQ(r.rd(0, kNode0 + 512), 100u);
  EXPECT_EQ(r.rd(0, kNode0 + 1024), 100u);
  EXPECT_EQ(r.rd(0, kNode0), 12u);  // L2
  EXPECT_EQ(r.stats.value("l1d.hits", 0), 1u);
  EXPECT_EQ(r.stats.value("l2.hits", 0), 1u);
  EXPECT_EQ(r.stats.value("llc.misses", 0), 3u);
  // CPU 1 shares node 0's LLC: the line is there.
  EXPECT_EQ(r.rd(1, kNode0 + 1024), 40u);
  r.mem.check_invariants();
  // Log2 buckets: 4 in bucket 3 ([4,8)), 12 in 4, 100s in 7 ([64,128)).
  const Histogram* h = nullptr;
  for (const auto& e : r.stats.histograms())
    if (e.name == "access.latency" && e.scope == 0) h = &e.histogram;
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->count, 5u);
  EXPECT_EQ(h->buckets[3], 1u);
  EXPECT_EQ(h->buckets[4], 1u);
  EXPECT_EQ(h->buckets[7], 3u);
  EXPECT_EQ(h->sum, 100u * 3 + 4 + 12);
  EXPECT_EQ(h->max, 100u);
  EXPECT_EQ(h->quantile_upper_bound(0.5), 127u);
  EXPECT_EQ(h->quantile_upper_bound(0.0), 7u);
}

TEST(MemorySystem, RemoteMissCostsDistanceRatio) {
  Rig r(testing::two_node_config());
  EXPECT_EQ(r.rd(0, kNode0), 100u);
  EXPECT_EQ(r.rd(0, kNode1), 210u);  // SLIT 21: 2.1 times the local latency
  EXPECT_EQ(r.rd(2, kNode1 + 64), 100u);
  EXPECT_EQ(r.stats.value("memory.remote_accesses", 0), 1u);
  EXPECT_EQ(r.stats.value("memory.local_accesses", 0), 1u);
  EXPECT_EQ(r.stats.value("memory.local_accesses", 1), 1u);
}

TEST(MemorySystem, WriteInvalidatesAndModifiedLinesMoveCacheToCache) {
  Rig r(testing::two_node_config());
  EXPECT_EQ(r.wr(0, kNode0), 100u);
  EXPECT_EQ(r.mem.l1_state(0, kNode0), LineState::modified);
  EXPECT_EQ(r.rd(1, kNode0), 50u);  // modified in CPU 0, same LLC
  EXPECT_EQ(r.mem.l1_state(0, kNode0), LineState::shared);
  EXPECT_EQ(r.mem.l1_state(1, kNode0), LineState::shared);
  EXPECT_EQ(r.mem.sharers(kNode0), 2u);
  // CPU 2 (node 1) writes: data forwarded from node 0's LLC (120) while CPUs 0
  // and 1 and node 0's LLC are invalidated (farthest ack 120): 120 in all.
  EXPECT_EQ(r.wr(2, kNode0), 120u);
  EXPECT_EQ(r.stats.value("coherence.invalidations", 2), 3u);
  EXPECT_EQ(r.mem.l1_state(0, kNode0), LineState::invalid);
  EXPECT_EQ(r.mem.owner(kNode0), 2u);
  EXPECT_FALSE(r.mem.in_llc(0, kNode0));
  // CPU 0 reads the line back from CPU 2 across the nodes.
  EXPECT_EQ(r.rd(0, kNode0), 120u);
  EXPECT_EQ(r.stats.value("coherence.c2c_transfers", 0), 1u);
  EXPECT_EQ(r.stats.value("coherence.true_sharing", 0), 1u);
  // Upgrade of a shared line in L1: L1 latency plus the invalidation round trip.
  EXPECT_EQ(r.wr(0, kNode0), 4u + 120u);
  EXPECT_EQ(r.stats.value("coherence.upgrades", 0), 1u);
  r.mem.check_invariants();
}

TEST(MemorySystem, ExclusiveLineIsWrittenSilently) {
  Rig r(testing::two_node_config());
  EXPECT_EQ(r.rd(0, kNode0), 100u);
  EXPECT_EQ(r.mem.l1_state(0, kNode0), LineState::exclusive);
  EXPECT_EQ(r.wr(0, kNode0), 4u);
  EXPECT_EQ(r.mem.l1_state(0, kNode0), LineState::modified);
  EXPECT_EQ(r.stats.value("coherence.upgrades", 0), 0u);
}

TEST(MemorySystem, FalseSharingPingPongVersusPaddedLines) {
  const int rounds = 100;
  Rig shared(testing::two_node_config());
  Cycles cost = 0;
  for (int i = 0; i < rounds; ++i) cost += shared.wr(0, kNode0) + shared.wr(1, kNode0 + 8);
  EXPECT_EQ(cost, 100u + 50u * (2 * rounds - 1));
  EXPECT_EQ(shared.stats.total("coherence.false_sharing"), 2u * rounds - 1);
  EXPECT_EQ(shared.stats.total("coherence.true_sharing"), 0u);

  Rig padded(testing::two_node_config());
  cost = 0;
  for (int i = 0; i < rounds; ++i) cost += padded.wr(0, kNode0) + padded.wr(1, kNode0 + 64);
  EXPECT_EQ(cost, 100u + 100u + 4u * (2 * rounds - 2));
  EXPECT_EQ(padded.stats.total("coherence.c2c_transfers"), 0u);
}

TEST(MemorySystem, TrueSharingIsNotCountedAsFalse) {
  Rig r(testing::two_node_config());
  r.wr(0, kNode0, 16);
  r.wr(1, kNode0 + 8);  // overlaps the bytes CPU 0 wrote
  EXPECT_EQ(r.stats.total("coherence.true_sharing"), 1u);
  EXPECT_EQ(r.stats.total("coherence.false_sharing"), 0u);
}

TEST(MemorySystem, AccessesSpanningLinesPayForEachLine) {
  Rig r(testing::two_node_config());
  EXPECT_EQ(r.rd(0, kNode0 + 60, 8), 200u);  // two cold lines
  EXPECT_EQ(r.rd(0, kNode0, 128), 8u);       // both now in L1
}

TEST(MemorySystem, DirtyL2VictimsAreWrittenBackToTheLlc) {
  Rig r(testing::two_node_config());
  r.wr(0, kNode0);
  // L2 has 16 sets of 4 ways (set stride 1 KiB): four more lines in the set evict it.
  for (int i = 1; i <= 4; ++i) r.rd(0, kNode0 + i * 1024);
  EXPECT_EQ(r.mem.l2_state(0, kNode0), LineState::invalid);
  EXPECT_EQ(r.mem.owner(kNode0), kNoCpu);
  EXPECT_TRUE(r.mem.in_llc(0, kNode0));
  EXPECT_EQ(r.rd(1, kNode0), 40u);  // from the LLC, no cache-to-cache transfer
  r.mem.check_invariants();
}

TEST(MemorySystem, ChannelQueueingGrowsWithLoad) {
  MachineConfig c = testing::two_node_config();
  c.memory.bytes_per_cycle = 0.5;  // 128 cycles per line: one window holds 32 lines
  c.memory.channels = 1;
  Rig r(c);
  // Distinct lines in one 4096-cycle window: utilisation n*128/4096 (M/D/1 wait).
  Cycles last = 0;
  for (int i = 0; i < 16; ++i) last = r.rd(0, kNode0 + i * 4096);
  // n = 16: rho = 0.5, wait = 128 * 0.5 / (2 * 0.5) = 64.
  EXPECT_EQ(last, 100u + 64u);
  EXPECT_GT(r.stats.value("memory.queue_cycles", 0), 0u);
}

TEST(MemorySystem, ChannelsInterleaveByAddress) {
  Rig r(testing::two_node_config());
  const Memory& m = r.mem.memory();
  EXPECT_EQ(m.channel_of(PhysAddr(0)), 0u);
  EXPECT_EQ(m.channel_of(PhysAddr(255)), 0u);
  EXPECT_EQ(m.channel_of(PhysAddr(256)), 1u);
  EXPECT_EQ(m.channel_of(PhysAddr(512)), 0u);
  EXPECT_EQ(m.home_node(kNode1), 1u);
  EXPECT_THROW(m.home_node(PhysAddr(64u << 20)), std::out_of_range);
}

TEST(MemorySystem, RandomStressKeepsInvariants) {
  MachineConfig c = testing::two_node_config();
  c.llc.shared_by = 1;  // one LLC per CPU: exercises forwarding between LLCs of a node
  c.coherence.c2c_same_node = 70;
  Rig r(c);
  Rng rng(42, 0);
  for (int i = 0; i < 200000; ++i) {
    const CpuId cpu = static_cast<CpuId>(rng.below(4));
    const PhysAddr a = rng.below(2) ? kNode0 : kNode1;
    const PhysAddr addr = a + rng.below(64 * 1024);
    const auto kind = static_cast<AccessKind>(rng.below(3));
    r.mem.access(cpu, addr, 1 + static_cast<std::uint32_t>(rng.below(16)), kind,
                 static_cast<Cycles>(i));
    if (i % 20000 == 0) r.mem.check_invariants();
  }
  r.mem.check_invariants();
  EXPECT_GT(r.stats.total("coherence.c2c_transfers"), 0u);
  EXPECT_GT(r.stats.total("llc.remote_hits"), 0u);
}

// Beyond 64 CPUs the directory keeps sharer sets in a pool: the same protocol
// on 130 CPUs with lines shared by many, invalidated by writes.
TEST(MemorySystem, RandomStressKeepsInvariantsBeyond64Cpus) {
  Rig r(testing::one_node_config(130));
  Rng rng(43, 0);
  for (int i = 0; i < 200000; ++i) {
    const CpuId cpu = static_cast<CpuId>(rng.below(130));
    const PhysAddr addr = kNode0 + rng.below(4096);
    const auto kind = rng.below(8) == 0 ? AccessKind::write : AccessKind::read;
    r.mem.access(cpu, addr, 8, kind, static_cast<Cycles>(i));
    if (i % 20000 == 0) r.mem.check_invariants();
  }
  r.mem.check_invariants();
  EXPECT_GT(r.stats.total("coherence.invalidations"), 100000u);
}

}  // namespace
}  // namespace allocsim::sim

namespace allocsim::sim {
namespace {

TEST(Memory, MeasuredRemoteLatencyAnchorsTheNearestRemoteDistance) {
  MachineConfig c;
  c.nodes = 3;
  c.cpus = 3;
  c.distance = {{10, 32, 54}, {32, 10, 32}, {54, 32, 10}};
  c.memory.latency = 100;
  c.memory.remote_latency = 180;
  assign_contiguous_memory(c, 1 << 20);
  const Topology t(c);
  StatsRegistry s;
  const Memory m(c, t, s);
  EXPECT_EQ(m.latency(0, 0), 100u);
  EXPECT_EQ(m.latency(0, 1), 180u);  // nearest remote distance: the measured value
  EXPECT_EQ(m.latency(0, 2), 260u);  // twice as far beyond local: 100 + 80 * 44 / 22
  c.memory.remote_latency = 0;
  StatsRegistry s2;
  const Memory slit(c, t, s2);
  EXPECT_EQ(slit.latency(0, 1), 320u);  // SLIT ratio 3.2
}

}  // namespace
}  // namespace allocsim::sim
