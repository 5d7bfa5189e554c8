// The `machine:` section: identity, CPUs and their nodes, then the parts
// (caches, memory, interconnect) and the coherence and lock settings.
#include <array>
#include <string>

#include "io/config/machine_parts.hpp"
#include "io/config/sections.hpp"
#include "sim/topology.hpp"

namespace allocsim::io {
namespace {

using sim::Arch;
using sim::LockKind;

constexpr std::array<EnumName<Arch>, 2> kArchs{{{"x86_64", Arch::x86_64}, {"i386", Arch::i386}}};
constexpr std::array<EnumName<LockKind>, 2> kLockKinds{
    {{"ticket", LockKind::ticket}, {"queued", LockKind::queued}}};

// Linux limits: MAXSMP's NR_CPUS and NODES_SHIFT 10; 32-bit x86 with bigsmp
// stops at 64 CPUs.
constexpr std::uint64_t kMaxCpus = 8192;
constexpr std::uint64_t kMaxCpusI386 = 64;
constexpr std::uint64_t kMaxNodes = 1024;
// CPU clocks the timing model is meant for: a value outside is a unit typo
// (3.1MHz for 3.1GHz), not a machine.
constexpr double kMinGhz = 0.1, kMaxGhz = 10;

void read_cpu_nodes(MapReader& machine, sim::MachineConfig& m) {
  m.cpu_node.clear();
  if (std::optional<Value> list = machine.find("cpu_nodes")) {
    // Explicit placement may leave nodes without CPUs (memory-only nodes).
    std::vector<Value> items = list->as_sequence();
    if (items.size() != m.cpus) {
      list->fail("has " + std::to_string(items.size()) + " entries but machine.cpus is " +
                 std::to_string(m.cpus));
    }
    for (const Value& item : items) {
      m.cpu_node.push_back(read_node_id(item, m));
    }
  } else {
    m.cpu_node = sim::default_cpu_nodes(m.cpus, m.nodes);
  }
  std::vector<std::string> names;
  for (sim::NodeId node : m.cpu_node) names.push_back(std::to_string(node));
  machine.record("cpu_nodes", resolved_list(names));
}

void read_coherence(MapReader& coherence, sim::MachineConfig& m) {
  m.coherence.c2c_same_llc = coherence.time("c2c_same_llc", m.ghz);
  m.coherence.c2c_same_node = coherence.time("c2c_same_node", m.ghz);
  m.coherence.c2c_remote = coherence.time("c2c_remote", m.ghz);
  coherence.done();
}

}  // namespace

sim::NodeId read_node_id(const Value& v, const sim::MachineConfig& m) {
  std::uint64_t node = v.as_uint();
  if (node >= m.nodes) {
    v.fail("node " + std::to_string(node) + " does not exist (machine.nodes is " +
           std::to_string(m.nodes) + ")");
  }
  return static_cast<sim::NodeId>(node);
}

sim::MachineConfig read_machine(MapReader& top, std::vector<model::ZoneSpec>* zones) {
  MapReader machine = top.map("machine", {"name", "arch", "frequency", "cpus", "nodes", "cpu_nodes",
                                          "memory", "interconnect", "zones", "caches", "coherence",
                                          "locks", "lock_classes", "timing"});
  sim::MachineConfig m;
  m.name = machine.string("name");
  if (m.name.empty()) machine.get("name").fail("must not be empty");
  m.arch = machine.enumeration("arch", kArchs);
  m.ghz = machine.frequency_ghz("frequency");
  if (!(m.ghz >= kMinGhz && m.ghz <= kMaxGhz)) {
    machine.get("frequency")
        .fail("must be between 100MHz and 10GHz, got " + machine.get("frequency").node().text());
  }
  const std::uint64_t max_cpus = m.arch == sim::Arch::i386 ? kMaxCpusI386 : kMaxCpus;
  m.cpus = static_cast<std::uint32_t>(machine.uint("cpus", 1, max_cpus));
  m.nodes = static_cast<std::uint32_t>(machine.uint("nodes", 1, kMaxNodes));
  read_cpu_nodes(machine, m);

  // Create the sub-mappings in documentation order (the resolved output
  // follows it), then read caches first: memory checks need the line size.
  MapReader memory =
      machine.map("memory", {"per_node", "nodes", "starts", "latency", "remote_latency", "channels",
                             "interleave", "channel_bandwidth", "queue_window"});
  MapReader interconnect = machine.map("interconnect", {"links", "distance"});
  MapReader caches = machine.map("caches", {"line", "l1d", "l2", "llc"});
  read_caches(caches, m);
  read_memory(memory, m);
  read_interconnect(interconnect, m);
  *zones = read_zones(machine, m);
  MapReader coherence = machine.map("coherence", {"c2c_same_llc", "c2c_same_node", "c2c_remote"});
  read_coherence(coherence, m);

  m.lock_kind = machine.enumeration("locks", kLockKinds);
  read_lock_classes(machine, m);
  m.timing = machine.boolean("timing");
  machine.done();
  return m;
}

}  // namespace allocsim::io
