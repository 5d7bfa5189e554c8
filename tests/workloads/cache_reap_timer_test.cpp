// SLAB's cache_reap runs as each CPU's delayed work while a generator
// workload runs: 2.6.32's (INIT_DELAYED_WORK) wakes an idle CPU, 6.5's
// (INIT_DEFERRABLE_WORK) waits for the CPU's next activity; and the runs are
// the same whatever the host does.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/config/load.hpp"
#include "model/kernel.hpp"
#include "model/slab.hpp"
#include "ran_config.hpp"
#include "sim/machine.hpp"
#include "workloads/generator/run.hpp"

namespace allocsim::workloads {
namespace {

// CPU 0 allocates a short-lived object every 10 ms for 5 s; CPU 1 has no
// thread (its executor idles).
constexpr const char* kWorkload = R"(
machine: {cpus: 2, nodes: 1, frequency: 1GHz, memory: {per_node: 64MiB}}
run: {sample_interval: none}
kernel: {slab: slab, hz: 250}
workload:
  generator:
    name: reap-timer
    threads:
      - name: t
        cpus: "0"
        duration: 5s
        ops:
          - kmalloc: {size: 64, lifetime: 1us}
          - sleep: 10ms
)";

struct Ran : testing::Ran {
  explicit Ran(const std::vector<std::string>& sets) : testing::Ran(kWorkload, sets) {}
  const model::Slab& slab() const { return static_cast<const model::Slab&>(k.slab()); }
};

constexpr sim::Cycles kJiffy = 4'000'000;  // 1 GHz, HZ=250

TEST(CacheReapTimer, Linux26WakesTheIdleCpuLinux6WaitsForActivity) {
  // 5 s is 1250 jiffies. 2.6.32: CPU 0 runs at jiffies 204, 704, 1204 and
  // CPU 1, idle, is woken for 201, 701, 1201 (REAPTIMEOUT_CPUC = 500 from a
  // whole second, less CPU 1's skew of 3); both then wait for 1704 and 1701.
  Ran old({"kernel.flavour=linux-2.6"});
  EXPECT_EQ(old.k.slab().reap_events().runs, 6u);
  EXPECT_EQ(old.slab().reap_work(0).due(), 1704 * kJiffy);
  EXPECT_EQ(old.slab().reap_work(1).due(), 1701 * kJiffy);
  // 6.5: CPU 0 runs at its first op boundary (every 10 ms) after 208, 712
  // and 1208 (the wheel's 8-jiffy buckets). CPU 1's deferrable work waits for
  // an activity, which comes only when the run ends and the driver wakes
  // every executor to finish: it runs once then, at 5 s (1250 jiffies), and
  // re-arms: 1250 + 500 (+ the skew of 3) is 49 jiffies past a whole second,
  // so it rounds down to 1701, and the wheel's 8-jiffy bucket ends at 1704.
  Ran now({"kernel.flavour=linux-6"});
  EXPECT_EQ(now.k.slab().reap_events().runs, 4u);
  EXPECT_EQ(now.slab().reap_work(0).due(), 1712 * kJiffy);
  EXPECT_EQ(now.slab().reap_work(1).due(), 1704 * kJiffy);
}

}  // namespace
}  // namespace allocsim::workloads
