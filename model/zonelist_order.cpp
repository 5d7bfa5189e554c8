#include "model/zonelist_order.hpp"

#include <climits>

namespace allocsim::model {

namespace {
constexpr int kPenaltyForNodeWithCpus = 1;
}

std::vector<std::vector<sim::NodeId>> build_node_orders(
    Flavour f, const std::vector<std::vector<unsigned>>& distance,
    const std::vector<bool>& has_cpus, const std::vector<bool>& has_memory, unsigned max_numnodes) {
  const auto nodes = static_cast<unsigned>(distance.size());
  std::vector<long> node_load(nodes, 0);  // global across the build, as in the kernel
  std::vector<std::vector<sim::NodeId>> orders(nodes);
  for (unsigned local = 0; local < nodes; ++local) {
    std::vector<bool> used(nodes, false);
    auto find_next_best_node = [&]() -> int {
      if (!used[local]) {  // the local node first
        used[local] = true;
        return static_cast<int>(local);
      }
      long min_val = LONG_MAX;
      int best = -1;
      for (unsigned n = 0; n < nodes; ++n) {
        if (!has_memory[n] || used[n]) continue;
        long val = distance[local][n];
        val += n < local;  // "prefer the next node"
        if (has_cpus[n]) val += kPenaltyForNodeWithCpus;
        if (f == Flavour::linux_2_6)
          val *= static_cast<long>(nodes) * max_numnodes;  // MAX_NODE_LOAD * MAX_NUMNODES
        else
          val *= max_numnodes;
        val += node_load[n];
        if (val < min_val) {
          min_val = val;
          best = static_cast<int>(n);
        }
      }
      if (best >= 0) used[best] = true;
      return best;
    };
    long load = nodes;  // 2.6.32: nr_online_nodes, decremented per node
    unsigned prev = local;
    for (int node; (node = find_next_best_node()) >= 0;) {
      if (distance[local][node] != distance[local][prev]) {
        if (f == Flavour::linux_2_6)
          node_load[node] = load;
        else
          node_load[node] += 1;
      }
      prev = static_cast<unsigned>(node);
      --load;
      orders[local].push_back(static_cast<sim::NodeId>(node));
    }
  }
  return orders;
}

}  // namespace allocsim::model
