#pragma once
// Small machines with round latencies, so expected cycle counts can be worked
// out by hand in the tests.
#include "sim/machine.hpp"

namespace allocsim::sim::testing {

// 4 CPUs on 2 nodes (CPUs 0,1 on node 0; 2,3 on node 1), one LLC per node.
// L1 1 KiB 2-way (8 sets), L2 4 KiB 4-way, LLC 16 KiB 4-way; memory 100 cycles
// at distance 10 and SLIT 10/21; c2c 50 within an LLC, 120 across nodes.
inline MachineConfig two_node_config() {
  MachineConfig c;
  c.name = "two-node-test";
  c.ghz = 1.0;
  c.cpus = 4;
  c.nodes = 2;
  c.distance = {{10, 21}, {21, 10}};
  c.line_bytes = 64;
  c.l1d = {1024, 2, 4, Replacement::lru};
  c.l2 = {4096, 4, 12, Replacement::lru};
  c.llc = {{16384, 4, 40, Replacement::lru}, 0};
  c.memory.latency = 100;
  c.memory.channels = 2;
  c.memory.interleave_bytes = 256;
  c.memory.bytes_per_cycle = 64;  // one cycle per line: no queueing in small tests
  c.memory.queue_window = 4096;
  c.coherence = {50, 70, 120};
  assign_contiguous_memory(c, 1 << 20);
  return c;
}

// N CPUs on one node sharing one LLC; otherwise like two_node_config().
inline MachineConfig one_node_config(std::uint32_t cpus) {
  MachineConfig c = two_node_config();
  c.name = "one-node-test";
  c.cpus = cpus;
  c.nodes = 1;
  c.distance.clear();
  assign_contiguous_memory(c, 8 << 20);
  return c;
}

inline constexpr PhysAddr kNode0{0x10000};              // an address homed on node 0
inline constexpr PhysAddr kNode1{(1 << 20) + 0x10000};  // homed on node 1

}  // namespace allocsim::sim::testing
