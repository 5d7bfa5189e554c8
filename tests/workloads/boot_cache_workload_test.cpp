// A generated workload uses linux-6.18's boot caches (maple_node,
// vm_area_struct) by name without declaring them: its objects come from the
// kernel's cache and its sheaves. A declared cache of the same name wins;
// other flavours have no such cache and say so at load.
#include <gtest/gtest.h>

#include <string>

#include "io/config/load.hpp"
#include "model/kernel.hpp"
#include "sim/machine.hpp"
#include "workloads/generator/run.hpp"

namespace allocsim::workloads::gen {
namespace {

constexpr auto kCache = static_cast<std::size_t>(OpKind::kmem_cache_alloc);

const std::string kBody = R"y(    name: t
    threads:
      - name: w
        cpus: "0"
        iterations: 2
        ops:
          - kmem_cache_alloc: {cache: maple_node, count: 40, into: nodes}
          - kmem_cache_free: {from: nodes, count: all}
)y";

io::Config config(const std::string& generator, const std::string& flavour) {
  return io::load_config_text("workload:\n  kind: generator\n  generator:\n" + generator, "w.yaml",
                              {"machine.cpus=2", "kernel.flavour=" + flavour});
}

TEST(BootCacheWorkload, AnUndeclaredBootCacheIsTheKernelsOwn) {
  const io::Config c = config(kBody, "linux-6.18");
  ASSERT_EQ(c.generator.caches.size(), 1u);
  EXPECT_TRUE(c.generator.caches[0].boot);
  EXPECT_EQ(c.generator.caches[0].size, 256u);
  sim::Machine machine(c.machine, c.run.seed);
  model::Kernel kernel(machine, c.kernel);
  model::KmemCache* maple = kernel.slab().find_cache("maple_node");
  ASSERT_NE(maple, nullptr);
  const GeneratorResult g = run_generator(c.generator, kernel);
  EXPECT_EQ(g.total[kCache].ops, 80u);
  EXPECT_EQ(g.diagnostics, 0u);
  EXPECT_EQ(maple->stats.allocs, 80u);
  EXPECT_EQ(maple->in_use, 0u);
  // Served by CPU 0's sheaves: 2 x 40 allocations, all from a sheaf.
  EXPECT_EQ(kernel.slab().sheaf_stats(*maple)->alloc_cpu_sheaf, 80u);
  EXPECT_EQ(kernel.slab().sheaf_stats(*maple)->free_cpu_sheaf, 80u);
  kernel.slab().check_invariants();
}

TEST(BootCacheWorkload, ADeclaredCacheOfTheSameNameWins) {
  const io::Config c = config(R"y(    caches:
      - {name: maple_node, size: 200}
)y" + kBody,
                              "linux-6.18");
  ASSERT_EQ(c.generator.caches.size(), 1u);
  EXPECT_FALSE(c.generator.caches[0].boot);
  EXPECT_EQ(c.generator.caches[0].size, 200u);
}

TEST(BootCacheWorkload, OtherFlavoursHaveNoSuchCache) {
  try {
    config(kBody, "linux-6");
    FAIL() << "maple_node resolved under linux-6";
  } catch (const io::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no cache named 'maple_node'"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace allocsim::workloads::gen
