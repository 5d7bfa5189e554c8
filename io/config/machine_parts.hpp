#pragma once
// Sub-readers of the `machine:` section (machine_*.cpp). Each gets the reader of
// its mapping and the machine read so far (cpus, nodes, cpu_node, frequency).
#include "io/config/reader.hpp"
#include "model/kernel_config.hpp"
#include "sim/machine_config.hpp"

namespace allocsim::io {

inline constexpr std::uint64_t kPageBytes = 4096;  // both arches: the unit of node memory

// A node number that must exist: "node 5 does not exist (machine.nodes is 2)".
sim::NodeId read_node_id(const Value& v, const sim::MachineConfig& m);  // machine_section.cpp

void read_caches(MapReader& caches, sim::MachineConfig& m);              // machine_caches.cpp
void read_memory(MapReader& memory, sim::MachineConfig& m);              // machine_memory.cpp
void read_interconnect(MapReader& interconnect, sim::MachineConfig& m);  // machine_interconnect.cpp
void read_lock_classes(MapReader& machine, sim::MachineConfig& m);       // machine_locks.cpp
std::vector<model::ZoneSpec> read_zones(MapReader& machine,
                                        const sim::MachineConfig& m);  // machine_zones.cpp

}  // namespace allocsim::io
