// StatsRegistry's declarations: a name nobody declared is an error (never a
// silent 0), a declared statistic without instances reads 0, registration
// follows the declaration's scope, and nothing new appears after the freeze.
#include <gtest/gtest.h>

#include <stdexcept>

#include "sim/machine.hpp"
#include "sim/stats.hpp"
#include "test_machines.hpp"

namespace allocsim::sim {
namespace {

constexpr RegistryDecl kPerCpu{{"test.hits", "1", "hits", "the test"}, StatScope::cpu};
constexpr RegistryDecl kFamily{{"test.<queue>.waits", "1", "waits", "the test"}, StatScope::global};
constexpr RegistryDecl kHist{
    {"test.latency", "cycles", "latency", "the test"}, StatScope::global, StatKind::histogram};

TEST(StatNames, FamiliesExpandAndMatchTheirInstances) {
  EXPECT_EQ(instance_name("lock.<class>.wait_cycles", "zone"), "lock.zone.wait_cycles");
  EXPECT_EQ(instance_name("l1d.hits", "ignored"), "l1d.hits");
  std::string_view value;
  EXPECT_TRUE(matches("lock.<class>.wait_cycles", "lock.kmem_list3.list_lock.wait_cycles", &value));
  EXPECT_EQ(value, "kmem_list3.list_lock");
  EXPECT_FALSE(matches("lock.<class>.wait_cycles", "lock..wait_cycles"));  // no value
  EXPECT_FALSE(matches("lock.<class>.wait_cycles", "lock.zone.hold_cycles"));
  EXPECT_TRUE(matches("l1d.hits", "l1d.hits"));
  EXPECT_FALSE(matches("l1d.hits", "l1d.hitz"));
}

TEST(StatsRegistry, UndeclaredNamesThrowDeclaredOnesWithoutInstancesReadZero) {
  StatsRegistry r;
  EXPECT_THROW(r.total("test.hits"), std::out_of_range);
  r.declare(kPerCpu);
  EXPECT_EQ(r.total("test.hits"), 0u);  // declared, no CPU registered it
  EXPECT_EQ(r.value("test.hits", 3), 0u);
  r.counter(kPerCpu, 0).add(2);
  r.counter(kPerCpu, 1).add(5);
  EXPECT_EQ(r.total("test.hits"), 7u);
  EXPECT_EQ(r.value("test.hits", 1), 5u);
  EXPECT_EQ(r.value("test.hits", 2), 0u);  // a CPU without an instance
  try {
    r.total("test.hitz");
    ADD_FAILURE() << "an undeclared name read as a number";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("test.hitz"), std::string::npos) << e.what();
  }
  EXPECT_THROW(r.value("test.hitz", 0), std::out_of_range);
  // A family's members are declared with it; other names are not.
  r.declare(kFamily);
  EXPECT_EQ(r.total("test.rx.waits"), 0u);
  EXPECT_THROW(r.total("test.rx.wait"), std::out_of_range);
  // A histogram's name is no counter.
  r.declare(kHist);
  EXPECT_THROW(r.total("test.latency"), std::out_of_range);
}

// instances(): what value() reads for every scope, found once (the sampler's
// per-CPU columns), with a scope that has no instance pointing at `absent`.
struct TwoCounters {
  Counter *hits, *misses;
};
constexpr std::array<CounterField<TwoCounters>, 2> kTwo{{
    {{{"test.hits", "1", "hits", "the test"}, StatScope::cpu}, &TwoCounters::hits},
    {{{"test.misses", "1", "misses", "the test"}, StatScope::cpu}, &TwoCounters::misses},
}};

TEST(StatsRegistry, InstancesAreEachScopesCountersFoundOnce) {
  StatsRegistry r;
  r.declare(kTwo);
  TwoCounters cpu0{}, cpu2{};
  r.register_counters(cpu0, kTwo, 0);
  r.register_counters(cpu2, kTwo, 2);
  r.counter(kPerCpu, 5);  // same name as hits: beyond the scopes asked for
  cpu0.hits->add(3);
  cpu2.misses->add(7);
  Counter absent;
  const std::vector<TwoCounters> in = r.instances(kTwo, 3, absent);
  ASSERT_EQ(in.size(), 3u);
  EXPECT_EQ(in[0].hits, cpu0.hits);
  EXPECT_EQ(in[0].misses, cpu0.misses);
  EXPECT_EQ(in[1].hits, &absent);  // CPU 1 registered none
  EXPECT_EQ(in[1].misses, &absent);
  EXPECT_EQ(in[2].hits, cpu2.hits);
  EXPECT_EQ(in[2].misses, cpu2.misses);
  for (int s = 0; s < 3; ++s) {
    EXPECT_EQ(in[s].hits->value, r.value("test.hits", s)) << s;
    EXPECT_EQ(in[s].misses->value, r.value("test.misses", s)) << s;
  }
}

TEST(StatsRegistry, RegistrationFollowsTheDeclaredScope) {
  StatsRegistry r;
  EXPECT_THROW(r.counter(kPerCpu, StatsRegistry::kGlobal), std::logic_error);
  EXPECT_THROW(r.counter(kFamily, 0, "rx"), std::logic_error);
  Counter& rx = r.counter(kFamily, StatsRegistry::kGlobal, "rx");
  EXPECT_EQ(r.counters().back().name, "test.rx.waits");
  rx.add();
  EXPECT_EQ(r.total("test.rx.waits"), 1u);
  EXPECT_THROW(r.counter(kFamily, StatsRegistry::kGlobal, "rx"), std::logic_error);  // twice
}

TEST(StatsRegistry, FreezeRejectsRegistrationsNotExpectedAtSetup) {
  StatsRegistry r;
  r.counter(kPerCpu, 0);
  r.expect(kFamily, "late");
  EXPECT_EQ(r.total("test.late.waits"), 0u);
  r.freeze();
  EXPECT_TRUE(r.frozen());
  EXPECT_THROW(r.counter(kPerCpu, 1), std::logic_error);
  EXPECT_THROW(r.counter(kFamily, StatsRegistry::kGlobal, "other"), std::logic_error);
  EXPECT_THROW(r.histogram(kHist), std::logic_error);
  EXPECT_THROW(
      r.latency({{"test.op", "cycles", "op", "the test"}, StatScope::cpu, StatKind::latency}, 0),
      std::logic_error);
  EXPECT_THROW(r.expect(kFamily, "later"), std::logic_error);
  // What setup expected may still appear, once.
  r.counter(kFamily, StatsRegistry::kGlobal, "late").add(4);
  EXPECT_EQ(r.total("test.late.waits"), 4u);
  EXPECT_THROW(r.counter(kFamily, StatsRegistry::kGlobal, "late"), std::logic_error);
  EXPECT_EQ(r.counters().size(), 2u);
}

TEST(StatsRegistry, MachineDeclaresTheHardwareCountersEvenWithTimingOff) {
  MachineConfig c = testing::two_node_config();
  c.timing = false;
  Machine m(c, 1);
  EXPECT_EQ(m.memory_system(), nullptr);
  EXPECT_TRUE(m.stats().counters().empty());
  for (const auto& f : kCacheCounters) EXPECT_EQ(m.stats().total(f.decl.stat.name), 0u);
  for (const auto& f : kMemoryCounters) EXPECT_EQ(m.stats().value(f.decl.stat.name, 1), 0u);
  EXPECT_EQ(m.stats().total("memory.channel0.accesses"), 0u);
  EXPECT_EQ(m.stats().total("lock.zone.wait_cycles"), 0u);  // a class nobody made yet
  EXPECT_THROW(m.stats().total("l1d.hit"), std::out_of_range);
  EXPECT_THROW(m.stats().total("lock.zone.waits"), std::out_of_range);
}

TEST(StatsRegistry, MachineLockClassesAfterTheFreeze) {
  Machine m(testing::two_node_config(), 1);
  const LockStats zone = m.lock_class("zone");
  m.expect_lock_class("lazy");
  m.stats().freeze();
  // An existing class registers nothing; an expected one may appear; any other may not.
  EXPECT_EQ(m.lock_class("zone").acquisitions, zone.acquisitions);
  const SpinLock lazy = m.make_lock(testing::kNode0, "lazy");
  EXPECT_EQ(m.lock_classes().back().name, "lazy");
  EXPECT_THROW(m.make_lock(testing::kNode0 + 64, "unexpected"), std::logic_error);
  EXPECT_EQ(lazy.waiting(), 0u);
}

TEST(StatsRegistry, CacheCountersAreRegisteredPerCpuInDeclarationOrder) {
  const MachineConfig c = testing::two_node_config();
  Machine m(c, 1);
  // Memory (per node, then its channels) first, then each CPU's cache counters.
  std::size_t i = 0;
  const auto& counters = m.stats().counters();
  for (NodeId n = 0; n < c.nodes; ++n) {
    for (const auto& f : kMemoryCounters) {
      EXPECT_EQ(counters[i].name, f.decl.stat.name);
      EXPECT_EQ(counters[i++].scope, static_cast<int>(n));
    }
    for (std::uint32_t ch = 0; ch < c.memory.channels; ++ch)
      EXPECT_EQ(counters[i++].name, "memory.channel" + std::to_string(ch) + ".accesses");
  }
  for (CpuId cpu = 0; cpu < c.cpus; ++cpu)
    for (const auto& f : kCacheCounters) {
      EXPECT_EQ(counters[i].name, f.decl.stat.name);
      EXPECT_EQ(counters[i++].scope, static_cast<int>(cpu));
    }
  EXPECT_EQ(i, counters.size());
}

}  // namespace
}  // namespace allocsim::sim
