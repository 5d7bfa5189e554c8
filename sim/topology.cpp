#include "sim/topology.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/floyd_warshall_shortest.hpp>
#include <limits>
#include <stdexcept>
#include <string>

namespace allocsim::sim {

namespace {
[[noreturn]] void fail(const std::string& what) {
  throw std::invalid_argument("topology: " + what);
}
}  // namespace

std::vector<NodeId> default_cpu_nodes(std::uint32_t cpus, std::uint32_t nodes) {
  std::vector<NodeId> out;
  if (nodes == 0) return out;
  const std::uint32_t base = cpus / nodes, extra = cpus % nodes;
  for (NodeId n = 0; n < nodes; ++n) out.insert(out.end(), base + (n < extra ? 1 : 0), n);
  return out;
}

Topology::Topology(const MachineConfig& config) : nodes_(config.nodes) {
  if (config.cpus == 0) fail("a machine needs at least one CPU");
  if (nodes_ == 0) fail("a machine needs at least one node");

  if (config.cpu_node.empty()) {
    cpu_node_ = default_cpu_nodes(config.cpus, nodes_);
  } else {
    if (config.cpu_node.size() != config.cpus) fail("cpu_nodes must name one node per CPU");
    cpu_node_ = config.cpu_node;
  }
  node_cpus_.resize(nodes_);
  for (CpuId c = 0; c < cpu_node_.size(); ++c) {
    if (cpu_node_[c] >= nodes_)
      fail("CPU " + std::to_string(c) + " is on a node that does not exist");
    node_cpus_[cpu_node_[c]].push_back(c);
  }

  compute_distances(config);

  fallback_.resize(nodes_);
  for (NodeId n = 0; n < nodes_; ++n) {
    auto& order = fallback_[n];
    for (NodeId m = 0; m < nodes_; ++m) order.push_back(m);
    // Off-diagonal distances exceed 10, so the node itself always comes first.
    std::stable_sort(order.begin(), order.end(),
                     [&](NodeId a, NodeId b) { return distance(n, a) < distance(n, b); });
  }

  // LLC domains: per node, or groups of `shared_by` consecutive CPUs of one node.
  cpu_llc_.assign(cpu_node_.size(), 0);
  for (NodeId n = 0; n < nodes_; ++n) {
    const auto& cpus = node_cpus_[n];
    const std::uint32_t group =
        config.llc.shared_by ? config.llc.shared_by : std::max<std::uint32_t>(1, cpus.size());
    if (cpus.size() % group != 0)
      fail("llc.shared_by=" + std::to_string(group) + " does not divide the " +
           std::to_string(cpus.size()) + " CPUs of node " + std::to_string(n));
    for (std::size_t i = 0; i < cpus.size(); ++i) {
      if (i % group == 0) llc_node_.push_back(n);
      cpu_llc_[cpus[i]] = static_cast<std::uint32_t>(llc_node_.size() - 1);
    }
  }
}

void Topology::compute_distances(const MachineConfig& config) {
  distance_.assign(static_cast<std::size_t>(nodes_) * nodes_, kLocalDistance);
  if (!config.distance.empty()) {
    if (config.distance.size() != nodes_) fail("distance matrix must have one row per node");
    for (NodeId a = 0; a < nodes_; ++a) {
      if (config.distance[a].size() != nodes_) fail("distance matrix must be square");
      for (NodeId b = 0; b < nodes_; ++b) {
        const unsigned d = config.distance[a][b];
        if (a == b ? d != kLocalDistance : (d <= kLocalDistance || d > 254))
          fail("distance[" + std::to_string(a) + "][" + std::to_string(b) +
               "] = " + std::to_string(d) + " (local must be 10, remote 11..254)");
        distance_[a * nodes_ + b] = d;
      }
    }
  } else if (nodes_ > 1) {
    using Graph =
        boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                              boost::property<boost::edge_weight_t, int>>;
    Graph g(nodes_);
    if (config.links.empty()) {  // no SLIT: Linux's default REMOTE_DISTANCE between every pair
      for (NodeId a = 0; a < nodes_; ++a)
        for (NodeId b = a + 1; b < nodes_; ++b)
          boost::add_edge(a, b, static_cast<int>(kRemoteDistance - kLocalDistance), g);
    }
    for (const Link& l : config.links) {
      if (l.a >= nodes_ || l.b >= nodes_ || l.a == l.b)
        fail("link " + std::to_string(l.a) + "-" + std::to_string(l.b) + " names a bad node");
      if (l.distance <= kLocalDistance || l.distance > 254)
        fail("link distance " + std::to_string(l.distance) + " must be 11..254");
      boost::add_edge(l.a, l.b, static_cast<int>(l.distance - kLocalDistance), g);
    }
    const int inf = std::numeric_limits<int>::max() / 4;
    std::vector<std::vector<int>> d(nodes_, std::vector<int>(nodes_, inf));
    boost::floyd_warshall_all_pairs_shortest_paths(g, d, boost::distance_inf(inf));
    for (NodeId a = 0; a < nodes_; ++a)
      for (NodeId b = 0; b < nodes_; ++b) {
        if (a == b) continue;
        if (d[a][b] >= inf)
          fail("node " + std::to_string(b) + " is not reachable from node " + std::to_string(a));
        const int slit = d[a][b] + static_cast<int>(kLocalDistance);
        if (slit > 254) fail("path distance exceeds 254 between nodes");
        distance_[a * nodes_ + b] = static_cast<unsigned>(slit);
      }
  }
  nearest_remote_ = kLocalDistance;
  for (NodeId a = 0; a < nodes_; ++a)
    for (NodeId b = 0; b < nodes_; ++b)
      if (a != b && (nearest_remote_ == kLocalDistance || distance(a, b) < nearest_remote_))
        nearest_remote_ = distance(a, b);
}

std::vector<std::vector<unsigned>> Topology::distance_matrix() const {
  std::vector<std::vector<unsigned>> m(nodes_, std::vector<unsigned>(nodes_));
  for (NodeId a = 0; a < nodes_; ++a)
    for (NodeId b = 0; b < nodes_; ++b) m[a][b] = distance(a, b);
  return m;
}

}  // namespace allocsim::sim
