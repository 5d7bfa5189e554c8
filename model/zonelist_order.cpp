#include "model/zonelist_order.hpp"

#include <climits>

namespace allocsim::model {

namespace {
constexpr long kPenaltyForNodeWithCpus = 1;  // PENALTY_FOR_NODE_WITH_CPUS

// mm/page_alloc.c:find_next_best_node (2.6.32 and 6.8).
int find_next_best_node(Flavour f, unsigned local, std::vector<bool>& used,
                        const std::vector<std::vector<unsigned>>& distance,
                        const std::vector<bool>& has_cpus, const std::vector<bool>& has_memory,
                        const std::vector<long>& node_load, unsigned max_numnodes) {
  const auto nodes = static_cast<unsigned>(distance.size());
  // The local node first; 6.8 skips a memoryless one, 2.6.32 does not.
  if (!used[local] && (f == Flavour::linux_2_6 || has_memory[local])) {
    used[local] = true;
    return static_cast<int>(local);
  }
  long min_val = INT_MAX;
  int best = -1;
  for (unsigned n = 0; n < nodes; ++n) {  // for_each_node_state(n, N_HIGH_MEMORY / N_MEMORY)
    if (!has_memory[n] || used[n]) continue;
    long val = distance[local][n];
    val += n < local;                                 // "prefer the next node"
    if (has_cpus[n]) val += kPenaltyForNodeWithCpus;  // headless nodes preferred
    // 2.6.32: MAX_NODE_LOAD (nr_online_nodes) * MAX_NUMNODES; 6.8: MAX_NUMNODES.
    if (f == Flavour::linux_2_6)
      val *= static_cast<long>(nodes) * max_numnodes;
    else
      val *= max_numnodes;
    val += node_load[n];  // slight preference for the less loaded node
    if (val < min_val) {  // the first node wins ties
      min_val = val;
      best = static_cast<int>(n);
    }
  }
  if (best >= 0) used[best] = true;
  return best;
}
}  // namespace

// mm/page_alloc.c:build_zonelists (NUMA; 2.6.32 and 6.8), for every node in
// turn as __build_all_zonelists does, node_load zeroed once before.
std::vector<std::vector<sim::NodeId>> build_node_orders(
    Flavour f, const std::vector<std::vector<unsigned>>& distance,
    const std::vector<bool>& has_cpus, const std::vector<bool>& has_memory, unsigned max_numnodes) {
  const auto nodes = static_cast<unsigned>(distance.size());
  std::vector<long> node_load(nodes, 0);
  std::vector<std::vector<sim::NodeId>> orders(nodes);
  for (unsigned local = 0; local < nodes; ++local) {
    std::vector<bool> used(nodes, false);
    long load = nodes;  // 2.6.32: nr_online_nodes, decremented per node taken
    unsigned prev = local;
    for (int node; (node = find_next_best_node(f, local, used, distance, has_cpus, has_memory,
                                               node_load, max_numnodes)) >= 0;) {
      // The first node of each new distance group is penalised, so the next
      // node built picks another member of that group first.
      if (distance[local][node] != distance[local][prev]) {
        if (f == Flavour::linux_2_6)
          node_load[node] = load;
        else
          node_load[node] += 1;
      }
      prev = static_cast<unsigned>(node);
      --load;
      if (has_memory[node]) orders[local].push_back(static_cast<sim::NodeId>(node));
    }
  }
  return orders;
}

}  // namespace allocsim::model
