// A workload's per-cache tunables reach the caches it creates: SLAB's limit,
// batchcount, shared and forced colouring, SLUB's cpu_partial and min_partial.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/config/load.hpp"
#include "model/kernel.hpp"
#include "model/slab.hpp"
#include "model/slub.hpp"
#include "ran_config.hpp"
#include "sim/machine.hpp"
#include "workloads/generator/run.hpp"

namespace allocsim::workloads {
namespace {

constexpr const char* kWorkload = R"(
machine: {cpus: 2, nodes: 1, memory: {per_node: 64MiB}}
run: {sample_interval: none}
workload:
  generator:
    name: w
    caches:
      - {name: bare, size: 64, limit: 0}
      - {name: tuned, size: 64, limit: 30, batchcount: 7, shared: 2, colouring: forced,
         cpu_partial: 13, min_partial: 2}
    threads:
      - name: t
        cpus: "0-1"
        iterations: 200
        ops:
          - kmem_cache_alloc: {cache: bare, lifetime: 1us}
          - kmem_cache_alloc: {cache: tuned, lifetime: 1us}
)";

using testing::Ran;

TEST(CacheTunablesRun, SlabCachesGetTheirArraysAndColouring) {
  Ran run(kWorkload, {"kernel.slab=slab"});
  model::Kernel& k = run.k;
  const auto& slab = static_cast<const model::Slab&>(k.slab());
  const model::KmemCache* bare = k.slab().find_cache("bare");
  const model::KmemCache* tuned = k.slab().find_cache("tuned");
  ASSERT_TRUE(bare && tuned);
  EXPECT_EQ(slab.cache(*bare).g.limit, 0u);
  EXPECT_EQ(bare->stats.alloc_fastpath, 0u);
  EXPECT_EQ(bare->stats.refills, bare->stats.allocs);
  const model::SlabGeometry& g = slab.cache(*tuned).g;
  EXPECT_EQ((std::vector<std::uint32_t>{g.limit, g.batchcount, g.shared}),
            (std::vector<std::uint32_t>{30, 7, 2}));
  EXPECT_EQ(g.num, 62u);  // forced: two of the 64 objects given up for two 64-byte colours
  EXPECT_EQ(g.colour, 2u);
  EXPECT_GT(tuned->stats.alloc_fastpath, 0u);
  k.slab().check_invariants();
}

TEST(CacheTunablesRun, SlubCachesGetTheirSysfsValues) {
  Ran run(kWorkload, {"kernel.slab_merge=false"});
  model::Kernel& k = run.k;
  const auto& slub = static_cast<const model::Slub&>(k.slab());
  const model::SlubGeometry& g = slub.cache(*k.slab().find_cache("tuned")).g;
  EXPECT_EQ(g.cpu_partial, 13u);
  EXPECT_EQ(g.cpu_partial_slabs, 1u);  // DIV_ROUND_UP(26, 64)
  EXPECT_EQ(g.min_partial, 2u);
  k.slab().check_invariants();
}

constexpr const char* kReap = R"(
machine: {cpus: 2, nodes: 1, memory: {per_node: 64MiB}}
run: {sample_interval: none}
workload:
  generator:
    name: reaper
    caches:
      - {name: c, size: 100, limit: 20, batchcount: 10, shared: 0}
    threads:
      - name: t
        cpus: "0"
        phases:
          - iterations: 1
            ops:
              - kmem_cache_alloc: {cache: c, into: objs}
              - kmem_cache_free: objs
          - iterations: 3
            ops:
              - cache_reap: {}
)";

TEST(CacheTunablesRun, TheCacheReapOpDrainsTheCpusArray) {
  Ran run(kReap, {"kernel.slab=slab"});
  model::Kernel& k = run.k;
  EXPECT_EQ(run.r.total[static_cast<std::size_t>(gen::OpKind::cache_reap)].ops, 3u);
  const auto& slab = static_cast<const model::Slab&>(k.slab());
  // 10 from the refill (one handed out and freed back); the first reap only
  // clears `touched`, then 4 and 4 go back: (limit + 4) / 5.
  EXPECT_EQ(slab.cache(*k.slab().find_cache("c")).array[0].avail, 2u);
  k.slab().check_invariants();
  try {
    io::load_config_text(kReap, "w.yaml", {"kernel.slab=slub"});
    ADD_FAILURE() << "cache_reap accepted under SLUB";
  } catch (const io::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "w.yaml:19:17: workload.generator.threads[0].phases[1].ops[0].cache_reap: only "
              "SLAB and the magazine design have cache_reap (kernel.slab: slab)");
  }
}

}  // namespace
}  // namespace allocsim::workloads
