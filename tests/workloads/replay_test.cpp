// Trace replay against the model: the real 3.6 i386 boot traces driven
// through the matching allocator reproduce the kernel's bytes_alloc and the
// live-object count; frees of pointers allocated before the trace are counted.
#include <gtest/gtest.h>

#include <filesystem>

#include "model/kernel.hpp"
#include "trace_test_data.hpp"
#include "workloads/hw_exercise.hpp"
#include "workloads/replay.hpp"
#include "workloads/trace/native_format.hpp"
#include "workloads/trace/readers.hpp"
#include "workloads/trace_recorder.hpp"

namespace allocsim::workloads {
namespace {

std::filesystem::path shared_trace(const char* name) {
  return std::filesystem::path(ALLOCSIM_SHARED_DIR) / "traces" / name;
}

sim::MachineConfig i386_machine() {
  sim::MachineConfig c;
  c.name = "i386-replay";
  c.arch = sim::Arch::i386;
  c.ghz = 1.0;
  c.nodes = 1;
  c.cpus = 1;
  c.l1d = {32768, 8, 4, sim::Replacement::lru};
  c.l2 = {262144, 8, 12, sim::Replacement::lru};
  c.llc = {{1 << 20, 16, 40, sim::Replacement::lru}, 0};
  c.memory.latency = 100;
  c.coherence = {50, 70, 120};
  c.timing = false;
  sim::assign_contiguous_memory(c, 1ull << 30);
  return c;
}

struct Replayed {
  sim::Machine machine;
  model::Kernel kernel;
  ReplayResult result;
  Replayed(const trace::Trace& t, model::Flavour f, std::string_view kind)
      : machine(i386_machine(), 1), kernel(machine, config(f, kind)), result(replay(t, kernel)) {}
  static model::KernelConfig config(model::Flavour f, std::string_view kind) {
    model::KernelConfig k;
    k.flavour = f;
    k.slab.design = kind;
    return k;
  }
};

std::uint64_t mismatches(const ReplayResult& r, bool kmalloc_only) {
  std::uint64_t n = 0;
  for (const ReplayRow& row : r.table) {
    const bool km =
        row.kind == trace::EventKind::kmalloc || row.kind == trace::EventKind::kmalloc_node;
    if ((!kmalloc_only || km) && row.simulated_bytes_alloc != row.traced_bytes_alloc) ++n;
  }
  return n;
}

TEST(Replay, SlobBootTraceReproducesEveryBytesAllocAndTheLiveObjects) {
  const auto path = shared_trace("kmem-boot-i386-3.6-SLOB.ftrace.txt");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no shared traces";
  const trace::Trace t = trace::read_trace_file(path);
  // linux-6's SLOB (6.1-6.3) has 3.6's 8-byte kmalloc header on i386; 2.6.32 had 4.
  Replayed r(t, model::Flavour::linux_6, "slob");
  EXPECT_EQ(r.result.bytes_alloc_compared, 2100u + 5543u);
  EXPECT_EQ(r.result.bytes_alloc_mismatches, 0u);  // all 7643, as the reference's §4b.7 check
  EXPECT_EQ(r.result.failures, 0u);
  EXPECT_EQ(r.result.simulated_live, r.result.traced_live);
  EXPECT_GT(r.result.traced_live, 0u);
  EXPECT_EQ(r.kernel.diagnostics().errors(), 0u);
  r.kernel.slab().check_invariants();
  // Under 2.6.32's rules (4-byte header on i386) every heap kmalloc differs by 4.
  Replayed old(t, model::Flavour::linux_2_6, "slob");
  EXPECT_EQ(mismatches(old.result, true), 2089u);
}

TEST(Replay, SlubBootTraceKmallocClassesMatch) {
  const auto path = shared_trace("kmem-boot-i386-3.6-SLUB.ftrace.txt");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no shared traces";
  const trace::Trace t = trace::read_trace_file(path);
  Replayed r(t, model::Flavour::linux_6, "slub");
  EXPECT_GT(r.result.allocations, 8000u);
  EXPECT_EQ(mismatches(r.result, true), 0u);  // kmalloc-8 ... kmalloc-8k, 96, 192, large
  EXPECT_EQ(r.result.simulated_live, r.result.traced_live);
  EXPECT_EQ(r.kernel.diagnostics().errors(), 0u);
  r.kernel.slab().check_invariants();
}

TEST(Replay, SlabBootTraceKmallocClassesMatchInBothGenerations) {
  const auto path = shared_trace("kmem-boot-i386-3.6-SLAB.ftrace.txt");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no shared traces";
  const trace::Trace t = trace::read_trace_file(path);
  for (model::Flavour f : {model::Flavour::linux_2_6, model::Flavour::linux_6}) {
    Replayed r(t, f, "slab");
    // size-32 ... (2.6) and kmalloc-32 ... with the 128-byte kmalloc-96 (6.5): the same strides.
    EXPECT_EQ(mismatches(r.result, true), 0u) << model::to_string(f);
    EXPECT_EQ(r.result.simulated_live, r.result.traced_live);
    // The wrong allocator shows up: SLUB's kmalloc-8/16 and 96 differ from SLAB's classes.
    Replayed other(t, f, "slub");
    EXPECT_GT(mismatches(other.result, true), 1000u);
  }
}

TEST(Replay, FreesOfUnknownPointersAreCountedAndReplayIsDeterministic) {
  const trace::Trace t = trace::read_trace_file(trace::testing::data("raw-3.x-flags.ftrace.txt"));
  auto run = [&] {
    sim::MachineConfig mc = i386_machine();
    mc.arch = sim::Arch::x86_64;
    mc.cpus = 2;
    mc.timing = true;
    sim::Machine m(mc, 1);
    model::KernelConfig kc;
    model::Kernel k(m, kc);
    ReplayResult r = replay(t, k);
    return std::make_tuple(r.allocations, r.frees, r.unknown_frees, r.null_frees, m.cpu(0).now(),
                           m.cpu(1).now());
  };
  const auto a = run();
  EXPECT_EQ(a, run());
  EXPECT_GT(std::get<0>(a) + std::get<2>(a) + std::get<3>(a), 0u);
}

}  // namespace
}  // namespace allocsim::workloads

