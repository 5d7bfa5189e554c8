#include "sim/topology.hpp"

#include <gtest/gtest.h>

#include "sim/boot_memory.hpp"
#include "sim/machine.hpp"

namespace allocsim::sim {
namespace {

MachineConfig nodes(std::uint32_t n, std::uint32_t cpus_per_node) {
  MachineConfig c;
  c.nodes = n;
  c.cpus = n * cpus_per_node;
  assign_contiguous_memory(c, 1 << 20);
  return c;
}

TEST(Topology, RingDistancesAreShortestPaths) {
  MachineConfig c = nodes(4, 1);
  c.links = {{0, 1, 16}, {1, 2, 16}, {2, 3, 16}, {3, 0, 16}};
  const Topology t(c);
  // Two hops: 10 + 6 + 6.
  EXPECT_EQ(t.distance_matrix(),
            (std::vector<std::vector<unsigned>>{
                {10, 16, 22, 16}, {16, 10, 16, 22}, {22, 16, 10, 16}, {16, 22, 16, 10}}));
  EXPECT_EQ(t.fallback_order(0), (std::vector<NodeId>{0, 1, 3, 2}));
  EXPECT_EQ(t.fallback_order(2), (std::vector<NodeId>{2, 1, 3, 0}));
  EXPECT_EQ(t.nearest_remote_distance(), 16u);
}

TEST(Topology, AShortcutBeatsTheLongWay) {
  MachineConfig c = nodes(3, 1);
  c.links = {{0, 1, 40}, {1, 2, 12}, {0, 2, 12}};
  const Topology t(c);
  EXPECT_EQ(t.distance(0, 1), 14u);  // via node 2: 10 + 2 + 2
}

TEST(Topology, ExplicitMatrixIsUsedAsGiven) {
  MachineConfig c = nodes(2, 2);
  c.distance = {{10, 32}, {32, 10}};
  c.links = {{0, 1, 21}};  // ignored when a matrix is given
  const Topology t(c);
  EXPECT_EQ(t.distance(1, 0), 32u);
}

TEST(Topology, WithoutLinksEveryPairIsAtLinuxRemoteDistance) {
  const Topology t(nodes(3, 1));
  EXPECT_EQ(t.distance(0, 2), kRemoteDistance);
}

TEST(Topology, RejectsDisconnectedAndBadMatrices) {
  MachineConfig c = nodes(3, 1);
  c.links = {{0, 1, 21}};
  EXPECT_THROW(Topology{c}, std::invalid_argument);
  c.links.clear();
  c.distance = {{10, 20, 20}, {20, 10, 20}, {20, 20, 11}};
  EXPECT_THROW(Topology{c}, std::invalid_argument);
  c.distance = {{10, 20}, {20, 10}};
  EXPECT_THROW(Topology{c}, std::invalid_argument);
}

TEST(Topology, CpusAndLlcDomains) {
  MachineConfig c = nodes(2, 8);
  c.llc.shared_by = 4;  // CCX-like: two LLCs per node
  const Topology t(c);
  EXPECT_EQ(t.llc_domains(), 4u);
  EXPECT_EQ(t.llc_of_cpu(3), 0u);
  EXPECT_EQ(t.llc_of_cpu(4), 1u);
  EXPECT_EQ(t.llc_of_cpu(15), 3u);
  EXPECT_EQ(t.node_of_llc(2), 1u);
  EXPECT_EQ(t.node_of_cpu(8), 1u);
  c.llc.shared_by = 3;
  EXPECT_THROW(Topology{c}, std::invalid_argument);
}

TEST(Topology, ExplicitCpuPlacementAllowsMemoryOnlyNodes) {
  MachineConfig c = nodes(2, 1);
  c.cpu_node = {0, 0};
  const Topology t(c);
  EXPECT_TRUE(t.cpus_of_node(1).empty());
  EXPECT_EQ(t.cpus_of_node(0).size(), 2u);
}

}  // namespace
}  // namespace allocsim::sim

namespace allocsim::sim {
namespace {

TEST(BootMemory, TopDownBelowALimitAndNeverOverlapping) {
  MachineConfig c;
  c.nodes = 2;
  c.cpus = 2;
  assign_contiguous_memory(c, 1 << 20);
  BootMemory b(c);
  EXPECT_EQ(b.alloc(4096, 4096, 0).value(), (1u << 20) - 4096);     // top of node 0
  EXPECT_EQ(b.alloc(100, 64, 0).value(), (1u << 20) - 4096 - 128);  // below it, aligned down
  EXPECT_EQ(b.alloc(4096, 4096, 0, PhysAddr(0x20000)).value(),
            0x1f000u);  // the highest fit under the limit
  EXPECT_EQ(b.alloc(4096, 4096, 0, PhysAddr(0x20000)).value(), 0x1e000u);
  EXPECT_EQ(b.alloc(8192, 4096, 1).value(), (2u << 20) - 8192);  // node 1's own memory
  EXPECT_EQ(b.reserved().size(), 5u);
  EXPECT_THROW(b.alloc(2 << 20, 4096, 1), std::runtime_error);
}

// memblock_alloc_try_nid: a node with no memory below the limit (an i386 node
// that is all HIGHMEM) gets its structures from any node below it.
TEST(BootMemory, FallsBackToAnyNodeBelowTheLimit) {
  MachineConfig c;
  c.nodes = 2;
  c.cpus = 2;
  assign_contiguous_memory(c, 1 << 20);
  BootMemory b(c);
  EXPECT_EQ(b.alloc(4096, 4096, 1, PhysAddr(0x80000)).value(),
            0x7f000u);                                           // node 0, just under the limit
  EXPECT_EQ(b.reserved().back().node, 0u);                       // where the memory really is
  EXPECT_EQ(b.alloc(4096, 4096, 1).value(), (2u << 20) - 4096);  // node 1's own memory when it fits
  EXPECT_EQ(b.reserved().back().node, 1u);
  EXPECT_THROW(b.alloc(1 << 20, 4096, 1, PhysAddr(0x80000)),
               std::runtime_error);  // no room anywhere
}

}  // namespace
}  // namespace allocsim::sim
