#pragma once
// Reading `workload.generator` (the YAML workload language, docs/workloads.md).
#include <string>
#include <vector>

#include "io/config/reader.hpp"
#include "model/flavour.hpp"
#include "workloads/generator/spec.hpp"

namespace allocsim::io {

// What the workload is checked against: the machine's CPUs and nodes, the
// clock (times), and the flavour (GFP names).
struct GeneratorContext {
  double ghz = 1.0;
  std::uint32_t cpus = 1, nodes = 1;
  std::vector<sim::NodeId> cpu_node;  // one per CPU
  model::Flavour flavour{};
};

// Throws ConfigError naming the file, line and key of the first problem.
workloads::gen::GeneratorSpec read_generator(const Node& node, const std::string& path,
                                             const GeneratorContext& ctx);

}  // namespace allocsim::io
