// The classic allocator benchmarks shipped as workload files (workloads/*.yaml):
// each loads at its published defaults, and a shortened run (params set from
// the test) does exactly the operations the benchmark's definition implies,
// frees on the CPUs it implies, without allocator diagnostics, and repeats
// itself for a seed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "io/config/load.hpp"
#include "model/alloc_observer.hpp"
#include "model/kernel.hpp"
#include "sim/machine.hpp"
#include "workloads/generator/run.hpp"

namespace allocsim::workloads {
namespace {

namespace gen = workloads::gen;
using gen::OpKind;

std::string workload_file(std::string_view name) {
  return std::string(ALLOCSIM_SOURCE_DIR) + "/workloads/" + std::string(name) + ".yaml";
}

// Which CPU allocated each live kmalloc object; counts kfrees on another CPU.
class CrossCpuFrees final : public model::AllocObserver {
 public:
  void on_event(const model::AllocEvent& e) override {
    if (e.kind == model::AllocEvent::Kind::kmalloc) {
      owner_[e.ptr] = e.cpu;
    } else if (e.kind == model::AllocEvent::Kind::kfree) {
      const auto it = owner_.find(e.ptr);
      if (it == owner_.end()) return;
      ++kfrees;
      if (it->second != e.cpu) ++remote_kfrees;
      owner_.erase(it);
    }
  }
  std::uint64_t kfrees = 0, remote_kfrees = 0;

 private:
  std::unordered_map<std::uint64_t, sim::CpuId> owner_;
};

struct Ran {
  gen::GeneratorSpec spec;
  gen::GeneratorResult r;
  std::uint64_t kfrees = 0, remote_kfrees = 0;

