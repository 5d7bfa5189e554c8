// The hot path allocates nothing: memory accesses, lock handoffs, fiber
// switches and event-queue traffic in steady state never call operator new.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "sim/machine.hpp"
#include "test_machines.hpp"

#include "../common/alloc_counter.hpp"  // replaces operator new: this file only

namespace allocsim::sim {
namespace {

struct Counting {
  Counting() {
    allocations = 0;
    counting = true;
  }
  ~Counting() { counting = false; }
  std::uint64_t count() const { return allocations.load(); }
};

TEST(HotPath, MemoryAccessesAllocateNothing) {
  Machine m(testing::two_node_config(), 1);
  MemorySystem& mem = *m.memory_system();
  Rng rng(1, 0);
  std::uint64_t n;
  {
    Counting c;
    for (int i = 0; i < 100000; ++i)
      mem.access(static_cast<CpuId>(rng.below(4)), PhysAddr(rng.below(2 << 20)), 8,
                 static_cast<AccessKind>(rng.below(3)), static_cast<Cycles>(i));
    n = c.count();
  }
  EXPECT_EQ(n, 0u);
}

TEST(HotPath, LocksSyncAndFiberSwitchesAllocateNothing) {
  Machine m(testing::one_node_config(4), 1);
  SpinLock lock = m.make_lock(testing::kNode0, "hot");
  std::uint64_t during = ~0ull;
  for (CpuId i = 0; i < 4; ++i)
    m.spawn(i, [&, i](Cpu& cpu) {
      cpu.spend(i);  // first run of every fiber (stack set-up) happens before counting
      cpu.sync();
      if (i == 0) {
        cpu.sleep_until(10);
        allocations = 0;
        counting = true;
      }
      for (int k = 0; k < 2000; ++k) {
        cpu.lock(lock);
        cpu.write(testing::kNode0 + 64, 8);
        cpu.unlock(lock);
        cpu.spend(1 + cpu.rng().below(20));
        cpu.sync();
      }
    });
  m.run();
  counting = false;
  during = allocations.load();
  EXPECT_EQ(during, 0u);
  EXPECT_GT(m.stats().total("lock.hot.contended"), 0u);
}

}  // namespace
}  // namespace allocsim::sim
