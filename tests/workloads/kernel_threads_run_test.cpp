// kswapd and the vmalloc drain work inside a generated workload and a replay:
// on which CPU they run, when, and that the same seed gives the same
// interleaving.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/config/load.hpp"
#include "model/kernel.hpp"
#include "sim/machine.hpp"
#include "workloads/generator/run.hpp"
#include "workloads/replay.hpp"
#include "workloads/trace/readers.hpp"

namespace allocsim::workloads::gen {
namespace {

struct Ran {
  std::vector<std::uint64_t> kswapd_cycles;  // per CPU
  model::VmEvents ev;
  std::uint64_t purges_deferred = 0, purges_sync = 0, fingerprint = 0;
  std::vector<sim::Cycles> clocks;
};

Ran run(const std::string& threads, std::vector<std::string> sets) {
  const io::Config c = io::load_config_text(
      "machine:\n  nodes: 1\n  cpus: 2\n  memory: {per_node: 64MiB}\n"
      "workload:\n  kind: generator\n  generator:\n    name: t\n    threads:\n" +
          threads,
      "w.yaml", sets);
  sim::Machine m(c.machine, c.run.seed);
  model::Kernel k(m, c.kernel);
  Ran r;
  r.fingerprint = run_generator(c.generator, k).fingerprint;
  for (sim::CpuId cpu = 0; cpu < m.cpus(); ++cpu) {
    r.kswapd_cycles.push_back(m.stats().value("kswapd.cycles", static_cast<int>(cpu)));
    r.clocks.push_back(m.cpu(cpu).now());
  }
  r.ev = k.pages().events();
  r.purges_deferred = m.stats().total("vmalloc.purges_deferred");
  r.purges_sync = m.stats().total("vmalloc.purges_sync");
  return r;
}

// CPU 0 fills the page cache; CPU 1 has nothing to do, so the scheduler puts
// the woken kswapd there (select_idle_sibling) and CPU 0 never runs it.
const char* kFill = R"y(      - name: reader
        cpus: "0"
        iterations: 4000
        ops:
          - page_cache: 8
)y";

TEST(KernelThreadsRun, KswapdRunsOnTheIdleCpuOfItsNode) {
  const Ran r = run(kFill, {});
  ASSERT_GT(r.ev.kswapd_runs, 0u);
  EXPECT_GT(r.ev.pgsteal_kswapd, 0u);
  EXPECT_EQ(r.kswapd_cycles[0], 0u);
  EXPECT_GT(r.kswapd_cycles[1], 0u);
  EXPECT_EQ(r.kswapd_cycles[1], r.ev.kswapd_cycles);
}

TEST(KernelThreadsRun, KswapdRunsOnTheWakingCpuWhenNoneIsIdle) {
  // CPU 1 is busy computing all along: kswapd stays on the waker, CPU 0.
  const Ran r = run(std::string(kFill) + R"y(      - name: busy
        cpus: "1"
        duration: 50ms
        ops:
          - compute: 1000
)y",
                    {});
  ASSERT_GT(r.ev.kswapd_runs, 0u);
  EXPECT_EQ(r.kswapd_cycles[1], 0u);
  EXPECT_EQ(r.kswapd_cycles[0], r.ev.kswapd_cycles);
}

TEST(KernelThreadsRun, SameSeedSameInterleaving) {
  const Ran a = run(kFill, {"run.seed=7"}), b = run(kFill, {"run.seed=7"});
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.kswapd_cycles, b.kswapd_cycles);
  EXPECT_EQ(a.clocks, b.clocks);
  EXPECT_EQ(a.ev.pgsteal_kswapd, b.ev.pgsteal_kswapd);
}

// 2 CPUs: lazy_max_pages() = fls(2) * 8192 = 16384. Each vmalloc of 4 MiB
// frees 1025 pages lazily (1024 + guard) and its 2-page pages[] array, which
// is itself vmalloc'ed (VM_VPAGES) and adds 3 more: 1028 per vfree. The 16th
// vfree brings vmap_lazy_nr to 16448 > 16384.
const char* kVfree = R"y(      - name: v
        cpus: "0"
        iterations: 16
        ops:
          - vmalloc: {size: 4MiB, into: areas}
          - vfree: {from: areas, count: all}
)y";

TEST(KernelThreadsRun, Linux6PurgesLazilyFreedVmapAreasFromDeferredWork) {
  const Ran r = run(kVfree, {});
  EXPECT_EQ(r.purges_deferred, 1u);
  EXPECT_EQ(r.purges_sync, 0u);
}

TEST(KernelThreadsRun, Linux26PurgesThemInsideVfree) {
  const Ran r = run(kVfree, {"kernel.flavour=linux-2.6"});
  EXPECT_EQ(r.purges_deferred, 0u);
  EXPECT_EQ(r.purges_sync, 1u);
}

// A replay whose CPU 0 asks for more order-4 blocks than 64 MiB hold: the
// slow path wakes kswapd, which goes to CPU 1, idle until its first event
// (it has none); the replayer wakes it for that work.
TEST(KernelThreadsRun, ReplayWakesAnIdleCpuForKswapd) {
  std::string text = "# allocsim-trace 1\n";
  for (int i = 0; i < 1100; ++i) {
    const std::string pfn = std::to_string(16 * (i + 1));
    text += "mm_page_alloc " + std::to_string(1000 * (i + 1)) + " 0 0 " + std::to_string(i + 2) +
            " x page=" + pfn + " pfn=" + pfn + " order=4 migratetype=0 gfp_flags=GFP_KERNEL\n";
  }
  text +=
      "kmalloc 2000000 0 0 2000 x call_site=0x10 ptr=0x1000 bytes_req=64 bytes_alloc=64 "
      "gfp_flags=GFP_KERNEL node=-1\n";
  const trace::Trace t = trace::parse_trace(text, trace::Format::native, "fill.trace");
  const io::Config c = io::load_config_text(
      "machine:\n  nodes: 1\n  cpus: 2\n  memory: {per_node: 64MiB}\n", "m.yaml", {});
  sim::Machine m(c.machine, c.run.seed);
  model::Kernel k(m, c.kernel);
  const ReplayResult r = replay(t, k);
  EXPECT_GT(r.failures, 0u);
  const model::VmEvents& ev = k.pages().events();
  ASSERT_GT(ev.kswapd_runs, 0u) << ev.kswapd_wakeups << " " << r.failures;
  EXPECT_EQ(m.stats().value("kswapd.cycles", 0), 0u);
  EXPECT_GT(m.stats().value("kswapd.cycles", 1), 0u);
  EXPECT_EQ(m.stats().value("kswapd.cycles", 1), ev.kswapd_cycles);
}

}  // namespace
}  // namespace allocsim::workloads::gen
