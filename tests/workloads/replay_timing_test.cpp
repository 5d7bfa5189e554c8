// The replay in time: open loop against back to back on a hand-made
// two-CPU trace, with every start time derived exactly from the traced
// timestamps and the latencies the model measured, and a free that waits on
// another CPU for the allocation it frees.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "model/kernel.hpp"
#include "workloads/replay.hpp"
#include "workloads/trace/readers.hpp"

namespace allocsim::workloads {
namespace {

// 1 GHz: one traced ns is one simulated cycle.
sim::MachineConfig two_cpus() {
  sim::MachineConfig c;
  c.name = "replay-timing";
  c.ghz = 1.0;
  c.nodes = 1;
  c.cpus = 2;
  c.timing = true;
  sim::assign_contiguous_memory(c, 256ull << 20);
  return c;
}

std::string kmalloc(std::uint64_t ts, int cpu, int line, const char* ptr) {
  return "kmalloc " + std::to_string(ts) + " " + std::to_string(cpu) + " 1 " +
         std::to_string(line) + " x call_site=0x10 ptr=" + ptr +
         " bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL node=-1\n";
}
std::string kfree(std::uint64_t ts, int cpu, int line, const char* ptr) {
  return "kfree " + std::to_string(ts) + " " + std::to_string(cpu) + " 1 " + std::to_string(line) +
         " x call_site=0x10 ptr=" + ptr + "\n";
}

struct Timed {
  ReplayResult r;
  const ReplayRow& at(std::uint32_t line) const {
    for (const ReplayRow& row : r.table)
      if (row.line == line) return row;
    throw std::runtime_error("no row for line " + std::to_string(line));
  }
  sim::Cycles end(std::uint32_t line) const { return at(line).start + at(line).latency; }
};

Timed replay_text(const std::string& text, ReplayTiming timing) {
  const trace::Trace t = trace::parse_trace(text, trace::Format::native, "timing.trace");
  sim::Machine m(two_cpus(), 1);
  model::Kernel k(m, model::KernelConfig{});
  ReplayOptions o;
  o.timing = timing;
  return {replay(t, k, o)};
}

// CPU 0: lines 1 and 2 10 ns apart (the first kmalloc, which refills the
// cold slab, takes longer), line 4 long after; CPU 1: line 3, 20 ns in.
const std::string kTwoCpus = kmalloc(1000, 0, 1, "0xa000") + kmalloc(1010, 0, 2, "0xa100") +
                             kmalloc(1020, 1, 3, "0xb000") + kmalloc(50000, 0, 4, "0xa200");

TEST(ReplayTiming, OpenLoopStartsEachEventAtItsTracedOffsetOrWhenItsCpuIsFree) {
  const Timed o = replay_text(kTwoCpus, ReplayTiming::open_loop);
  const sim::Cycles s = o.r.started;
  ASSERT_EQ(o.r.table.size(), 4u);
  ASSERT_GT(o.at(1).latency, 10u);  // the precondition of line 2 being late
  EXPECT_EQ(o.at(1).start, s);
  EXPECT_EQ(o.at(2).start, o.end(1));  // due at s + 10, its CPU still busy
  EXPECT_EQ(o.at(3).start, s + 20);    // the other CPU, idle: exactly on time
  EXPECT_EQ(o.at(4).start, s + 49'000);
  EXPECT_EQ(o.at(3).cpu, 1u);
  EXPECT_EQ(o.r.late_events, 1u);
  EXPECT_EQ(o.r.late_cycles, o.end(1) - (s + 10));
  EXPECT_EQ(o.r.elapsed, o.end(4));
  for (std::uint32_t line = 1; line <= 4; ++line) EXPECT_GT(o.at(line).latency, 0u) << line;
}

TEST(ReplayTiming, BackToBackRunsEachCpusEventsWithNoGaps) {
  const Timed b = replay_text(kTwoCpus, ReplayTiming::back_to_back);
  const sim::Cycles s = b.r.started;
  ASSERT_EQ(b.r.table.size(), 4u);
  EXPECT_EQ(b.at(1).start, s);
  EXPECT_EQ(b.at(2).start, b.end(1));
  EXPECT_EQ(b.at(4).start, b.end(2));  // not at its traced offset
  EXPECT_EQ(b.at(3).start, s);         // CPU 1's first event
  EXPECT_EQ(b.r.late_events, 0u);
  EXPECT_EQ(b.r.elapsed, std::max(b.end(3), b.end(4)));  // the later CPU
  // The same calls in the same state cost the same, whatever the timing.
  const Timed o = replay_text(kTwoCpus, ReplayTiming::open_loop);
  EXPECT_EQ(b.at(1).latency, o.at(1).latency);
}

TEST(ReplayTiming, AFreeWaitsForItsAllocationOnAnotherCpu) {
  // CPU 1 frees, 1 ns after, what CPU 0 allocates: the kmalloc takes longer.
  const std::string text = kmalloc(1000, 0, 1, "0xc000") + kfree(1001, 1, 2, "0xc000");
  for (ReplayTiming timing : {ReplayTiming::open_loop, ReplayTiming::back_to_back}) {
    const Timed run = replay_text(text, timing);
    const sim::Cycles s = run.r.started;
    const sim::Cycles due = timing == ReplayTiming::open_loop ? s + 1 : s;
    ASSERT_EQ(run.r.table.size(), 2u);
    ASSERT_GT(run.at(1).latency, 1u);
    EXPECT_EQ(run.at(2).kind, trace::EventKind::kfree);
    EXPECT_EQ(run.at(2).wait, run.end(1) - due);
    EXPECT_EQ(run.at(2).start, run.end(1));  // never before the allocation finished
    EXPECT_EQ(run.r.free_waits, 1u);
    EXPECT_EQ(run.r.free_wait_cycles, run.at(2).wait);
    EXPECT_EQ(run.r.frees, 1u);
  }
}

}  // namespace
}  // namespace allocsim::workloads
