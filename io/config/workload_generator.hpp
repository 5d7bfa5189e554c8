#pragma once
// Reading `workload.generator` (the YAML workload language, docs/workloads.md).
#include <string>
#include <vector>

#include "io/config/reader.hpp"
#include "model/flavour.hpp"
#include "model/kernel_config.hpp"
#include "workloads/generator/spec.hpp"

namespace allocsim::io {

// What the workload is checked against: the machine's CPUs and nodes, the
// clock (times), and the flavour (GFP names).
struct GeneratorContext {
  double ghz = 1.0;
  std::uint32_t cpus = 1, nodes = 1;
  std::vector<sim::NodeId> cpu_node;  // one per CPU
  model::Flavour flavour{};
  sim::Arch arch = sim::Arch::x86_64;  // with the line size and the slab settings:
  std::uint32_t line_bytes = 64;       // whether the object allocator can lay out a cache
  model::SlabConfig slab;
};

// A kmem cache's alignment: beyond a page the modelled allocators do not lay
// out slabs (Linux's own caches ask for at most a page).
inline constexpr std::uint64_t kMaxCacheAlign = model::kPageSize;

// Throws ConfigError naming the file, line and key of the first problem.
workloads::gen::GeneratorSpec read_generator(const Node& node, const std::string& path,
                                             const GeneratorContext& ctx);

}  // namespace allocsim::io
