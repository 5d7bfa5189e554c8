#pragma once
// NUMA node order of each node's zonelist: find_next_best_node and
// build_zonelists (mm/page_alloc.c, 2.6.32 and 6.8), with the
// node_load round-robin that spreads nodes at equal distance across the nodes
// built later.
#include <vector>

#include "model/flavour.hpp"
#include "sim/types.hpp"

namespace allocsim::model {

// Orders for nodes 0..N-1 (all online), built in that order with node_load
// carried over. Nodes without memory never appear (2.6.32 still takes a
// memoryless local node first, which counts in its `load` arithmetic, but it
// has no zones to add). max_numnodes (MAX_NUMNODES) only scales the tie
// arithmetic; 64 is x86_64's NODES_SHIFT 6.
std::vector<std::vector<sim::NodeId>> build_node_orders(
    Flavour f, const std::vector<std::vector<unsigned>>& distance,
    const std::vector<bool>& node_has_cpus, const std::vector<bool>& node_has_memory,
    unsigned max_numnodes = 64);

}  // namespace allocsim::model
