// Cpu::access_range (one access per line spanned) and the access recorder
// test seam: what is recorded, that it changes nothing, and that it sees the
// same sequence with timing on and off.
#include <gtest/gtest.h>

#include <stdexcept>

#include "sim/access_recorder.hpp"
#include "sim/engine.hpp"
#include "sim/machine.hpp"
#include "test_machines.hpp"

#include "../common/line_access_print.hpp"

namespace allocsim::sim {
namespace {

using testing::kNode0;

constexpr AccessKind R = AccessKind::read, W = AccessKind::write, X = AccessKind::rmw;

TEST(CpuAccessRange, ChargesOneAccessPerLineInAddressOrder) {
  Machine m(testing::one_node_config(1), 1);
  AccessRecorder rec(64);
  Cpu& cpu = m.cpu(0);
  cpu.set_recorder(&rec);
  // 4 bytes before a line boundary, two whole lines, 6 bytes into the next.
  cpu.access_range(kNode0 + 60, 4 + 128 + 6, W);
  EXPECT_EQ(
      rec.accesses(),
      (std::vector<LineAccess>{
          {kNode0, W, 4}, {kNode0 + 64, W, 64}, {kNode0 + 128, W, 64}, {kNode0 + 192, W, 6}}));
  rec.clear();
  EXPECT_EQ(cpu.access_range(kNode0, 0, R), 0u);  // nothing to touch
  EXPECT_TRUE(rec.accesses().empty());
}

TEST(CpuAccessRange, CostsWhatItsLineAccessesCostOneByOne) {
  Machine a(testing::one_node_config(1), 1), b(testing::one_node_config(1), 1);
  // Cold lines, then warm: the same misses and hits, histogram entries and clock.
  for (int pass = 0; pass < 2; ++pass) {
    const Cycles cost = a.cpu(0).access_range(kNode0 + 32, 256, X);
    Cycles sum = b.cpu(0).rmw(kNode0 + 32, 32);
    for (PhysAddr l = kNode0 + 64; l < kNode0 + 288; l += 64)
      sum += b.cpu(0).rmw(
          l, static_cast<std::uint32_t>(std::min<std::uint64_t>(64, kNode0 + 288 - l)));
    EXPECT_EQ(cost, sum);
    EXPECT_EQ(a.cpu(0).now(), b.cpu(0).now());
  }
  EXPECT_EQ(a.stats().total("l1d.misses"), 5u);
  EXPECT_EQ(a.stats().total("l1d.misses"), b.stats().total("l1d.misses"));
  EXPECT_EQ(a.stats().total("l1d.hits"), b.stats().total("l1d.hits"));
}

TEST(AccessRecorder, RecordsEveryAccessWithoutChangingItsCost) {
  Machine plain(testing::one_node_config(2), 1), seen(testing::one_node_config(2), 1);
  AccessRecorder rec(64);
  seen.cpu(1).set_recorder(&rec);
  SpinLock lock_a = plain.make_lock(kNode0 + 4096, "t"),
           lock_b = seen.make_lock(kNode0 + 4096, "t");
  auto work = [](Cpu& cpu, SpinLock& lock) {
    cpu.read(kNode0 + 8);
    cpu.lock(lock);              // rmw of the lock word
    cpu.write(kNode0 + 56, 16);  // spans two lines
    cpu.unlock(lock);            // write of the lock word
  };
  work(plain.cpu(1), lock_a);
  work(seen.cpu(1), lock_b);
  EXPECT_EQ(plain.cpu(1).now(), seen.cpu(1).now());
  EXPECT_EQ(rec.accesses(), (std::vector<LineAccess>{{kNode0, R, 8},
                                                     {kNode0 + 4096, X, 8},
                                                     {kNode0, W, 8},
                                                     {kNode0 + 64, W, 8},
                                                     {kNode0 + 4096, W, 8}}));
  // Only the CPU it is attached to, and nothing once detached.
  seen.cpu(0).read(kNode0);
  seen.cpu(1).set_recorder(nullptr);
  seen.cpu(1).read(kNode0);
  EXPECT_EQ(rec.accesses().size(), 5u);
}

TEST(AccessRecorder, SeesTheSameSequenceWithTimingOff) {
  MachineConfig off = testing::one_node_config(1);
  off.timing = false;
  Machine on_m(testing::one_node_config(1), 1), off_m(off, 1);
  AccessRecorder on_rec(64), off_rec(64);
  on_m.cpu(0).set_recorder(&on_rec);
  off_m.cpu(0).set_recorder(&off_rec);
  for (Machine* m : {&on_m, &off_m}) {
    m->cpu(0).access_range(kNode0 + 100, 300, R);
    m->cpu(0).rmw(kNode0 + 8, 16);
  }
  EXPECT_EQ(off_m.cpu(0).now(), 0u);  // free with timing off, but recorded
  EXPECT_EQ(on_rec.accesses().size(), 7u);
  EXPECT_EQ(on_rec.accesses(), off_rec.accesses());
}

TEST(CpuAccessRange, RejectsALineSizeThatIsNotAPowerOfTwo) {
  Engine engine;
  EXPECT_THROW(Cpu(0, 0, 1, engine, nullptr, 48), std::invalid_argument);
  EXPECT_THROW(Cpu(0, 0, 1, engine, nullptr, 0), std::invalid_argument);
}

}  // namespace
}  // namespace allocsim::sim
