#include "workloads/hw_exercise.hpp"

#include <gtest/gtest.h>

#include "io/config/load.hpp"

namespace allocsim::workloads {
namespace {

sim::MachineConfig default_machine() {
  return io::load_config({}).machine;
}

TEST(HwExercise, FalseSharingMovesEveryAccessPaddedNone) {
  const auto m = default_machine();
  const ExerciseResult shared = run_exercise(m, 1, ExercisePattern::false_sharing, 1000, 1 << 20);
  const ExerciseResult padded = run_exercise(m, 1, ExercisePattern::padded, 1000, 1 << 20);
  EXPECT_EQ(shared.ops, 8000u);
  // All 8 counters share one line: after the first fill, each access takes it from another CPU.
  EXPECT_GT(shared.c2c_transfers, 7000u);
  EXPECT_EQ(shared.false_sharing, shared.c2c_transfers);
  EXPECT_EQ(padded.c2c_transfers, 0u);
  EXPECT_EQ(padded.l1d_misses, 8u);  // one cold miss per CPU
  EXPECT_GT(shared.cycles_per_op, 20 * padded.cycles_per_op);
}

TEST(HwExercise, RandomReadsSpreadOverTheNodes) {
  const ExerciseResult r =
      run_exercise(default_machine(), 1, ExercisePattern::random_read, 2000, 8 << 20);
  const double remote =
      static_cast<double>(r.remote_memory) / static_cast<double>(r.local_memory + r.remote_memory);
  EXPECT_NEAR(remote, 0.5, 0.05);
  EXPECT_EQ(r.c2c_transfers, 0u);  // reads only
}

TEST(HwExercise, SameSeedIdenticalDifferentSeedDiffers) {
  const auto m = default_machine();
  const auto a = run_exercise(m, 7, ExercisePattern::random_read, 3000, 4 << 20);
  const auto b = run_exercise(m, 7, ExercisePattern::random_read, 3000, 4 << 20);
  const auto c = run_exercise(m, 8, ExercisePattern::random_read, 3000, 4 << 20);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.elapsed, b.elapsed);
  EXPECT_NE(a.fingerprint, c.fingerprint);
}

TEST(HwExercise, TimingOffCostsOnlyTheLoop) {
  auto m = default_machine();
  m.timing = false;
  const auto r = run_exercise(m, 1, ExercisePattern::false_sharing, 500, 1 << 20);
  EXPECT_DOUBLE_EQ(r.cycles_per_op, 1.0);
  EXPECT_EQ(r.c2c_transfers, 0u);
}

}  // namespace
}  // namespace allocsim::workloads

namespace allocsim::workloads {
namespace {

TEST(HwExercise, PageChurnShowsWhatPcpListsSave) {
  const auto m = io::load_config({}).machine;
  model::KernelConfig with, without;
  without.pcp = false;
  const ExerciseResult a = run_exercise(m, 1, ExercisePattern::page_churn, 400, 0, with);
  const ExerciseResult b = run_exercise(m, 1, ExercisePattern::page_churn, 400, 0, without);
  EXPECT_EQ(a.ops, 3200u);
  // Without pcp every allocation and free takes the node's zone lock.
  EXPECT_GT(b.lock_wait, 10 * a.lock_wait);
  EXPECT_GT(b.cycles_per_op, 5 * a.cycles_per_op);
  EXPECT_EQ(a.remote_memory, 0u);  // node-local zones serve their CPUs
  // Deterministic.
  EXPECT_EQ(run_exercise(m, 1, ExercisePattern::page_churn, 400, 0, with).fingerprint,
            a.fingerprint);
}

TEST(HwExercise, SlabColourShowsWhatColouringSaves) {
  const auto m = io::load_config({}).machine;  // L1D 32 KiB, 8 ways: 64 sets span a page
  auto run = [&](std::string_view kind, bool colouring) {
    model::KernelConfig k;
    k.slab.design = kind;
    k.slab.colouring = colouring;
    return run_exercise(m, 1, ExercisePattern::slab_colour, 4000, 0, k);
  };
  const ExerciseResult on = run("slab", true);
  const ExerciseResult off = run("slab", false);
  // 6.5 SLAB gives the 384-byte cache 4 colours: 32 first objects over 4 sets
  // fit 8 ways; without colouring they all fall in one set and miss.
  EXPECT_LT(on.l1d_misses * 5, off.l1d_misses);
  EXPECT_GT(off.cycles_per_op, 1.5 * on.cycles_per_op);
  // SLUB has no colouring: the switch changes nothing.
  EXPECT_EQ(run("slub", true).fingerprint, run("slub", false).fingerprint);
}

TEST(HwExercise, KmallocChurnShowsSlobsGlobalLock) {
  const auto m = io::load_config({}).machine;
  model::KernelConfig slab, slub, slob;
  slab.slab.design = "slab";
  slub.slab.design = "slub";
  slob.slab.design = "slob";
  const ExerciseResult a = run_exercise(m, 1, ExercisePattern::kmalloc_churn, 400, 0, slab);
  const ExerciseResult b = run_exercise(m, 1, ExercisePattern::kmalloc_churn, 400, 0, slub);
  const ExerciseResult c = run_exercise(m, 1, ExercisePattern::kmalloc_churn, 400, 0, slob);
  EXPECT_EQ(a.ops, 3200u);
  // SLAB and SLUB serve most requests from per-CPU state; SLOB's one
  // slob_lock and first-fit page walk serialise all eight CPUs.
  EXPECT_GT(c.lock_wait, 10 * (a.lock_wait + b.lock_wait));
  EXPECT_GT(c.cycles_per_op, 5 * std::max(a.cycles_per_op, b.cycles_per_op));
  EXPECT_EQ(run_exercise(m, 1, ExercisePattern::kmalloc_churn, 400, 0, slub).fingerprint,
            b.fingerprint);
}

}  // namespace
}  // namespace allocsim::workloads
