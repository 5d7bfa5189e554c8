#pragma once
// Nodes, CPUs and LLC domains of the machine, and the NUMA distance (SLIT)
// matrix: given explicitly, or computed by shortest paths over the interconnect
// graph (Boost.Graph), where a path's distance is 10 plus the excess (d - 10)
// of every link on it.
#include <cstdint>
#include <vector>

#include "sim/machine_config.hpp"

namespace allocsim::sim {

// The CPUs' nodes when machine.cpu_nodes is not given: contiguous blocks, as
// even as possible, the first nodes taking the extra CPU; with fewer CPUs
// than nodes the last nodes have none (memory-only nodes).
std::vector<NodeId> default_cpu_nodes(std::uint32_t cpus, std::uint32_t nodes);

class Topology {
 public:
  explicit Topology(const MachineConfig& config);

  std::uint32_t nodes() const { return nodes_; }
  std::uint32_t cpus() const { return static_cast<std::uint32_t>(cpu_node_.size()); }
  NodeId node_of_cpu(CpuId cpu) const { return cpu_node_[cpu]; }
  const std::vector<CpuId>& cpus_of_node(NodeId node) const { return node_cpus_[node]; }
  unsigned distance(NodeId from, NodeId to) const { return distance_[from * nodes_ + to]; }
  // Smallest off-diagonal distance (the nearest remote node); 10 on one node.
  unsigned nearest_remote_distance() const { return nearest_remote_; }
  // Nodes ordered nearest first (ties by node id), starting with `node` itself.
  const std::vector<NodeId>& fallback_order(NodeId node) const { return fallback_[node]; }

  std::uint32_t llc_domains() const { return static_cast<std::uint32_t>(llc_node_.size()); }
  std::uint32_t llc_of_cpu(CpuId cpu) const { return cpu_llc_[cpu]; }
  NodeId node_of_llc(std::uint32_t llc) const { return llc_node_[llc]; }

  std::vector<std::vector<unsigned>> distance_matrix() const;

 private:
  void compute_distances(const MachineConfig& config);
  std::uint32_t nodes_;
  std::vector<NodeId> cpu_node_;
  std::vector<std::vector<CpuId>> node_cpus_;
  std::vector<unsigned> distance_;
  unsigned nearest_remote_ = kLocalDistance;
  std::vector<std::vector<NodeId>> fallback_;
  std::vector<std::uint32_t> cpu_llc_;
  std::vector<NodeId> llc_node_;
};

}  // namespace allocsim::sim
