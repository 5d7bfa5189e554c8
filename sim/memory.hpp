#pragma once
// Main memory: which node is home to each physical address, and what a line
// fill costs from a given node: the NUMA latency (scaled by SLIT distance) plus
// queueing on the home node's channel. Channels are picked by address
// interleave; queueing delay follows M/D/1 from the channel's utilisation over
// the current and previous window, so bandwidth contention and channel
// imbalance show up even though CPUs are interleaved only approximately.
#include <cstdint>
#include <vector>

#include "sim/machine_config.hpp"
#include "sim/stats.hpp"
#include "sim/topology.hpp"

namespace allocsim::sim {

class Memory {
 public:
  Memory(const MachineConfig& config, const Topology& topology, StatsRegistry& stats);

  // Home node of an address; throws std::out_of_range outside every node.
  NodeId home_node(PhysAddr addr) const;
  bool contains(PhysAddr addr) const;
  // Cost of one line transfer from `from` (the requesting CPU's node) at time `now`.
  Cycles access(NodeId from, PhysAddr addr, Cycles now);
  // A dirty line written back: uses bandwidth, costs the requester nothing.
  void writeback(PhysAddr addr, Cycles now);
  Cycles latency(NodeId from, NodeId home) const { return latency_[from * nodes_ + home]; }
  std::uint32_t channel_of(PhysAddr addr) const {
    return static_cast<std::uint32_t>((addr >> interleave_shift_) % channels_);
  }

 private:
  struct Range {
    PhysAddr start, end;
    NodeId node;
  };
  struct Channel {
    std::uint64_t window = 0;
    std::uint32_t count = 0;
    std::uint32_t previous = 0;
  };
  Cycles queue_delay(Channel& ch, Cycles now);

  std::uint32_t nodes_;
  std::uint32_t channels_;
  unsigned interleave_shift_;
  Cycles window_;
  double service_;  // cycles one line occupies a channel
  std::vector<Range> ranges_;
  std::vector<Cycles> latency_;
  std::vector<Channel> channel_state_;  // node * channels + channel
  std::vector<Counter*> local_, remote_, queue_cycles_, writebacks_;
  std::vector<Counter*> channel_accesses_;
};

}  // namespace allocsim::sim
