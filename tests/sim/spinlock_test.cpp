#include "sim/spinlock.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "sim/machine.hpp"
#include "test_machines.hpp"

namespace allocsim::sim {
namespace {

constexpr Cycles kHold = 1000;

struct Contention {
  std::vector<Cycles> granted, released;
  std::uint64_t wait_cycles, contended;
};

// n CPUs of one node all take one lock of class `cls` at time 0 and hold it
// kHold cycles (plus the class's extra acquire and release cycles).
Contention contend_on(const MachineConfig& c, const std::string& cls) {
  const std::uint32_t n = c.cpus;
  Machine m(c, 1);
  SpinLock lock = m.make_lock(testing::kNode0, cls);
  Contention out{std::vector<Cycles>(n), std::vector<Cycles>(n), 0, 0};
  for (CpuId i = 0; i < n; ++i)
    m.spawn(i, [&, i](Cpu& cpu) {
      cpu.lock(lock);
      out.granted[i] = cpu.now();
      cpu.spend(kHold);
      out.released[i] = cpu.now();
      cpu.unlock(lock);
    });
  m.run();
  const std::string stat = "lock." + cls + ".";
  out.wait_cycles = m.stats().total(stat + "wait_cycles");
  out.contended = m.stats().total(stat + "contended");
  Cycles extra = 0;
  if (const std::size_t i = lock_class_of_stat(cls); i < kLockClasses.size())
    extra = c.lock_classes[i].acquire_cycles + c.lock_classes[i].release_cycles;
  EXPECT_EQ(m.stats().total(stat + "acquisitions"), n);
  EXPECT_EQ(m.stats().total(stat + "hold_cycles"), n * (kHold + extra));
  return out;
}

Contention contend(std::uint32_t n, LockKind kind) {
  MachineConfig c = testing::one_node_config(n);
  c.lock_kind = kind;
  return contend_on(c, "test");
}

std::vector<Cycles> handoffs(const Contention& c) {
  std::vector<Cycles> h;
  for (std::size_t i = 1; i < c.granted.size(); ++i) h.push_back(c.granted[i] - c.released[i - 1]);
  return h;
}

// Latencies of the test machine: memory 100, LLC 40, L1 4, c2c within the LLC 50.
// Ticket: the release write fetches the line from the last ticket taker (c2c
// 50), or upgrades the releaser's shared copy (4 + 50); then every spinner
// re-reads: the first from the releaser (50), the rest from the LLC (40 each),
// the next holder last.
std::vector<Cycles> ticket_handoffs(std::uint32_t n) {
  std::vector<Cycles> h;
  for (std::uint32_t waiters = n - 1; waiters >= 1; --waiters)
    h.push_back((waiters == n - 1 ? 50 : 54) + 50 + 40 * (waiters - 1));
  return h;
}

// Queued: see QueuedHandoffIsConstant.
std::vector<Cycles> queued_handoffs(std::uint32_t n) {
  std::vector<Cycles> h{200};
  for (std::uint32_t i = 2; i < n; ++i) h.push_back(154);
  return h;
}

TEST(SpinLock, TicketHandoffGrowsWithWaiters) {
  for (std::uint32_t n : {2u, 4u, 8u}) {
    SCOPED_TRACE(n);
    const Contention c = contend(n, LockKind::ticket);
    EXPECT_EQ(c.granted[0], 100u);  // uncontended: the lock word comes from memory
    EXPECT_EQ(handoffs(c), ticket_handoffs(n));
    EXPECT_EQ(c.contended, n - 1);
  }
  EXPECT_EQ(contend(8, LockKind::ticket).granted[7], 8664u);
}

// Queued (MCS): the releaser writes the successor's queue node (c2c 50), the
// successor reads it (50) and takes the lock byte (50); the releaser's own
// release write is 50 the first time (the last tail swapper has the line) and an
// L1 hit (4) afterwards. Constant, whatever the number of waiters.
TEST(SpinLock, QueuedHandoffIsConstant) {
  for (std::uint32_t n : {2u, 4u, 8u}) {
    SCOPED_TRACE(n);
    EXPECT_EQ(handoffs(contend(n, LockKind::queued)), queued_handoffs(n));
  }
}

std::size_t class_index(std::string_view key) {
  for (std::size_t i = 0; i < kLockClasses.size(); ++i)
    if (kLockClasses[i].key == key) return i;
  ADD_FAILURE() << "no lock class " << key;
  return 0;
}

TEST(LockClasses, EveryStatNameBelongsToOneClass) {
  std::set<std::string_view> keys, stats;
  for (std::size_t i = 0; i < kLockClasses.size(); ++i) {
    EXPECT_TRUE(keys.insert(kLockClasses[i].key).second) << kLockClasses[i].key;
    for (std::string_view s : kLockClasses[i].stats) {
      if (s.empty()) continue;
      EXPECT_TRUE(stats.insert(s).second) << s;
      EXPECT_EQ(lock_class_of_stat(s), i);
    }
  }
  EXPECT_EQ(lock_class_of_stat("test"), kLockClasses.size());
}

// machine.lock_classes.zone.kind: ticket changes the zone locks only.
TEST(LockClasses, KindPerClass) {
  MachineConfig c = testing::one_node_config(4);
  c.lock_kind = LockKind::queued;
  c.lock_classes[class_index("zone")].kind = LockKind::ticket;
  EXPECT_EQ(Machine(c, 1).make_lock(testing::kNode0, "zone").kind(), LockKind::ticket);
  EXPECT_EQ(handoffs(contend_on(c, "zone")), ticket_handoffs(4));
  EXPECT_EQ(handoffs(contend_on(c, "kmem_cache_node.list_lock")), queued_handoffs(4));
  EXPECT_EQ(handoffs(contend_on(c, "test")), queued_handoffs(4));  // no class: machine.locks
  // And the other way round: a queued class on a ticket machine.
  c.lock_kind = LockKind::ticket;
  c.lock_classes[class_index("zone")].kind = LockKind::queued;
  EXPECT_EQ(handoffs(contend_on(c, "zone")), queued_handoffs(4));
  EXPECT_EQ(handoffs(contend_on(c, "vmap_area_lock")), ticket_handoffs(4));
}

// Extra acquire and release cycles are spent inside the critical section:
// every handoff (release to the next grant) grows by both.
TEST(LockClasses, ExtraCyclesLengthenEveryHandoff) {
  MachineConfig c = testing::one_node_config(4);
  LockClassConfig& list_lock = c.lock_classes[class_index("list_lock")];
  list_lock.acquire_cycles = 30;
  list_lock.release_cycles = 20;
  for (const char* cls : {"kmem_list3.list_lock", "kmem_cache_node.list_lock"}) {
    SCOPED_TRACE(cls);
    const Contention with = contend_on(c, cls);
    EXPECT_EQ(with.granted[0], 100u + 30u);
    std::vector<Cycles> expected = queued_handoffs(4);
    for (Cycles& h : expected) h += 30 + 20;
    EXPECT_EQ(handoffs(with), expected);
  }
  EXPECT_EQ(handoffs(contend_on(c, "zone")), queued_handoffs(4));  // other classes unchanged
}

TEST(SpinLock, TicketOvertakesQueuedAsWaitersGrow) {
  // Few waiters: the ticket lock is cheaper (no queue node to hand over)...
  EXPECT_LT(contend(2, LockKind::ticket).released.back(),
            contend(2, LockKind::queued).released.back());
  // ...many waiters: its O(waiters) handoff loses (the collapse MCS avoids).
  EXPECT_EQ(contend(8, LockKind::ticket).released.back(), 9664u);
  EXPECT_EQ(contend(8, LockKind::queued).released.back(), 9224u);
}

TEST(SpinLock, WaitersAreServedInRequestOrder) {
  Machine m(testing::one_node_config(4), 1);
  SpinLock lock = m.make_lock(testing::kNode0, "fifo");
  std::vector<CpuId> order;
  const Cycles start[4] = {0, 20, 30, 10};  // CPU 3 asks before CPU 1, CPU 1 before CPU 2
  for (CpuId i = 0; i < 4; ++i)
    m.spawn(i, [&, i](Cpu& cpu) {
      cpu.sleep_until(start[i]);
      cpu.lock(lock);
      order.push_back(i);
      cpu.spend(kHold);
      cpu.unlock(lock);
    });
  m.run();
  EXPECT_EQ(order, (std::vector<CpuId>{0, 3, 1, 2}));
}

// Regression: a waiter whose own ticket access misses to remote memory can
// finish asking after the handoff; its wait is then zero, never negative.
TEST(SpinLock, WaiterSlowerThanTheHandoffWaitsZero) {
  MachineConfig c = testing::two_node_config();
  c.lock_kind = LockKind::ticket;
  Machine m(c, 1);
  SpinLock lock = m.make_lock(testing::kNode1, "slow");
  const Cycles release = 5000;
  Cycles granted = 0, asked = 0;
  m.spawn(0, [&](Cpu& cpu) {
    cpu.lock(lock);
    // Same L2 and LLC set as the lock line (strides 1 KiB and 4 KiB): evict it to memory.
    for (int k = 1; k <= 8; ++k) cpu.read(testing::kNode1 + k * 4096);
    cpu.sleep_until(release);
    cpu.unlock(lock);
  });
  m.spawn(1, [&](Cpu& cpu) {
    cpu.sleep_until(release - 50);
    asked = cpu.now();
    cpu.lock(lock);
    granted = cpu.now();
    cpu.unlock(lock);
  });
  m.run();
  // B's ticket (rmw) goes to node 1's memory: 210 cycles, longer than the handoff.
  EXPECT_EQ(granted, asked + 210);
  EXPECT_EQ(m.stats().total("lock.slow.wait_cycles"), 0u);
  EXPECT_EQ(m.stats().total("lock.slow.contended"), 1u);
}

TEST(SpinLock, MisuseIsReported) {
  Machine m(testing::one_node_config(2), 1);
  SpinLock lock = m.make_lock(testing::kNode0, "misuse");
  EXPECT_THROW(m.cpu(1).unlock(lock), std::logic_error);
  m.cpu(0).lock(lock);  // outside the engine: fine while uncontended
  EXPECT_THROW(m.cpu(0).lock(lock), std::logic_error);
  EXPECT_THROW(m.cpu(1).lock(lock), std::logic_error);  // would have to wait outside the engine
  m.cpu(0).unlock(lock);
  EXPECT_EQ(lock.holder(), kNoCpu);
}

TEST(SpinLock, TimingOffKeepsTheProtocolAndCostsNothing) {
  MachineConfig c = testing::one_node_config(4);
  c.timing = false;
  Machine m(c, 1);
  SpinLock lock = m.make_lock(testing::kNode0, "functional");
  int inside = 0, max_inside = 0;
  for (CpuId i = 0; i < 4; ++i)
    m.spawn(i, [&](Cpu& cpu) {
      cpu.lock(lock);
      max_inside = std::max(max_inside, ++inside);
      cpu.spend(10);
      cpu.sync();
      --inside;
      cpu.unlock(lock);
    });
  m.run();
  EXPECT_EQ(max_inside, 1);
  EXPECT_EQ(m.stats().total("lock.functional.acquisitions"), 4u);
  EXPECT_EQ(m.now(), 40u);  // only the spent cycles
}

// spin_trylock: a busy lock is not waited for (reap_alien skips the alien
// cache); a free one is taken like lock()'s uncontended path.
TEST(SpinLock, TrylockTakesAFreeLockAndGivesUpOnAHeldOne) {
  MachineConfig c = testing::one_node_config(2);
  Machine m(c, 1);
  SpinLock lock = m.make_lock(testing::kNode0, "try");
  bool busy = true, free = false;
  Cycles gave_up_at = 0;
  m.spawn(0, [&](Cpu& cpu) {
    cpu.lock(lock);
    cpu.spend(kHold);
    cpu.unlock(lock);
  });
  m.spawn(1, [&](Cpu& cpu) {
    cpu.spend(kHold / 2);
    busy = cpu.trylock(lock);  // CPU 0 holds it
    gave_up_at = cpu.now();
    cpu.spend(kHold);
    free = cpu.trylock(lock);  // released by now
    cpu.unlock(lock);
  });
  m.run();
  EXPECT_FALSE(busy);
  EXPECT_TRUE(free);
  EXPECT_LT(gave_up_at, kHold);  // no wait for the holder
  EXPECT_EQ(m.stats().total("lock.try.acquisitions"), 2u);
  EXPECT_EQ(m.stats().total("lock.try.contended"), 0u);
  EXPECT_THROW(m.cpu(1).trylock(lock) && m.cpu(1).trylock(lock), std::logic_error);
}

}  // namespace
}  // namespace allocsim::sim
