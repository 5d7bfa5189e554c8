// NUMA fallback order of each node (find_next_best_node + build_zonelists,
// mm/page_alloc.c), traced by hand. Notation: val(n) =
// (distance + (n < local) + (n has CPUs)) * M + node_load[n], M = nr_online_nodes
// * MAX_NUMNODES (2.6.32) or MAX_NUMNODES (6.8), MAX_NUMNODES = 64; the lowest
// val wins, the lowest node id on ties. The first node of each new distance
// group gets node_load = load (2.6.32; load = N, N-1, ... per node taken,
// local included) or node_load += 1 (6.8).
#include <gtest/gtest.h>

#include "model/zonelist_order.hpp"

namespace allocsim::model {
namespace {

constexpr auto k26 = Flavour::linux_2_6;
constexpr auto k6 = Flavour::linux_6;
using Order = std::vector<sim::NodeId>;
using Slit = std::vector<std::vector<unsigned>>;

std::vector<bool> all(unsigned n) {
  return std::vector<bool>(n, true);
}

TEST(ZonelistOrder, FourNodeRing) {
  // Ring 0-1-2-3-0 at 16, diagonals at 22; every node has CPUs and memory.
  const Slit ring{{10, 16, 22, 16}, {16, 10, 16, 22}, {22, 16, 10, 16}, {16, 22, 16, 10}};
  // 6.8 (M = 64):
  //  node 0: 0; val 1 = 17*64 = 1088, 2 = 23*64, 3 = 1088 -> 1 (tie, lower id), load[1] = 1;
  //          3 (same distance 16); 2 (22: load[2] = 1).             loads 0 1 1 0
  //  node 1: 1; val 0 = 18*64 = 1152, 2 = 1088 + 1 = 1089, 3 = 23*64 -> 2, load[2] = 2;
  //          0; 3 (22: load[3] = 1).                                 loads 0 1 2 1
  //  node 2: 2; val 0 = 24*64, 1 = 1152 + 1, 3 = 1088 + 1 -> 3, load[3] = 2; 1; 0 (load[0] = 1).
  //  node 3: 3; val 0 = 1152 + 1 = 1153, 1 = 24*64 + 1, 2 = 1152 + 2 -> 0; 2; 1.
  const auto o6 = build_node_orders(k6, ring, all(4), all(4));
  EXPECT_EQ(o6[0], (Order{0, 1, 3, 2}));
  EXPECT_EQ(o6[1], (Order{1, 2, 0, 3}));
  EXPECT_EQ(o6[2], (Order{2, 3, 1, 0}));
  EXPECT_EQ(o6[3], (Order{3, 0, 2, 1}));
  // 2.6.32 (M = 4*64 = 256), loads set to `load`:
  //  node 0: 0 (load 4 -> 3); 1: 17*256 ties 3, lower id; load[1] = 3; 3; 2 (load[2] = 1).
  //  node 1: 1; val 0 = 18*256, 2 = 17*256 + 1 -> 2, load[2] = 3; 0; 3 (load[3] = 1).
  //  node 2: 2; val 1 = 18*256 + 3, 3 = 17*256 + 1 -> 3, load[3] = 3; 1; 0 (load[0] = 1).
  //  node 3: 3; val 0 = 18*256 + 1, 2 = 18*256 + 3 -> 0; 2; 1.
  // The same orders as 6.8 on this symmetric ring.
  const auto o26 = build_node_orders(k26, ring, all(4), all(4));
  EXPECT_EQ(o26, o6);
}

// Two sockets of four nodes (EPYC "Naples"): 16 within a socket, 32 across.
Slit naples() {
  Slit d(8, std::vector<unsigned>(8));
  for (unsigned i = 0; i < 8; ++i)
    for (unsigned j = 0; j < 8; ++j) d[i][j] = i == j ? 10 : (i / 4 == j / 4 ? 16 : 32);
  return d;
}

TEST(ZonelistOrder, TwoSocketEightNodeTiesLinux6) {
  // Every remote group is one big tie, broken by (n < local) and node_load.
  // After nodes 0..3 every node_load is 1.
  //  node 4: 4; 5, 6, 7 at 17*64 + 1 -> 5 (load[5] = 2), 6, 7; then 0..3 at
  //          34*64 + 1 -> 0 (load[0] = 2), 1, 2, 3.          loads 2 1 1 1 1 2 1 1
  //  node 5: 5; 6 (17*64 + 1; load[6] = 2), 7, then 4 (18*64 + 1); across:
  //          0 = 34*64 + 2, 1..3 = 34*64 + 1 -> 1 (load[1] = 2), 2, 3, 0.
  //  node 6: across: 0 = 34*64 + 2, 1 = 34*64 + 2, 2 = 34*64 + 1 -> 2, 3, 0, 1.
  const auto o = build_node_orders(k6, naples(), all(8), all(8));
  EXPECT_EQ(o[0], (Order{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(o[1], (Order{1, 2, 3, 0, 5, 6, 7, 4}));
  EXPECT_EQ(o[2], (Order{2, 3, 0, 1, 6, 7, 4, 5}));
  EXPECT_EQ(o[3], (Order{3, 0, 1, 2, 7, 4, 5, 6}));
  EXPECT_EQ(o[4], (Order{4, 5, 6, 7, 0, 1, 2, 3}));
  EXPECT_EQ(o[5], (Order{5, 6, 7, 4, 1, 2, 3, 0}));
  EXPECT_EQ(o[6], (Order{6, 7, 4, 5, 2, 3, 0, 1}));
  EXPECT_EQ(o[7], (Order{7, 4, 5, 6, 3, 0, 1, 2}));
}

TEST(ZonelistOrder, TwoSocketEightNodeTiesLinux26) {
  // M = 8*64 = 512. Before node 4 the loads are 7 7 7 7 4 4 4 4.
  //  node 4: 4 (load 8 -> 7); 5, 6, 7 at 17*512 + 4 -> 5, load[5] = 7; 6; 7;
  //          0..3 at 34*512 + 7 -> 0, load[0] = load = 4; 1, 2, 3.   loads 4 7 7 7 4 7 4 4
  //  node 5: 6 (17*512 + 4; load[6] = 7), 7, 4 (18*512 + 4); across: 0 = 34*512 + 4
  //          beats 1..3 = 34*512 + 7 -> 0 again, load[0] = 4 again: 0, 1, 2, 3.
  // Overwriting node_load with `load` (instead of 6.8's += 1) keeps node 0
  // first for all of socket 1.
  const auto o = build_node_orders(k26, naples(), all(8), all(8));
  EXPECT_EQ(o[0], (Order{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(o[1], (Order{1, 2, 3, 0, 5, 6, 7, 4}));
  EXPECT_EQ(o[2], (Order{2, 3, 0, 1, 6, 7, 4, 5}));
  EXPECT_EQ(o[3], (Order{3, 0, 1, 2, 7, 4, 5, 6}));
  EXPECT_EQ(o[4], (Order{4, 5, 6, 7, 0, 1, 2, 3}));
  EXPECT_EQ(o[5], (Order{5, 6, 7, 4, 0, 1, 2, 3}));
  EXPECT_EQ(o[6], (Order{6, 7, 4, 5, 0, 1, 2, 3}));
  EXPECT_EQ(o[7], (Order{7, 4, 5, 6, 0, 1, 2, 3}));
}

TEST(ZonelistOrder, AsymmetricTwoSocketSlit) {
  // Node i <-> i+4 directly linked (22); other cross-socket pairs 28 seen from
  // socket 0 but 32 from socket 1 (a firmware SLIT need not be symmetric).
  Slit d = naples();
  for (unsigned i = 0; i < 8; ++i)
    for (unsigned j = 0; j < 8; ++j)
      if (i / 4 != j / 4) d[i][j] = i < 4 ? 28 : 32;
  for (unsigned i = 0; i < 4; ++i) d[i][i + 4] = d[i + 4][i] = 22;
  // The direct partner comes right after the own socket, then the rest.
  // 6.8, node 5: 6, 7, 4; 1 (22); then 0 = 34*64 + 2, 2 = 34*64 + 1, 3 = 34*64 + 1 -> 2, 3, 0.
  const auto o6 = build_node_orders(k6, d, all(8), all(8));
  EXPECT_EQ(o6[0], (Order{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(o6[1], (Order{1, 2, 3, 0, 5, 6, 7, 4}));
  EXPECT_EQ(o6[2], (Order{2, 3, 0, 1, 6, 7, 4, 5}));
  EXPECT_EQ(o6[3], (Order{3, 0, 1, 2, 7, 4, 5, 6}));
  EXPECT_EQ(o6[4], (Order{4, 5, 6, 7, 0, 1, 2, 3}));
  EXPECT_EQ(o6[5], (Order{5, 6, 7, 4, 1, 2, 3, 0}));
  EXPECT_EQ(o6[6], (Order{6, 7, 4, 5, 2, 3, 0, 1}));
  EXPECT_EQ(o6[7], (Order{7, 4, 5, 6, 3, 0, 1, 2}));
  // 2.6.32, node 5 (loads before: 4 3 7 7 3 7 4 4): 6, 7, 4; 1 (24*512 + 3, load[1] = 4);
  // then 0 = 34*512 + 4 beats 2, 3 = 34*512 + 7 -> 0 (load[0] = 3), 2, 3.
  const auto o26 = build_node_orders(k26, d, all(8), all(8));
  EXPECT_EQ(o26[0], (Order{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(o26[3], (Order{3, 0, 1, 2, 7, 4, 5, 6}));
  EXPECT_EQ(o26[4], (Order{4, 5, 6, 7, 0, 1, 2, 3}));
  EXPECT_EQ(o26[5], (Order{5, 6, 7, 4, 1, 0, 2, 3}));
  EXPECT_EQ(o26[6], (Order{6, 7, 4, 5, 2, 0, 1, 3}));
  EXPECT_EQ(o26[7], (Order{7, 4, 5, 6, 3, 0, 1, 2}));
  // MAX_NUMNODES only scales the arithmetic.
  EXPECT_EQ(build_node_orders(k6, d, all(8), all(8), 1024), o6);
  EXPECT_EQ(build_node_orders(k26, d, all(8), all(8), 1024), o26);
}

TEST(ZonelistOrder, MemorylessAndHeadlessNodes) {
  const Slit d{{10, 20, 20}, {20, 10, 20}, {20, 20, 10}};
  for (Flavour f : {k26, k6}) {
    // Node 1 has CPUs but no memory; node 2 has memory but no CPUs.
    const auto o = build_node_orders(f, d, {true, true, false}, {true, false, true});
    // Node 0: 0; then 2 only (1 has no memory).
    EXPECT_EQ(o[0], (Order{0, 2})) << to_string(f);
    // Node 1 never lists itself; headless 2 (20 + 0 + 0) beats 0 (20 + 1 + 1).
    EXPECT_EQ(o[1], (Order{2, 0})) << to_string(f);
    EXPECT_EQ(o[2], (Order{2, 0})) << to_string(f);
  }
  // At equal distance a headless node is preferred: node 0 sees 1 (with CPUs)
  // and 2 (without) at 20: 2 = 20*M beats 1 = 21*M.
  const auto h = build_node_orders(k6, d, {true, true, false}, all(3));
  EXPECT_EQ(h[0], (Order{0, 2, 1}));
  // A single node, and a machine whose node 1 has no memory at all.
  EXPECT_EQ(build_node_orders(k26, {{10}}, {true}, {true}), (std::vector<Order>{{0}}));
  EXPECT_EQ(build_node_orders(k6, {{10, 21}, {21, 10}}, all(2), {true, false}),
            (std::vector<Order>{{0}, {0}}));
}

}  // namespace
}  // namespace allocsim::model