namespace allocsim::workloads {
namespace {

// run.trace_out: a run written as a native trace replays elsewhere; under the
// same allocator every bytes_alloc agrees, under SLAB the 96-byte class differs.
TEST(Replay, ImpossibleRequestsAreFailuresNotCrashes) {
  const std::string text =
      "# allocsim-trace 1\n"
      "kmem_cache_alloc 1 0 0 2 x call_site=0x10 ptr=0x1000 bytes_req=99999999 bytes_alloc=1 "
      "gfp_flags=GFP_KERNEL node=-1\n"
      "kmalloc 2 0 0 3 x call_site=0x10 ptr=0x2000 bytes_req=99999999 bytes_alloc=1 "
      "gfp_flags=GFP_KERNEL node=-1\n"
      "mm_page_alloc 3 0 0 4 x page=0x5 pfn=0x5 order=40 migratetype=0 gfp_flags=GFP_KERNEL\n"
      "kfree 4 0 0 5 x call_site=0x10 ptr=0x2000\n";
  const trace::Trace t = trace::parse_trace(text, trace::Format::native, "bad.trace");
  sim::MachineConfig mc = i386_machine();
  mc.arch = sim::Arch::x86_64;
  sim::Machine m(mc, 1);
  model::Kernel k(m, model::KernelConfig{});
  const ReplayResult r = replay(t, k);
  EXPECT_EQ(r.failures, 3u);
  // The kfree is bound to the failed kmalloc when it is read: nothing to free.
  EXPECT_EQ(r.failed_frees, 1u);
  EXPECT_EQ(r.unknown_frees, 0u);
  EXPECT_EQ(r.allocations, 0u);
}

// A pointer handed out again while the trace still holds it live was freed
// without a kmem event (kmem_cache_free_bulk): the model frees the older
// object then, to its cache, and the live counts agree.
TEST(Replay, APointerAllocatedAgainWhileLiveFreesTheOlderObject) {
  const std::string text =
      "# allocsim-trace 1\n"
      "kmem_cache_alloc 1 0 0 2 x call_site=0x10 ptr=0x1000 bytes_req=256 bytes_alloc=256 "
      "gfp_flags=GFP_KERNEL node=-1 name=maple_node\n"
      "kmalloc 2 0 0 3 x call_site=0x10 ptr=0x2000 bytes_req=64 bytes_alloc=64 "
      "gfp_flags=GFP_KERNEL node=-1\n"
      "kmem_cache_alloc 3 0 0 4 x call_site=0x10 ptr=0x1000 bytes_req=256 bytes_alloc=256 "
      "gfp_flags=GFP_KERNEL node=-1 name=maple_node\n"
      "kmalloc 4 0 0 5 x call_site=0x10 ptr=0x2000 bytes_req=64 bytes_alloc=64 "
      "gfp_flags=GFP_KERNEL node=-1\n"
      "kmalloc 5 0 0 6 x call_site=0x10 ptr=0x3000 bytes_req=64 bytes_alloc=64 "
      "gfp_flags=GFP_KERNEL node=-1\n";
  const trace::Trace t = trace::parse_trace(text, trace::Format::native, "reuse.trace");
  sim::MachineConfig mc = i386_machine();
  mc.arch = sim::Arch::x86_64;
  sim::Machine m(mc, 1);
  model::Kernel k(m, model::KernelConfig{});
  const ReplayResult r = replay(t, k);
  EXPECT_EQ(r.allocations, 5u);
  EXPECT_EQ(r.reused_pointers, 2u);
  EXPECT_EQ(r.frees, 2u);  // the two implied frees
  EXPECT_EQ(r.traced_live, 3u);
  EXPECT_EQ(r.simulated_live, 3u);
  EXPECT_EQ(r.table.size(), 5u);  // an implied free has no row
  EXPECT_EQ(k.diagnostics().errors(), 0u);
  const model::KmemCache* maple = nullptr;
  for (const model::KmemCache* c : k.slab().slab_caches())
    if (c->name == "maple_node") maple = c;
  ASSERT_NE(maple, nullptr);
  EXPECT_EQ(maple->stats.allocs, 2u);
  EXPECT_EQ(maple->stats.frees, 1u);  // to its cache, not a kfree
}

TEST(Replay, ARecordedRunReplaysUnderAnotherAllocator) {
  sim::MachineConfig mc = i386_machine();
  mc.arch = sim::Arch::x86_64;
  mc.cpus = 4;
  model::KernelConfig slub;
  TraceRecorder rec(slub.flavour, mc.ghz);
  run_exercise(mc, 1, ExercisePattern::kmalloc_churn, 500, 0, slub, &rec);
  EXPECT_EQ(rec.trace().stats.count(trace::EventKind::kmalloc), 2000u);
  const trace::Trace t =
      trace::parse_trace(trace::to_native(rec.trace()), trace::Format::native, "recorded");
  ASSERT_EQ(t.events.size(), rec.trace().events.size());
  for (std::string_view kind : {"slub", "slab"}) {
    sim::Machine m(mc, 1);
    model::KernelConfig kc;
    kc.slab.design = kind;
    model::Kernel k(m, kc);
    const ReplayResult r = replay(t, k);
    EXPECT_EQ(r.allocations, 2000u);
    EXPECT_EQ(r.traced_live, 4u * 64);  // 64 live objects per CPU at the end
    EXPECT_EQ(r.simulated_live, r.traced_live);
    if (kind == "slub")
      EXPECT_EQ(r.bytes_alloc_mismatches, 0u);
    else
      EXPECT_GT(r.bytes_alloc_mismatches, 0u);  // SLAB's kmalloc-96 has a 128-byte stride
  }
}

}  // namespace
}  // namespace allocsim::workloads
