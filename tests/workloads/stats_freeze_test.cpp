// The statistics of a run are fixed once it begins: the generator registers
// its latency histograms and the workload's caches and mempools register their
// locks during setup, then freezes the registry; a trace replay freezes it
// before its first event. A lock class a lazy init makes mid-run (vmalloc's)
// is expected at setup.
#include <gtest/gtest.h>

#include <stdexcept>

#include "io/config/load.hpp"
#include "model/kernel.hpp"
#include "sim/machine.hpp"
#include "workloads/generator/generator_stats.hpp"
#include "workloads/replay.hpp"
#include "workloads/trace/readers.hpp"

namespace allocsim::workloads {
namespace {

constexpr sim::RegistryDecl kLate{{"test.late", "1", "a counter made too late", "the test"},
                                  sim::StatScope::global};

TEST(StatsFreeze, TheGeneratorFreezesAfterSetupWithEverythingRegistered) {
  // module-load uses vmalloc, whose lock is made on its first use, during the run.
  const io::Config c =
      io::load_config({std::string(ALLOCSIM_SOURCE_DIR) + "/workloads/module-load.yaml"},
                      {"machine.cpus=4", "workload.generator.duration=200us"});
  sim::Machine m(c.machine, c.run.seed);
  model::Kernel k(m, c.kernel);
  EXPECT_FALSE(m.stats().frozen());
  const gen::GeneratorResult r = gen::run_generator(c.generator, k);
  EXPECT_TRUE(m.stats().frozen());
  EXPECT_GT(r.total[static_cast<std::size_t>(gen::OpKind::vmalloc)].ops, 0u);
  bool vmap = false;
  for (const auto& e : m.lock_classes()) vmap |= e.name == "vmap_area_lock";
  EXPECT_TRUE(vmap) << "vmalloc's lock class appeared during the run";
  // One latency histogram per operation kind and CPU, all registered before the run.
  EXPECT_EQ(m.stats().latencies().size(), gen::kOpKinds * m.cpus());
  for (const auto& e : m.stats().latencies())
    EXPECT_TRUE(sim::matches(gen::kOpLatency.stat.name, e.name)) << e.name;
  EXPECT_THROW(m.stats().counter(kLate), std::logic_error);
  EXPECT_THROW(m.make_lock(sim::PhysAddr(0x1000), "a_new_class"), std::logic_error);
}

TEST(StatsFreeze, AReplayFreezesBeforeItsFirstEvent) {
  const io::Config c = io::load_config({}, {"machine.cpus=2"});
  sim::Machine m(c.machine, c.run.seed);
  model::Kernel k(m, c.kernel);
  const trace::Trace t = trace::read_trace_file(std::string(ALLOCSIM_SOURCE_DIR) +
                                                "/tests/data/traces/raw-6.x-pS.ftrace.txt");
  const ReplayResult r = replay(t, k);
  EXPECT_GT(r.events, 0u);
  EXPECT_TRUE(m.stats().frozen());
  EXPECT_THROW(m.stats().counter(kLate), std::logic_error);
}

}  // namespace
}  // namespace allocsim::workloads
