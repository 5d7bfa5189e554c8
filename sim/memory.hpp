#pragma once
// Main memory: which node is home to each physical address, and what a line
// fill costs from a given node: the NUMA latency (scaled by SLIT distance) plus
// queueing on the home node's channel. Channels are picked by address
// interleave; queueing delay follows M/D/1 from the channel's utilisation over
// the current and previous window, so bandwidth contention and channel
// imbalance show up even though CPUs are interleaved only approximately.
#include <array>
#include <cstdint>
#include <vector>

#include "sim/machine_config.hpp"
#include "sim/stats.hpp"
#include "sim/topology.hpp"

namespace allocsim::sim {

// Memory counters of one node.
struct MemoryCounters {
  Counter *local_accesses, *remote_accesses, *queue_cycles, *writebacks;
};

// Registered per node in this order, each node's channel counters after them.
inline constexpr std::array<CounterField<MemoryCounters>, 4> kMemoryCounters{{
    {{{"memory.local_accesses", "1", "DRAM reads of local memory (the requesting CPU's node)",
       "Memory::access (scope: the requesting node)"},
      StatScope::node},
     &MemoryCounters::local_accesses},
    {{{"memory.remote_accesses", "1", "DRAM reads of another node's memory",
       "Memory::access (scope: the requesting node)"},
      StatScope::node},
     &MemoryCounters::remote_accesses},
    {{{"memory.queue_cycles", "cycles", "cycles requests waited for memory channels",
       "Memory::queue_delay, M/D/1 per channel and window (scope: the home node)"},
      StatScope::node},
     &MemoryCounters::queue_cycles},
    {{{"memory.writebacks", "1", "dirty LLC victims written back to memory",
       "Memory::writeback (scope: the home node)"},
      StatScope::node},
     &MemoryCounters::writebacks},
}};

inline constexpr RegistryDecl kChannelAccesses{
    {"memory.channel<i>.accesses", "1",
     "reads and writebacks of one memory channel (channels by address interleave)",
     "Memory::access and Memory::writeback (scope: the home node)"},
    StatScope::node};

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
    return static_cast<std::uint32_t>((addr.value() >> interleave_shift_) % channels_);
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
  std::vector<Channel> channel_state_;      // node * channels + channel
  std::vector<MemoryCounters> counters_;    // per node
  std::vector<Counter*> channel_accesses_;  // node * channels + channel
};

}  // namespace allocsim::sim
