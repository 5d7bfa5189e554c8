// Issue 15: machines whose CPUs do not split evenly over their nodes, and
// nodes without CPUs (machine.cpus < machine.nodes), boot and run the default
// workload with every object allocator and flavour: per-node structures,
// zonelists, kswapd, pcp, SLAB alien caches, SLUB per-node lists and the /proc
// reports do not assume that every node has a CPU.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/run/execute.hpp"

namespace allocsim::io {
namespace {

std::string proc_file(const RunResults& r, const std::string& name) {
  for (const auto& [file, text] : r.proc)
    if (file == name) return text;
  ADD_FAILURE() << "no /proc/" << name;
  return {};
}

unsigned count(const std::string& text, const std::string& what) {
  unsigned n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

struct Shape {
  unsigned cpus, nodes;
};

class UnevenNodes : public ::testing::TestWithParam<Shape> {};

TEST_P(UnevenNodes, DefaultWorkloadRunsCleanlyWithEveryAllocator) {
  const Shape shape = GetParam();
  for (const char* flavour : {"linux-2.6", "linux-6", "linux-6.18"})
    for (const char* slab : {"slab", "slub", "slob"}) {
      if (std::string(flavour) == "linux-6.18" && std::string(slab) != "slub") continue;
      SCOPED_TRACE(std::string(flavour) + " " + slab);
      const Config c = load_config(
          {}, {"machine.cpus=" + std::to_string(shape.cpus),
               "machine.nodes=" + std::to_string(shape.nodes), "machine.memory.per_node=256MiB",
               std::string("kernel.flavour=") + flavour, std::string("kernel.slab=") + slab,
               "workload.generator.duration=100us", "run.sample_interval=none"});
      const RunOutcome o = execute(c);
      EXPECT_EQ(o.diagnostics, 0u);
      ASSERT_TRUE(o.generator);
      std::uint64_t ops = 0, failures = 0;
      for (const auto& t : o.generator->total) ops += t.ops, failures += t.failures;
      EXPECT_GT(ops, 0u);
      EXPECT_EQ(failures, 0u);
      // Every node has memory, so every node has its buddyinfo lines.
      const std::string buddyinfo = proc_file(o.results, "buddyinfo");
      for (unsigned n = 0; n < shape.nodes; ++n)
        EXPECT_GT(count(buddyinfo, "Node " + std::to_string(n) + ", zone"), 0u) << n;
    }
}

INSTANTIATE_TEST_SUITE_P(Shapes, UnevenNodes,
                         ::testing::Values(Shape{1, 2}, Shape{3, 2}, Shape{2, 4}),
                         [](const auto& info) {
                           return std::to_string(info.param.cpus) + "cpus_" +
                                  std::to_string(info.param.nodes) + "nodes";
                         });

}  // namespace
}  // namespace allocsim::io