  const gen::OpTotals& of(std::string_view thread, OpKind kind) const {
    for (std::size_t t = 0; t < spec.threads.size(); ++t)
      if (spec.threads[t].name == thread) return r.by_thread[t][static_cast<std::size_t>(kind)];
    ADD_FAILURE() << "no thread named " << thread;
    static const gen::OpTotals none;
    return none;
  }
  std::uint64_t ops(std::string_view thread, OpKind kind) const { return of(thread, kind).ops; }
  std::uint64_t total(OpKind kind) const { return r.total[static_cast<std::size_t>(kind)].ops; }
};

// `params` are workload.generator.params overrides (NAME=VALUE).
Ran run(std::string_view name, const std::vector<std::string>& params,
        std::vector<std::string> sets = {}, std::optional<std::uint64_t> seed = {}) {
  for (const std::string& p : params) sets.push_back("workload.generator.params." + p);
  const io::Config c = io::load_config({workload_file(name)}, sets, seed);
  sim::Machine machine(c.machine, c.run.seed);
  model::Kernel kernel(machine, c.kernel);
  CrossCpuFrees frees;
  kernel.slab().set_observer(&frees);
  Ran out{c.generator, gen::run_generator(c.generator, kernel), 0, 0};
  out.kfrees = frees.kfrees;
  out.remote_kfrees = frees.remote_kfrees;
  return out;
}

std::vector<sim::CpuId> cpus_of(const gen::GeneratorSpec& s, std::string_view thread) {
  for (const gen::ThreadSpec& t : s.threads)
    if (t.name == thread) return t.cpus;
  ADD_FAILURE() << "no thread named " << thread;
  return {};
}

// Every operation kind that failed, summed.
std::uint64_t failures(const gen::GeneratorResult& r) {
  std::uint64_t n = 0;
  for (const gen::OpTotals& t : r.total) n += t.failures;
  return n;
}

void expect_clean(const Ran& ran) {
  EXPECT_EQ(ran.r.diagnostics, 0u);
  EXPECT_EQ(failures(ran.r), 0u);
  EXPECT_EQ(ran.r.empty_pool, 0u);
}

// --- The files at their defaults: the published parameters, 8 CPUs. ---

TEST(ShippedBenchmarks, EveryFileLoadsWithItsPublishedShape) {
  const std::vector<sim::CpuId> all = {0, 1, 2, 3, 4, 5, 6, 7};
  const std::vector<sim::CpuId> next = {1, 2, 3, 4, 5, 6, 7, 0};

  const io::Config tt = io::load_config({workload_file("threadtest")});
  EXPECT_EQ(tt.generator.name, "threadtest");
  EXPECT_EQ(cpus_of(tt.generator, "worker"), all);
  const gen::Op& alloc = tt.generator.threads[0].phases[0].ops[0];
  EXPECT_EQ(alloc.kind, OpKind::kmalloc);
  EXPECT_EQ(alloc.amount.min(), 64u);  // objSize 8 x sizeof(Foo) 8
  EXPECT_EQ(alloc.amount.max(), 64u);
  EXPECT_EQ(alloc.count.min(), 1250u);  // nobjects 10000 / P 8
  EXPECT_TRUE(alloc.zero);

  const io::Config ls = io::load_config({workload_file("linux-scalability")});
  EXPECT_EQ(cpus_of(ls.generator, "worker"), all);
  EXPECT_EQ(ls.generator.threads[0].phases[0].ops[0].amount.max(), 512u);

  for (const char* name : {"cache-scratch", "cache-thrash"}) {
    const io::Config c = io::load_config({workload_file(name)});
    EXPECT_EQ(cpus_of(c.generator, "worker"), all) << name;
    EXPECT_EQ(c.generator.threads.back().phases.back().ops[0].amount.max(), 8u) << name;
    EXPECT_EQ(c.generator.threads.back().phases.back().iterations, 100u) << name;
  }
  const io::Config cs = io::load_config({workload_file("cache-scratch")});
  EXPECT_EQ(cpus_of(cs.generator, "main"), std::vector<sim::CpuId>{0});

  const io::Config la = io::load_config({workload_file("larson")});
  EXPECT_EQ(cpus_of(la.generator, "main"), std::vector<sim::CpuId>{0});
  EXPECT_EQ(cpus_of(la.generator, "worker"), all);
  EXPECT_EQ(cpus_of(la.generator, "successor"), next);
  EXPECT_EQ(la.generator.threads[0].phases[0].ops[0].count.min(), 1000u);  // chunks
  EXPECT_EQ(la.generator.threads[0].phases[0].ops[0].amount.min(), 7u);    // [7, 8)
  EXPECT_EQ(la.generator.threads[0].phases[0].ops[0].amount.max(), 7u);

  const io::Config xm = io::load_config({workload_file("xmalloc-test")});
  EXPECT_EQ(cpus_of(xm.generator, "producer"), all);
  EXPECT_EQ(cpus_of(xm.generator, "consumer"), next);
  EXPECT_EQ(xm.generator.threads[0].phases[0].ops[1].count.min(), 4096u);
  EXPECT_EQ(xm.generator.threads[0].phases[0].ops[1].amount.max(), 64u);

  const io::Config ms = io::load_config({workload_file("mstress")});
  EXPECT_EQ(cpus_of(ms.generator, "stress"), all);
  EXPECT_EQ(ms.generator.threads[0].phases.size(), 3u * 25);  // ITER 25 lives
  EXPECT_EQ(ms.generator.threads[0].phases[1].ops[1].amount.max(), 4u << 20);
}

// --- Shortened runs: exact counts from the params. ---

TEST(ShippedBenchmarks, ThreadtestAllocatesEveryRoundThenFreesIt) {
  const std::uint64_t T = 4, rounds = 3, objects = 50;
  const Ran ran = run("threadtest", {"threads=4", "rounds=3", "objects=50"});
  EXPECT_EQ(cpus_of(ran.spec, "worker"), (std::vector<sim::CpuId>{0, 1, 2, 3}));
  EXPECT_EQ(ran.ops("worker", OpKind::kmalloc), T * rounds * objects);
  EXPECT_EQ(ran.ops("worker", OpKind::free), T * rounds * objects);
  EXPECT_EQ(ran.ops("worker", OpKind::compute), T * rounds * 2);
  EXPECT_EQ(ran.kfrees, T * rounds * objects);
  EXPECT_EQ(ran.remote_kfrees, 0u);
  EXPECT_LE(ran.r.peak_live, T * objects);
  EXPECT_EQ(ran.r.live_at_end, 0u);
  expect_clean(ran);
}

// Issue 15: SLAB's cache_alloc_refill returned NULL when another CPU took the
// slab it had just grown (2.6.32 retries, 6.5 hands the new slab to the
// allocating CPU), so kmalloc failed under contention with gigabytes free.
TEST(ShippedBenchmarks, ThreadtestOnSlabNeverFailsUnderContention) {
  const Ran v6 =
      run("threadtest", {"threads=16", "rounds=20"}, {"kernel.slab=slab", "machine.cpus=16"});
  EXPECT_EQ(v6.ops("worker", OpKind::kmalloc), 16u * 20 * 1250);
  expect_clean(v6);
  const Ran v26 = run("threadtest", {"threads=8", "rounds=20"},
                      {"kernel.slab=slab", "kernel.flavour=linux-2.6"});
  EXPECT_EQ(v26.ops("worker", OpKind::kmalloc), 8u * 20 * 1250);
  expect_clean(v26);
}

TEST(ShippedBenchmarks, LinuxScalabilityMallocsAndFreesOneObjectPerStep) {
  const std::uint64_t T = 8, iterations = 1000;
  const Ran ran = run("linux-scalability", {"iterations=1000"});
  EXPECT_EQ(ran.ops("worker", OpKind::kmalloc), T * iterations);
  EXPECT_EQ(ran.ops("worker", OpKind::free), T * iterations);
  EXPECT_LE(ran.r.peak_live, T);
  EXPECT_EQ(ran.remote_kfrees, 0u);
  EXPECT_EQ(ran.r.live_at_end, 0u);
  expect_clean(ran);
}

TEST(ShippedBenchmarks, CacheScratchHandsOneObjectToEachThread) {
  const std::uint64_t T = 8, iterations = 3, passes = 2000;
  const std::vector<std::string> params = {"iterations=3", "passes=2000"};
  const Ran ran = run("cache-scratch", params);
  EXPECT_EQ(ran.ops("main", OpKind::kmalloc), T);
  EXPECT_EQ(ran.ops("main", OpKind::pass), 1u);
  EXPECT_EQ(ran.r.passed, T);
  EXPECT_EQ(ran.ops("worker", OpKind::kmalloc), T * iterations);
  EXPECT_EQ(ran.ops("worker", OpKind::free), T + T * iterations);
  EXPECT_EQ(ran.ops("worker", OpKind::touch), T * iterations * passes);
  // The handed-out objects are freed by the workers on CPUs 1..T-1 (the one on
  // CPU 0 shares it with main); everything else is freed where it was made.
  EXPECT_EQ(ran.remote_kfrees, T - 1);
  EXPECT_EQ(ran.r.live_at_end, 0u);
  expect_clean(ran);

  // The benchmark's point: SLAB's per-CPU caches give a thread the object
  // another thread's line holds (false sharing); SLUB frees a remote object to
  // its own slab, so the writes stay in L1.
  const Ran slab = run("cache-scratch", params, {"kernel.slab=slab"});
  const double slub_touch = static_cast<double>(ran.of("worker", OpKind::touch).cycles);
  const double slab_touch = static_cast<double>(slab.of("worker", OpKind::touch).cycles);
  EXPECT_GT(slab_touch, 4 * slub_touch);
  expect_clean(slab);
}

TEST(ShippedBenchmarks, CacheThrashKeepsEveryObjectOnItsThread) {
  const std::uint64_t T = 8, iterations = 3, passes = 2000;
  const std::vector<std::string> params = {"iterations=3", "passes=2000"};
  const Ran ran = run("cache-thrash", params);
  EXPECT_EQ(ran.ops("worker", OpKind::kmalloc), T * iterations);
  EXPECT_EQ(ran.ops("worker", OpKind::free), T * iterations);
  EXPECT_EQ(ran.ops("worker", OpKind::touch), T * iterations * passes);
  EXPECT_EQ(ran.r.passed, 0u);
  EXPECT_EQ(ran.remote_kfrees, 0u);
  expect_clean(ran);

  // SLOB's one free list puts different threads' 8-byte objects in one line.
  const Ran slob = run("cache-thrash", params, {"kernel.slab=slob"});
  EXPECT_GT(slob.of("worker", OpKind::touch).cycles, 4 * ran.of("worker", OpKind::touch).cycles);
  expect_clean(slob);
}

TEST(ShippedBenchmarks, LarsonBleedsObjectsIntoOtherThreads) {
  const std::uint64_t T = 4, chunks = 50, warmup = 4 * T * chunks, thread_ops = 500;
  const std::vector<std::string> params = {"threads=4",  "last=3",         "chunks=50",
                                           "warmup=800", "thread_ops=500", "size=uniform(8, 999)"};
  const Ran ran = run("larson", params);
  EXPECT_EQ(cpus_of(ran.spec, "successor"), (std::vector<sim::CpuId>{1, 2, 3, 0}));
  EXPECT_EQ(ran.ops("main", OpKind::kmalloc), T * chunks + warmup);
  EXPECT_EQ(ran.ops("main", OpKind::free), warmup);
  for (const char* t : {"worker", "successor"}) {  // two generations each
    EXPECT_EQ(ran.ops(t, OpKind::kmalloc), 2 * T * thread_ops) << t;
    EXPECT_EQ(ran.ops(t, OpKind::free), 2 * T * thread_ops) << t;
    EXPECT_EQ(ran.ops(t, OpKind::touch), 2 * T * thread_ops) << t;
  }
  // Main's handout, then three handovers of every array.
  EXPECT_EQ(ran.r.passed, 4 * T * chunks);
  EXPECT_EQ(ran.ops("worker", OpKind::barrier), T);
  EXPECT_EQ(ran.r.live_at_end, T * chunks);  // the arrays outlive the run, as in the program
  EXPECT_EQ(ran.kfrees, warmup + 4 * T * thread_ops);

  // Bleeding: in each generation, the slots still holding an object from
  // before it (chunks x (1 - (1 - 1/chunks)^ops) expected) were allocated on
  // another CPU - main's on CPU 0, except for worker 0 in the first
  // generation. At most every slot of every generation.
  const double old_slots =
      static_cast<double>(chunks) *
      (1 - std::pow(1 - 1.0 / static_cast<double>(chunks), static_cast<double>(thread_ops)));
  const double expected = old_slots * static_cast<double>((T - 1) + 3 * T);
  EXPECT_GT(static_cast<double>(ran.remote_kfrees), 0.9 * expected);
  EXPECT_LE(ran.remote_kfrees, 4 * T * chunks);
  expect_clean(ran);

  const Ran again = run("larson", params);
  EXPECT_EQ(again.r.fingerprint, ran.r.fingerprint);
  EXPECT_EQ(again.remote_kfrees, ran.remote_kfrees);
  const Ran other = run("larson", params, {}, 2);
  EXPECT_NE(other.r.fingerprint, ran.r.fingerprint);
  EXPECT_EQ(other.ops("worker", OpKind::kmalloc), 2 * T * thread_ops);
}

TEST(ShippedBenchmarks, XmallocFreesEveryObjectOnTheConsumersCpu) {
  const std::uint64_t N = 4, batch = 64, batches = 3;
  const std::uint64_t objects = N * batches * (batch + 1);  // the objects and each batch header
  const Ran ran = run("xmalloc-test", {"last=3", "batch=64", "batches=3"});
  EXPECT_EQ(cpus_of(ran.spec, "producer"), (std::vector<sim::CpuId>{0, 1, 2, 3}));
  EXPECT_EQ(cpus_of(ran.spec, "consumer"), (std::vector<sim::CpuId>{1, 2, 3, 0}));
  EXPECT_EQ(ran.ops("producer", OpKind::kmalloc), objects);
  EXPECT_EQ(ran.ops("producer", OpKind::free), 0u);
  EXPECT_EQ(ran.ops("producer", OpKind::touch), N * batches);  // writing the header's pointers
  EXPECT_EQ(ran.ops("producer", OpKind::pass), 2 * N * batches);
  EXPECT_EQ(ran.ops("consumer", OpKind::free), objects);
  EXPECT_EQ(ran.ops("consumer", OpKind::touch), N * batches);  // reading them
  EXPECT_EQ(ran.r.passed, objects);
  EXPECT_EQ(ran.kfrees, objects);
  EXPECT_EQ(ran.remote_kfrees, objects);
  EXPECT_EQ(ran.r.live_at_end, 0u);
  expect_clean(ran);
  const Ran again = run("xmalloc-test", {"last=3", "batch=64", "batches=3"});
  EXPECT_EQ(again.r.fingerprint, ran.r.fingerprint);

  // -s -1: the sizes the header comment gives.
  const Ran sizes = run("xmalloc-test", {"last=3", "batch=64", "batches=3",
                                         "size=table(8:1, 12:1, 16:1, 24:1, 32:1, 48:1, 64:1, "
                                         "96:1, 128:1, 192:1, 256:1, 384:1, 512:1, 768:1, 1024:1, "
                                         "1536:1, 2048:1)"});
  EXPECT_EQ(sizes.remote_kfrees, objects);
  EXPECT_NE(sizes.r.fingerprint, ran.r.fingerprint);
  expect_clean(sizes);
}

TEST(ShippedBenchmarks, MstressLivesTransferAndFreeEverything) {
  const std::uint64_t T = 4, lives = 25, steps = 20;
  const std::vector<std::string> params = {"threads=4", "steps=20"};
  const Ran ran = run("mstress", params);
  // Per life: the two pointer arrays, then per step two data objects and one
  // retained one.
  const std::uint64_t allocs = T * lives * (2 + 3 * steps);
  EXPECT_EQ(ran.ops("stress", OpKind::kmalloc), allocs);
  EXPECT_EQ(ran.ops("stress", OpKind::free), allocs);
  EXPECT_EQ(ran.ops("stress", OpKind::pass), T * lives * steps);
  EXPECT_EQ(ran.r.passed, T * lives * steps);
  EXPECT_EQ(ran.ops("stress", OpKind::barrier), T * lives * 2);
  EXPECT_EQ(ran.ops("stress", OpKind::touch), T * lives * 2);  // reading before the exit frees
  EXPECT_EQ(ran.kfrees, allocs);
  EXPECT_GT(ran.remote_kfrees, 0u);  // transferred objects die elsewhere
  EXPECT_LT(ran.remote_kfrees, T * lives * steps);
  EXPECT_EQ(ran.r.live_at_end, 0u);
  expect_clean(ran);

  const Ran again = run("mstress", params);
  EXPECT_EQ(again.r.fingerprint, ran.r.fingerprint);
  EXPECT_EQ(again.remote_kfrees, ran.remote_kfrees);
  const Ran other = run("mstress", params, {}, 7);
  EXPECT_NE(other.r.fingerprint, ran.r.fingerprint);
  EXPECT_EQ(other.ops("stress", OpKind::kmalloc), allocs);
}

TEST(ShippedBenchmarks, FixedWorkloadsRepeatThemselves) {
  struct Case {
    const char* name;
    std::vector<std::string> params;
  };
  const std::vector<Case> cases = {
      {"threadtest", {"threads=4", "rounds=2", "objects=40"}},
      {"linux-scalability", {"iterations=200"}},
      {"cache-scratch", {"iterations=2", "passes=50"}},
      {"cache-thrash", {"threads=4", "iterations=2", "passes=50"}},
  };
  for (const Case& c : cases) {
    const Ran a = run(c.name, c.params);
    const Ran b = run(c.name, c.params);
    EXPECT_EQ(a.r.fingerprint, b.r.fingerprint) << c.name;
    EXPECT_EQ(a.r.elapsed, b.r.elapsed) << c.name;
    expect_clean(a);
  }
}

// hackbench: one repeat per group; each group's senders and receivers have
// one instance per CPU of 0..last.
TEST(ShippedBenchmarks, HackbenchExpandsOneSenderAndReceiverPairPerGroup) {
  const io::Config d = io::load_config({workload_file("hackbench")});
  ASSERT_EQ(d.generator.threads.size(), 20u);  // 10 groups (perf bench's -g default)
  const std::vector<sim::CpuId> all = {0, 1, 2, 3, 4, 5, 6, 7};
  for (int g = 0; g < 10; ++g) {
    EXPECT_EQ(d.generator.threads[2 * g].name, "sender" + std::to_string(g));
    EXPECT_EQ(d.generator.threads[2 * g + 1].name, "receiver" + std::to_string(g));
    EXPECT_EQ(d.generator.threads[2 * g].cpus, all);
    EXPECT_EQ(d.generator.threads[2 * g + 1].cpus, all);
  }
  EXPECT_EQ(d.generator.threads[0].phases[0].iterations, 100u);  // loops
  EXPECT_EQ(d.generator.threads[0].phases[0].ops[0].amount.max(), 448u);

  // 3 groups of 4 senders and 4 receivers, 5 loops: every sender reaches every
  // receiver of its group once per loop; the buffer is freed on the receiver's CPU.
  const std::uint64_t groups = 3, fds = 4, loops = 5;
  const Ran ran = run("hackbench", {"groups=3", "last=3", "fds=4", "loops=5"});
  ASSERT_EQ(ran.spec.threads.size(), 2 * groups);
  EXPECT_EQ(cpus_of(ran.spec, "receiver2"), (std::vector<sim::CpuId>{0, 1, 2, 3}));
  const std::uint64_t messages = groups * fds * fds * loops;
  EXPECT_EQ(ran.total(OpKind::kmalloc), messages);
  EXPECT_EQ(ran.ops("sender1", OpKind::kmalloc), fds * fds * loops);
  EXPECT_EQ(ran.r.passed, messages);
  EXPECT_EQ(ran.ops("receiver0", OpKind::free), fds * fds * loops);
  EXPECT_EQ(ran.kfrees, messages);
  EXPECT_EQ(ran.remote_kfrees, messages * (fds - 1) / fds);  // receiver j runs on CPU j
  EXPECT_EQ(ran.r.live_at_end, 0u);
  expect_clean(ran);
}

}  // namespace
}  // namespace allocsim::workloads
