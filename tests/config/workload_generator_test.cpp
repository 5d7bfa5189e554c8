// workload.generator (docs/workloads.md): a good workload resolves to the
// right GeneratorSpec, and each kind of mistake gives a ConfigError naming the
// file, line and dotted key. The machine is the embedded default's: 8 CPUs on
// 2 nodes (CPUs 0-3 on node 0, 4-7 on node 1) at 2.5 GHz, linux-6.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "config_test_util.hpp"
#include "io/config/load.hpp"
#include "model/gfp.hpp"
#include "workloads/generator/spec.hpp"

namespace allocsim::io {
namespace {

namespace gen = workloads::gen;
using gen::Distribution;
using gen::ObjectKind;
using gen::OpKind;
using testing::error_of;

Config load(std::string_view yaml, const std::vector<std::string>& sets = {}) {
  return load_config_text(yaml, "w.yaml", sets);
}

ConfigError error(std::string_view yaml, const std::vector<std::string>& sets = {}) {
  return error_of([&] { load(yaml, sets); });
}

// The error of `yaml`: in w.yaml at `line`, about `key`, saying `message`.
void expect_error(std::string_view yaml, int line, const std::string& key,
                  const std::string& message) {
  const ConfigError e = error(yaml);
  EXPECT_EQ(e.file, "w.yaml") << e.what();
  EXPECT_EQ(e.line, line) << e.what();
  EXPECT_EQ(e.key, key) << e.what();
  EXPECT_EQ(e.message, message) << e.what();
}

// One process thread on CPU 0 running `op` once: the op is on line 9, at
// workload.generator.threads[0].ops[0].
std::string one_op(std::string_view op) {
  return R"yaml(workload:
  generator:
    name: w
    threads:
      - name: t
        cpus: 0
        iterations: 1
        ops:
          - )yaml" +
         std::string(op) + "\n";
}
constexpr const char* kOp0 = "workload.generator.threads[0].ops[0]";

// An irq thread on CPU 0: `op` is on line 10, at threads[0].ops[0].
std::string irq_op(std::string_view op) {
  return R"yaml(workload:
  generator:
    name: w
    threads:
      - name: nic
        cpus: 0
        context: irq
        arrival: exponential(4us)
        ops:
          - )yaml" +
         std::string(op) + "\n";
}

// A workload whose only thread is `thread` (starting on line 5, indented as
// a sequence item under threads).
std::string one_thread(std::string_view thread) {
  return R"yaml(workload:
  generator:
    name: w
    threads:
)yaml" + std::string(thread);
}

std::vector<sim::CpuId> cpus(std::initializer_list<sim::CpuId> list) {
  return list;
}

void expect_constant(const Distribution& d, std::uint64_t value) {
  EXPECT_TRUE(d.is_constant());
  EXPECT_EQ(d.min(), value);
}

// ---- A good workload ------------------------------------------------------

constexpr std::string_view kStudy = R"yaml(workload:
  generator:
    name: study
    params: {size: 128, stacks: pages, mode: rmw}
    rcu_grace: 10us
    quantum: 1ms
    caches:
      - {name: inode, size: 600, align: 64, flags: [SLAB_HWCACHE_ALIGN, SLAB_RECLAIM_ACCOUNT], ctor: 300}
      - {name: bio, size: 152}
    mempools:
      - {name: bio_pool, min_nr: 4, cache: bio}
      - {name: page_pool, min_nr: 2, pages: 1}
    threads:
      - name: producer
        cpus: "1-N:1/4"
        phases:
          - name: fill
            iterations: 10
            ops:
              - kmalloc: {size: "${size}", into: objs, keep: 64, evict: random}
              - kmem_cache_alloc: {cache: inode, into: inodes, init: true}
              - pass: {from: objs, to: consumer, deal: round_robin}
              - compute: 200
              - vmalloc: {size: 16KiB, lifetime: 5us, when: {stacks: vmalloc}}
              - alloc_pages: {order: 2, lifetime: exponential(5us), free_by: "0-3,6", when: {stacks: pages}}
          - iterations: 2
            duration: 1ms
            ops:
              - touch: {from: inodes, pick: each, bytes: 64, mode: "${mode}"}
              - kmem_cache_free: {from: inodes, count: all}
              - barrier: done
      - name: consumer
        cpus: node1
        max_live: 100
        iterations: 2
        ops:
          - kfree: {from: objs, count: "uniform(1, 4)", wait: true, pick: newest}
          - mempool_alloc: {mempool: page_pool, lifetime: 1us, rcu: true, free_by: next_cpu}
          - sleep: 2us
          - barrier: done
      - name: nic
        cpus: [0, 2]
        context: irq
        arrival: exponential(4us)
        ops:
          - kmem_cache_alloc: {cache: bio, lifetime: "uniform(1us, 2us)", free_by: random_cpu}
          - mempool_alloc: {mempool: bio_pool, into: held, keep: 8}
          - free: held
          - page_cache: 2
)yaml";

TEST(WorkloadGenerator, GoodWorkloadResolves) {
  const Config c = load(kStudy);
  EXPECT_EQ(c.workload_kind, WorkloadKind::generator);
  const gen::GeneratorSpec& g = c.generator;
  EXPECT_EQ(g.name, "study");
  EXPECT_EQ(g.duration, 0u);
  EXPECT_EQ(g.rcu_grace, 25000u);  // 10us at 2.5 GHz
  EXPECT_EQ(g.quantum, 2500000u);
  ASSERT_EQ(g.caches.size(), 2u);
  EXPECT_EQ(g.caches[0].name, "inode");
  EXPECT_EQ(g.caches[0].size, 600u);
  EXPECT_EQ(g.caches[0].align, 64u);
  EXPECT_EQ(g.caches[0].flags, model::parse_slab_flags("SLAB_HWCACHE_ALIGN|SLAB_RECLAIM_ACCOUNT"));
  EXPECT_EQ(g.caches[0].ctor, 300u);
  EXPECT_EQ(g.caches[1].name, "bio");
  EXPECT_EQ(g.caches[1].ctor, 0u);
  ASSERT_EQ(g.mempools.size(), 2u);
  EXPECT_EQ(g.mempools[0].backend, ObjectKind::cache);
  EXPECT_EQ(g.mempools[0].cache, 1);
  EXPECT_EQ(g.mempools[0].min_nr, 4u);
  EXPECT_EQ(g.mempools[1].backend, ObjectKind::pages);
  EXPECT_EQ(g.mempools[1].order, 1u);
  EXPECT_EQ(g.barriers, std::vector<std::string>{"done"});
  ASSERT_EQ(g.threads.size(), 3u);

  const model::Gfp kernel = model::parse_gfp(c.kernel.flavour, "GFP_KERNEL");
  const model::Gfp atomic = model::parse_gfp(c.kernel.flavour, "GFP_ATOMIC");

  // producer: two phases; the vmalloc op is dropped by its `when`.
  const gen::ThreadSpec& p = g.threads[0];
  EXPECT_EQ(p.name, "producer");
  EXPECT_EQ(p.cpus, cpus({1, 5}));
  EXPECT_FALSE(p.irq);
  ASSERT_EQ(p.phases.size(), 2u);
  EXPECT_EQ(p.phases[0].name, "fill");
  EXPECT_EQ(p.phases[0].iterations, 10u);
  EXPECT_EQ(p.phases[0].duration, 0u);
  EXPECT_EQ(p.phases[1].name, "phase 1");
  EXPECT_EQ(p.phases[1].iterations, 2u);
  EXPECT_EQ(p.phases[1].duration, 2500000u);
  ASSERT_EQ(p.pools.size(), 2u);
  EXPECT_EQ(p.pools[0].name, "objs");
  EXPECT_EQ(p.pools[0].kind, ObjectKind::kmalloc);
  EXPECT_EQ(p.pools[1].name, "inodes");
  EXPECT_EQ(p.pools[1].kind, ObjectKind::cache);

  const std::vector<gen::Op>& fill = p.phases[0].ops;
  ASSERT_EQ(fill.size(), 5u);
  EXPECT_EQ(fill[0].kind, OpKind::kmalloc);
  EXPECT_EQ(fill[0].where, "w.yaml:20");
  expect_constant(fill[0].amount, 128);  // ${size}
  EXPECT_EQ(fill[0].pool, 0);
  EXPECT_EQ(fill[0].keep, 64u);
  EXPECT_EQ(fill[0].evict, gen::Pick::random);
  EXPECT_EQ(fill[0].gfp, kernel);  // a process thread's default
  EXPECT_FALSE(fill[0].has_lifetime);
  EXPECT_EQ(fill[1].kind, OpKind::kmem_cache_alloc);
  EXPECT_EQ(fill[1].cache, 0);
  EXPECT_EQ(fill[1].pool, 1);
  EXPECT_TRUE(fill[1].init);
  EXPECT_EQ(fill[2].kind, OpKind::pass);
  EXPECT_EQ(fill[2].pool, 0);
  EXPECT_EQ(fill[2].to_thread, 1);
  EXPECT_EQ(fill[2].to_pool, 0);  // consumer's objs: `into` defaults to the same name
  EXPECT_EQ(fill[2].deal, gen::Deal::round_robin);
  EXPECT_EQ(fill[3].kind, OpKind::compute);
  expect_constant(fill[3].cycles, 200);
  EXPECT_EQ(fill[4].kind, OpKind::alloc_pages);  // stacks: pages
  EXPECT_EQ(fill[4].where, "w.yaml:25");
  expect_constant(fill[4].amount, 2);
  EXPECT_TRUE(fill[4].has_lifetime);
  EXPECT_EQ(fill[4].lifetime.kind(), Distribution::Kind::exponential);
  EXPECT_EQ(fill[4].lifetime.mean(), 12500.0);
  EXPECT_EQ(fill[4].free_by, gen::FreeBy::cpus);
  EXPECT_EQ(fill[4].free_cpus, cpus({0, 1, 2, 3, 6}));
  EXPECT_EQ(fill[4].pool, gen::kNone);

  const std::vector<gen::Op>& drain = p.phases[1].ops;
  ASSERT_EQ(drain.size(), 3u);
  EXPECT_EQ(drain[0].kind, OpKind::touch);
  EXPECT_EQ(drain[0].pick, gen::Pick::each);
  EXPECT_EQ(drain[0].bytes, 64u);
  EXPECT_EQ(drain[0].mode, gen::TouchMode::rmw);  // ${mode}
  EXPECT_EQ(drain[1].kind, OpKind::free);
  EXPECT_EQ(drain[1].pool, 1);
  EXPECT_TRUE(drain[1].all);
  EXPECT_EQ(drain[2].kind, OpKind::barrier);
  EXPECT_EQ(drain[2].barrier, 0);

  // consumer: thread-level ops make one phase (its name: see
  // ThreadLevelOpsPhaseIsNamedMain).
  const gen::ThreadSpec& q = g.threads[1];
  EXPECT_EQ(q.cpus, cpus({4, 5, 6, 7}));
  EXPECT_EQ(q.max_live, 100u);
  ASSERT_EQ(q.phases.size(), 1u);
  EXPECT_EQ(q.phases[0].iterations, 2u);
  ASSERT_EQ(q.pools.size(), 1u);
  EXPECT_EQ(q.pools[0].name, "objs");
  EXPECT_EQ(q.pools[0].kind, ObjectKind::kmalloc);  // from the pass
  const std::vector<gen::Op>& qops = q.phases[0].ops;
  ASSERT_EQ(qops.size(), 4u);
  EXPECT_EQ(qops[0].kind, OpKind::free);
  EXPECT_EQ(qops[0].pool, 0);
  EXPECT_TRUE(qops[0].wait);
  EXPECT_FALSE(qops[0].all);
  EXPECT_EQ(qops[0].pick, gen::Pick::newest);
  EXPECT_EQ(qops[0].count.kind(), Distribution::Kind::uniform);
  EXPECT_EQ(qops[0].count.min(), 1u);
  EXPECT_EQ(qops[0].count.max(), 4u);
  EXPECT_EQ(qops[1].kind, OpKind::mempool_alloc);
  EXPECT_EQ(qops[1].mempool, 1);
  EXPECT_TRUE(qops[1].rcu);
  EXPECT_EQ(qops[1].free_by, gen::FreeBy::next_cpu);
  expect_constant(qops[1].lifetime, 2500);
  EXPECT_EQ(qops[2].kind, OpKind::sleep);
  expect_constant(qops[2].cycles, 5000);
  EXPECT_EQ(qops[3].barrier, 0);  // the same barrier as the producer's

  // nic: interrupt context, GFP_ATOMIC by default, unbounded phase.
  const gen::ThreadSpec& n = g.threads[2];
  EXPECT_TRUE(n.irq);
  EXPECT_EQ(n.cpus, cpus({0, 2}));
  EXPECT_EQ(n.arrival.kind(), Distribution::Kind::exponential);
  EXPECT_EQ(n.arrival.mean(), 10000.0);
  ASSERT_EQ(n.phases.size(), 1u);
  EXPECT_EQ(n.phases[0].iterations, 0u);
  const std::vector<gen::Op>& nops = n.phases[0].ops;
  ASSERT_EQ(nops.size(), 4u);
  EXPECT_EQ(nops[0].gfp, atomic);
  EXPECT_EQ(nops[0].free_by, gen::FreeBy::random_cpu);
  EXPECT_EQ(nops[0].lifetime.min(), 2500u);
  EXPECT_EQ(nops[0].lifetime.max(), 5000u);
  EXPECT_EQ(nops[1].gfp, atomic);
  EXPECT_EQ(nops[1].pool, 0);
  EXPECT_EQ(nops[1].keep, 8u);
  EXPECT_EQ(nops[2].kind, OpKind::free);  // `free: held`, the scalar shorthand
  EXPECT_EQ(nops[2].pool, 0);
  EXPECT_EQ(nops[3].kind, OpKind::page_cache);
  expect_constant(nops[3].count, 2);  // `page_cache: 2`
  ASSERT_EQ(n.pools.size(), 1u);
  EXPECT_EQ(n.pools[0].kind, ObjectKind::mempool);
}

TEST(WorkloadGenerator, CpuSets) {
  auto cpus_of = [](std::string_view set, const std::vector<std::string>& sets = {}) {
    return load(one_thread("      - name: t\n        cpus: " + std::string(set) +
                           "\n        iterations: 1\n        ops: [compute: 1]\n"),
                sets)
        .generator.threads[0]
        .cpus;
  };
  EXPECT_EQ(cpus_of("all"), cpus({0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(cpus_of("node0"), cpus({0, 1, 2, 3}));
  EXPECT_EQ(cpus_of("node1"), cpus({4, 5, 6, 7}));
  EXPECT_EQ(cpus_of("\"0-3,6\""), cpus({0, 1, 2, 3, 6}));
  EXPECT_EQ(cpus_of("\"1-N:1/4\""), cpus({1, 5}));
  EXPECT_EQ(cpus_of("\"0-N:2/4\""), cpus({0, 1, 4, 5}));
  EXPECT_EQ(cpus_of("N"), cpus({7}));
  EXPECT_EQ(cpus_of("5"), cpus({5}));
  EXPECT_EQ(cpus_of("\"node1, 0\""), cpus({4, 5, 6, 7, 0}));
  EXPECT_EQ(cpus_of("[7, 0, 3]"), cpus({7, 0, 3}));  // a sequence keeps its order
  // N is the machine's last CPU, so the same text fits any machine; a range
  // ending in N that starts past it is empty (the thread has no instances).
  EXPECT_EQ(cpus_of("\"1-N:1/4\"", {"machine.cpus=16"}), cpus({1, 5, 9, 13}));
  EXPECT_EQ(cpus_of("\"1-N:1/4\"", {"machine.cpus=1", "machine.nodes=1"}), cpus({}));
  EXPECT_EQ(cpus_of("\"0,9-N\""), cpus({0}));
}

TEST(WorkloadGenerator, UnusedParamIsAnError) {
  constexpr std::string_view yaml = R"yaml(workload:
  generator:
    name: w
    params: {sz: 64, szz: 1}
    threads:
      - name: t
        cpus: 0
        iterations: 1
        ops:
          - kmalloc: {size: "${sz}", lifetime: 1us}
)yaml";
  expect_error(yaml, 4, "workload.generator.params.szz",
               "param 'szz' is never used (no ${szz} and no when: names it)");
  // A misspelt --set of a param is caught the same way, naming --set.
  std::string used(yaml);
  used.replace(used.find(", szz: 1"), 8, "");
  EXPECT_NO_THROW(load(used));
  const ConfigError e = error(used, {"workload.generator.params.iteratons=5"});
  EXPECT_EQ(e.file, "--set");
  EXPECT_EQ(e.key, "workload.generator.params.iteratons");
}

TEST(WorkloadGenerator, ParamsSubstituteAndWhenDropsOps) {
  constexpr std::string_view yaml = R"yaml(workload:
  generator:
    name: w
    params: {sz: 2, unit: KiB, fast: yes}
    threads:
      - name: t
        cpus: 0
        iterations: 1
        ops:
          - kmalloc: {size: "${sz}${unit}", into: p}
          - kfree: {from: p, when: {fast: yes}}
          - free: {from: p, when: {fast: no}}
)yaml";
  const Config c = load(yaml);
  const std::vector<gen::Op>& ops = c.generator.threads[0].phases[0].ops;
  ASSERT_EQ(ops.size(), 2u);
  expect_constant(ops[0].amount, 2048);
  EXPECT_EQ(ops[1].where, "w.yaml:11");
  // --set edits a param; `when` compares the text.
  const Config d =
      load(yaml, {"workload.generator.params.fast=no", "workload.generator.params.sz=4"});
  const std::vector<gen::Op>& dops = d.generator.threads[0].phases[0].ops;
  ASSERT_EQ(dops.size(), 2u);
  expect_constant(dops[0].amount, 4096);
  EXPECT_EQ(dops[1].where, "w.yaml:12");
  // Every op dropped leaves the phase empty.
  expect_error(R"yaml(workload:
  generator:
    name: w
    params: {on: no}
    threads:
      - name: t
        cpus: 0
        phases:
          - name: warm
            iterations: 1
            ops:
              - compute: {cycles: 5, when: {on: yes}}
)yaml",
               12, "workload.generator.threads[0].phases[0].ops", "phase 'warm' has no operations");
}

TEST(WorkloadGenerator, ScalarShorthands) {
  constexpr std::string_view yaml = R"yaml(workload:
  generator:
    name: w
    threads:
      - name: t
        cpus: 0
        duration: 1ms
        ops:
          - compute: 200
          - sleep: 2us
          - barrier: b
          - page_cache: 3
          - kmalloc: {size: 64, into: objs}
          - touch: objs
          - kfree: objs
          - compute: exponential(1us)
)yaml";
  const Config c = load(yaml);
  const gen::ThreadSpec& t = c.generator.threads[0];
  EXPECT_EQ(t.phases[0].iterations, 0u);
  EXPECT_EQ(t.phases[0].duration, 2500000u);
  const std::vector<gen::Op>& ops = t.phases[0].ops;
  ASSERT_EQ(ops.size(), 8u);
  EXPECT_EQ(ops[0].kind, OpKind::compute);
  expect_constant(ops[0].cycles, 200);
  EXPECT_EQ(ops[1].kind, OpKind::sleep);
  expect_constant(ops[1].cycles, 5000);
  EXPECT_EQ(ops[2].kind, OpKind::barrier);
  EXPECT_EQ(c.generator.barriers, std::vector<std::string>{"b"});
  EXPECT_EQ(ops[3].kind, OpKind::page_cache);
  expect_constant(ops[3].count, 3);
  EXPECT_EQ(ops[5].kind, OpKind::touch);
  EXPECT_EQ(ops[5].pool, 0);
  EXPECT_EQ(ops[5].bytes, 0u);  // the whole object
  EXPECT_EQ(ops[5].mode, gen::TouchMode::write);
  EXPECT_EQ(ops[6].kind, OpKind::free);
  EXPECT_EQ(ops[6].pool, 0);
  EXPECT_EQ(ops[7].cycles.kind(), Distribution::Kind::exponential);
  EXPECT_EQ(ops[7].cycles.mean(), 2500.0);
  // An allocation's scalar form gives only the size: the object still needs
  // a pool or a lifetime.
  expect_error(one_op("kmalloc: 64"), 9, std::string(kOp0) + ".kmalloc.into",
               "the object needs somewhere to go: a pool (into) or a lifetime");
}

TEST(WorkloadGenerator, KindsFlowThroughPassesInAnyOrder) {
  // c is read before b, and b's pool gets its kind only through a's pass.
  constexpr std::string_view yaml = R"yaml(workload:
  generator:
    name: w
    threads:
      - name: c
        cpus: 2
        iterations: 1
        ops:
          - free_pages: {from: last, wait: true}
      - name: b
        cpus: 1
        iterations: 1
        ops:
          - pass: {from: mid, to: c, into: last, wait: true, deal: random}
      - name: a
        cpus: [0, 3]
        iterations: 1
        ops:
          - alloc_pages: {order: 1, into: first, node: 1}
          - pass: {from: first, to: b, into: mid}
          - pass: {from: first, to: b, into: extra}
)yaml";
  const Config c = load(yaml);
  const gen::GeneratorSpec& g = c.generator;
  EXPECT_EQ(g.threads[0].pools[0].kind, ObjectKind::pages);
  EXPECT_EQ(g.threads[1].pools[0].kind, ObjectKind::pages);
  // A pool that only a pass names is added to the receiving thread.
  ASSERT_EQ(g.threads[1].pools.size(), 2u);
  EXPECT_EQ(g.threads[1].pools[1].name, "extra");
  EXPECT_EQ(g.threads[1].pools[1].kind, ObjectKind::pages);
  EXPECT_EQ(g.threads[1].phases[0].ops[0].to_thread, 0);
  EXPECT_EQ(g.threads[1].phases[0].ops[0].to_pool, 0);
  EXPECT_EQ(g.threads[1].phases[0].ops[0].deal, gen::Deal::random);
  const std::vector<gen::Op>& a = g.threads[2].phases[0].ops;
  EXPECT_EQ(a[0].node, 1);
  EXPECT_EQ(a[1].to_thread, 1);
  EXPECT_EQ(a[1].to_pool, 0);
  EXPECT_EQ(a[2].to_thread, 1);
  EXPECT_EQ(a[2].to_pool, 1);

  // The same chain into a kfree: the kind arrives through two passes.
  std::string bad(yaml);
  bad.replace(bad.find("free_pages"), 10, "kfree");
  expect_error(bad, 9, "workload.generator.threads[0].ops[0].kfree.from",
               "pool 'last' holds page objects, which this free cannot take (use free, which "
               "matches any kind)");
}

// ---- Errors: operations ---------------------------------------------------

TEST(WorkloadGenerator, UnknownOperation) {
  const ConfigError e = error(one_op("kmaloc: {size: 64, into: p}"));
  EXPECT_EQ(e.file, "w.yaml");
  EXPECT_EQ(e.line, 9);
  EXPECT_EQ(e.column, 13);
  EXPECT_EQ(e.key, kOp0);
  EXPECT_EQ(e.message, "unknown operation 'kmaloc'; did you mean 'kmalloc'?");
  // No close match: the list of operations.
  expect_error(one_op("munmap: p"), 9, kOp0,
               "unknown operation 'munmap' (expected alloc_pages, kmalloc, kmem_cache_alloc, "
               "mempool_alloc, vmalloc, page_cache, free, kfree, kmem_cache_free, free_pages, "
               "mempool_free, vfree, touch, compute, sleep, barrier, pass or cache_reap)");
  expect_error(one_op("{compute: 1, sleep: 1}"), 9, kOp0,
               "an operation is a mapping with one key, the operation's name (alloc_pages, "
               "kmalloc, kmem_cache_alloc, mempool_alloc, vmalloc, page_cache, free, kfree, "
               "kmem_cache_free, free_pages, mempool_free, vfree, touch, compute, sleep, barrier, "
               "pass or cache_reap)");
}

TEST(WorkloadGenerator, UnknownKeyInOperation) {
  expect_error(one_op("kmalloc: {size: 64, into: p, sise: 3}"), 9,
               std::string(kOp0) + ".kmalloc.sise", "unknown key 'sise'; did you mean 'size'?");
  // A key of another operation is unknown here too.
  expect_error(one_op("compute: {cycles: 5, into: p}"), 9, std::string(kOp0) + ".compute.into",
               "unknown key 'into' (expected count, when or cycles)");
  expect_error(one_op("compute: {cycles: 5, count: all}"), 9, std::string(kOp0) + ".compute.count",
               "only free and pass take count: all");
  expect_error(one_op("kfree: {from: p, pick: each}"), 9, std::string(kOp0) + ".kfree.pick",
               "unknown value 'each' (expected oldest, newest or random)");
  expect_error(one_op("kmalloc: {size: 64, into: p, node: 2}"), 9,
               std::string(kOp0) + ".kmalloc.node", "must be between 0 and 1, got 2");
}

TEST(WorkloadGenerator, UnknownNames) {
  constexpr std::string_view caches = R"yaml(workload:
  generator:
    name: w
    caches:
      - {name: inode, size: 600}
    mempools:
      - {name: pool, min_nr: 2, cache: inodes}
    threads:
      - name: t
        cpus: 0
        iterations: 1
        ops:
          - kmem_cache_alloc: {cache: inod, into: p}
)yaml";
  expect_error(caches, 7, "workload.generator.mempools[0].cache",
               "no cache named 'inodes'; did you mean 'inode'?");
  std::string no_pool(caches);
  no_pool.replace(no_pool.find("cache: inodes"), 13, "kmalloc: 64");
  expect_error(no_pool, 13, "workload.generator.threads[0].ops[0].kmem_cache_alloc.cache",
               "no cache named 'inod'; did you mean 'inode'?");
  expect_error(one_op("kmem_cache_alloc: {cache: dentry, into: p}"), 9,
               std::string(kOp0) + ".kmem_cache_alloc.cache", "no cache named 'dentry'");
  std::string mempool(no_pool);
  mempool.replace(mempool.find("kmem_cache_alloc: {cache: inod"), 30,
                  "mempool_alloc: {mempool: mpool");
  expect_error(mempool, 13, "workload.generator.threads[0].ops[0].mempool_alloc.mempool",
               "no mempool named 'mpool'; did you mean 'pool'?");
  expect_error(one_op("mempool_alloc: {mempool: bio_pool, into: p}"), 9,
               std::string(kOp0) + ".mempool_alloc.mempool", "no mempool named 'bio_pool'");

  constexpr std::string_view threads = R"yaml(workload:
  generator:
    name: w
    threads:
      - name: consumer
        cpus: 1
        iterations: 1
        ops:
          - kfree: {from: objs, wait: true}
      - name: producer
        cpus: 0
        iterations: 1
        ops:
          - kmalloc: {size: 64, into: objs}
          - pass: {from: objs, to: consumr}
)yaml";
  expect_error(threads, 15, "workload.generator.threads[1].ops[1].pass.to",
               "no thread named 'consumr'; did you mean 'consumer'?");
  std::string far(threads);
  far.replace(far.find("consumr"), 7, "disk");
  expect_error(far, 15, "workload.generator.threads[1].ops[1].pass.to",
               "no thread named 'disk' (there are consumer or producer)");

  constexpr std::string_view params = R"yaml(workload:
  generator:
    name: w
    params: {size: 64}
    threads:
      - name: t
        cpus: 0
        iterations: 1
        ops:
          - kmalloc: {size: "${szie}", lifetime: 1us}
)yaml";
  expect_error(params, 10, "workload.generator.threads[0].ops[0].kmalloc.size",
               "no param named 'szie'; did you mean 'size'?");
  std::string when(params);
  when.replace(when.find("\"${szie}\""), 9, "\"${size}\", when: {sise: 64}");
  expect_error(when, 10, "workload.generator.threads[0].ops[0].kmalloc.when.sise",
               "no param named 'sise'");
  std::string open(params);
  open.replace(open.find("\"${szie}\""), 9, "\"${size\"");
  expect_error(open, 10, "workload.generator.threads[0].ops[0].kmalloc.size",
               "'${' without a closing '}'");
}

TEST(WorkloadGenerator, DuplicateNames) {
  expect_error(one_thread(R"yaml(      - name: t
        cpus: 0
        iterations: 1
        ops: [compute: 1]
      - name: t
        cpus: 1
        iterations: 1
        ops: [compute: 1]
)yaml"),
               9, "workload.generator.threads[1].name", "a second thread named 't'");
}

// ---- Errors: pools ----------------------------------------------------------

TEST(WorkloadGenerator, PoolNeverFilled) {
  expect_error(one_op("kfree: objs"), 9, std::string(kOp0) + ".kfree.from",
               "pool 'objs' is never filled: no allocation puts objects into it and nothing "
               "passes objects to it");
  // Passing from an empty pool does not fill the receiver.
  expect_error(one_thread(R"yaml(      - name: a
        cpus: 0
        iterations: 1
        ops:
          - touch: {from: p, mode: read}
          - pass: {from: p, to: a, into: q}
)yaml"),
               9, "workload.generator.threads[0].ops[0].touch.from",
               "pool 'p' is never filled: no allocation puts objects into it and nothing passes "
               "objects to it");
}

TEST(WorkloadGenerator, TypedFreeMustMatchThePool) {
  constexpr std::string_view yaml = R"yaml(workload:
  generator:
    name: w
    threads:
      - name: t
        cpus: 0
        iterations: 1
        ops:
          - alloc_pages: {order: 0, into: p}
          - kfree: {from: p}
)yaml";
  expect_error(yaml, 10, "workload.generator.threads[0].ops[1].kfree.from",
               "pool 'p' holds page objects, which this free cannot take (use free, which "
               "matches any kind)");
  std::string vm(yaml);
  vm.replace(vm.find("alloc_pages: {order: 0"), 22, "vmalloc: {size: 8KiB");
  vm.replace(vm.find("kfree"), 5, "free_pages");
  expect_error(vm, 10, "workload.generator.threads[0].ops[1].free_pages.from",
               "pool 'p' holds vmalloc objects, which this free cannot take (use free, which "
               "matches any kind)");
  std::string any(yaml);
  any.replace(any.find("kfree"), 5, "free");
  EXPECT_EQ(load(any).generator.threads[0].phases[0].ops[1].kind, OpKind::free);
  // One pool holds one kind.
  std::string mixed(yaml);
  mixed.replace(mixed.find("kfree: {from: p}"), 16, "kmalloc: {size: 64, into: p}");
  expect_error(mixed, 10, "workload.generator.threads[0].ops[1].kmalloc.into",
               "pool 'p' already holds page objects, not kmalloc");
}

TEST(WorkloadGenerator, AllocationNeedsIntoOrLifetime) {
  const std::string op = std::string(kOp0) + ".kmalloc.";
  expect_error(one_op("kmalloc: {size: 64}"), 9, op + "into",
               "the object needs somewhere to go: a pool (into) or a lifetime");
  expect_error(one_op("kmalloc: {size: 64, into: p, lifetime: 1us}"), 9, op + "into",
               "give either a lifetime or a pool (into), not both");
  expect_error(one_op("kmalloc: {size: 64, into: p, free_by: next_cpu}"), 9, op + "free_by",
               "free_by needs a lifetime");
  expect_error(one_op("kmalloc: {size: 64, into: p, rcu: true}"), 9, op + "rcu",
               "an allocation's rcu needs a lifetime");
  expect_error(one_op("kmalloc: {size: 64, lifetime: 1us, keep: 4}"), 9, op + "keep",
               "keep needs a pool (into)");
  expect_error(one_op("kmalloc: {size: 64, lifetime: 1us, free_by: \"3-1\"}"), 9, op + "free_by",
               "range '3-1' runs backwards");
}

// ---- Errors: interrupt context ---------------------------------------------

TEST(WorkloadGenerator, IrqThreadCannotSleep) {
  const std::string op0 = kOp0;
  expect_error(irq_op("sleep: 1us"), 10, op0 + ".sleep.time", "interrupt context cannot sleep");
  expect_error(irq_op("barrier: b"), 10, op0 + ".barrier.name",
               "interrupt context cannot wait at a barrier");
  expect_error(irq_op("kmalloc: {size: 64, lifetime: 1us, gfp: GFP_KERNEL}"), 10,
               op0 + ".kmalloc.gfp",
               "'GFP_KERNEL' may sleep, which interrupt context must not (use GFP_ATOMIC)");
  expect_error(irq_op("vmalloc: {size: 8KiB, lifetime: 1us}"), 10, op0 + ".vmalloc.size",
               "vmalloc may sleep: not in interrupt context");
  expect_error(irq_op("kfree: {from: p, wait: true}"), 10, op0 + ".kfree.wait",
               "interrupt context cannot wait");
  // Thread-level settings.
  std::string thread_gfp = irq_op("compute: 1");
  thread_gfp.insert(thread_gfp.find("        ops:"), "        gfp: GFP_NOIO\n");
  expect_error(thread_gfp, 9, "workload.generator.threads[0].gfp",
               "'GFP_NOIO' may sleep, which interrupt context must not (use GFP_ATOMIC)");
  std::string max_live = irq_op("compute: 1");
  max_live.insert(max_live.find("        ops:"), "        max_live: 10\n");
  expect_error(max_live, 9, "workload.generator.threads[0].max_live",
               "an irq thread cannot wait for its objects to be freed");
  // GFP_NOWAIT does not sleep.
  EXPECT_NO_THROW(load(irq_op("kmalloc: {size: 64, lifetime: 1us, gfp: GFP_NOWAIT}")));
}

TEST(WorkloadGenerator, ArrivalsBelongToIrqThreads) {
  const ConfigError e = error(one_thread(R"yaml(      - name: nic
        cpus: 0
        context: irq
        ops: [compute: 1]
)yaml"));
  EXPECT_EQ(e.file, "w.yaml");
  EXPECT_EQ(e.line, 5);
  EXPECT_EQ(e.key, "workload.generator.threads[0].arrival");
  EXPECT_EQ(e.message, "an irq thread needs an arrival distribution (such as exponential(50us))");
  expect_error(one_thread(R"yaml(      - name: t
        cpus: 0
        arrival: 1us
        iterations: 1
        ops: [compute: 1]
)yaml"),
               7, "workload.generator.threads[0].arrival",
               "only an irq thread has arrivals (set context: irq)");
  expect_error(one_thread(R"yaml(      - name: t
        cpus: 0
        context: softirq
        iterations: 1
        ops: [compute: 1]
)yaml"),
               7, "workload.generator.threads[0].context",
               "unknown value 'softirq' (expected process or irq)");
  // Objects cannot be handed to an interrupt.
  expect_error(one_thread(R"yaml(      - name: nic
        cpus: 0
        context: irq
        arrival: 10us
        ops: [compute: 1]
      - name: t
        cpus: 1
        iterations: 1
        ops:
          - kmalloc: {size: 64, into: p}
          - pass: {from: p, to: nic}
)yaml"),
               15, "workload.generator.threads[1].ops[1].pass.to",
               "objects cannot be passed to an irq thread");
}

// ---- Errors: CPU sets -------------------------------------------------------

TEST(WorkloadGenerator, BadCpuSets) {
  auto thread_on = [](std::string_view set) {
    return one_thread("      - name: t\n        cpus: " + std::string(set) +
                      "\n        iterations: 1\n        ops: [compute: 1]\n");
  };
  const std::string key = "workload.generator.threads[0].cpus";
  expect_error(thread_on("8"), 6, key, "CPU 8 does not exist (the machine has 8)");
  expect_error(thread_on("\"0-9\""), 6, key, "CPU 8 does not exist (the machine has 8)");
  expect_error(thread_on("[0, 12]"), 6, key, "CPU 12 does not exist (the machine has 8)");
  expect_error(thread_on("\"5-3\""), 6, key, "range '5-3' runs backwards");
  expect_error(thread_on("\"0-3,2\""), 6, key, "CPU 2 is listed twice");
  expect_error(thread_on("\"node0,3\""), 6, key, "CPU 3 is listed twice");
  expect_error(thread_on("node2"), 6, key, "node 2 does not exist");
  expect_error(thread_on("\"0-7:3/2\""), 6, key,
               "in '0-7:3/2', used/group needs 0 < used <= group");
  expect_error(thread_on("\"0-7:2\""), 6, key, "'0-7:2' needs used/group after ':'");
  expect_error(thread_on("[]"), 6, key, "an empty CPU list");
  expect_error(thread_on("first"), 6, key,
               "expected all, nodeK or a cpulist such as 0-3,6 or 1-N:1/4 (N: the last CPU), or a "
               "sequence; got 'first'");
  // Only a range that ends in N may be empty.
  expect_error(thread_on("\"10-9\""), 6, key, "range '10-9' runs backwards");
}

// ---- Errors: phases and distributions --------------------------------------

TEST(WorkloadGenerator, PhaseThatNeverEnds) {
  expect_error(one_thread(R"yaml(      - name: t
        cpus: 0
        phases:
          - name: steady
            ops:
              - compute: 1
)yaml"),
               10, "workload.generator.threads[0].phases[0].ops",
               "phase 'steady' never ends: give it iterations or a duration (or the workload a "
               "duration)");
  expect_error(one_thread(R"yaml(      - name: t
        cpus: 0
        phases:
          - iterations: 3
            ops: [compute: 1]
          - ops: [compute: 1]
)yaml"),
               10, "workload.generator.threads[0].phases[1].ops",
               "phase 'phase 1' never ends: give it iterations or a duration (or the workload a "
               "duration)");
  // A workload duration bounds every phase.
  const Config c = load(R"yaml(workload:
  generator:
    name: w
    duration: 1ms
    threads:
      - name: t
        cpus: 0
        ops: [compute: 1]
)yaml");
  EXPECT_EQ(c.generator.duration, 2500000u);
  expect_error(one_thread(R"yaml(      - name: t
        cpus: 0
        iterations: 2
        phases:
          - iterations: 3
            ops: [compute: 1]
)yaml"),
               9, "workload.generator.threads[0].phases",
               "iterations and duration belong to each phase");
  expect_error(one_thread(R"yaml(      - name: t
        cpus: 0
        phases:
          - iterations: 3
            ops: [compute: 1]
        ops: [compute: 1]
)yaml"),
               10, "workload.generator.threads[0].ops",
               "give either phases or ops (one phase), not both");
  expect_error(one_thread(R"yaml(      - name: t
        cpus: 0
        iterations: 2
)yaml"),
               5, "workload.generator.threads[0].phases", "a thread needs phases (or ops)");
}

TEST(WorkloadGenerator, BadDistributions) {
  const std::string op0 = kOp0;
  expect_error(one_op("compute: uniform(5, 1)"), 9, op0 + ".compute.cycles",
               "uniform needs lo <= hi, got lo 5 and hi 1");
  expect_error(one_op("kmalloc: {size: \"unifrom(8, 16)\", lifetime: 1us}"), 9,
               op0 + ".kmalloc.size",
               "unknown distribution 'unifrom' (expected uniform, exponential, lognormal, pareto "
               "or table); did you mean 'uniform'?");
  expect_error(one_op("kmalloc: {size: \"table(64:1, 128:0)\", lifetime: 1us}"), 9,
               op0 + ".kmalloc.size",
               "table entry '128:0' has weight 0 (weights must be positive)");
  expect_error(one_op("kmalloc: {size: 64, lifetime: \"pareto(1us, 0)\"}"), 9,
               op0 + ".kmalloc.lifetime", "pareto alpha must be greater than 0, got 0");
  expect_error(one_op("kmalloc: {size: 64, lifetime: \"exponential(1us, 2us)\"}"), 9,
               op0 + ".kmalloc.lifetime",
               "exponential takes 1 argument, got 2 (exponential(mean))");
  expect_error(one_op("kmalloc: {size: 64, lifetime: exponential}"), 9, op0 + ".kmalloc.lifetime",
               "missing '(' after 'exponential'");
  expect_error(one_op("sleep: lognormal(1us, -1)"), 9, op0 + ".sleep.time",
               "lognormal sigma must not be negative, got -1");
  expect_error(one_op("alloc_pages: {order: \"uniform(0, 11)\", lifetime: 1us}"), 9,
               op0 + ".alloc_pages.order", "page orders go up to 10 (MAX_ORDER - 1)");
  expect_error(one_op("compute: {cycles: 1, count: uniform(1)}"), 9, op0 + ".compute.count",
               "uniform takes 2 arguments, got 1 (uniform(a, b))");
}

// ---- Errors: workload.kind --------------------------------------------------

TEST(WorkloadGenerator, WorkloadKind) {
  expect_error("workload:\n  kind: generater\n", 2, "workload.kind",
               "unknown value 'generater' (expected generator or exercise); did you mean "
               "'generator'?");
  // An empty generator replaces the default's, leaving none.
  expect_error("workload:\n  kind: generator\n  generator:\n", 3, "workload.generator",
               "workload.kind is generator but no generator is given");
  const Config exercise = load("workload:\n  kind: exercise\n  generator:\n");
  EXPECT_EQ(exercise.workload_kind, WorkloadKind::exercise);
  EXPECT_TRUE(exercise.generator.empty());
  // The generator is checked whatever the kind.
  expect_error(R"yaml(workload:
  kind: exercise
  generator:
    name: w
    threads: []
)yaml",
               5, "workload.generator.threads", "a workload needs at least one thread");
}

// ---- Merging: files replace, --set edits -----------------------------------

TEST(WorkloadGenerator, FileReplacesTheDefaultGenerator) {
  const Config def = load("");
  ASSERT_EQ(def.generator.name, "mixed-kernel");
  ASSERT_GT(def.generator.threads.size(), 1u);
  ASSERT_FALSE(def.generator.caches.empty());

  constexpr std::string_view yaml = R"yaml(workload:
  generator:
    name: solo
    threads:
      - name: only
        cpus: all
        iterations: 3
        ops: [compute: 10]
)yaml";
  const Config c = load(yaml);
  EXPECT_EQ(c.generator.name, "solo");
  ASSERT_EQ(c.generator.threads.size(), 1u);
  EXPECT_EQ(c.generator.threads[0].name, "only");
  EXPECT_TRUE(c.generator.caches.empty());    // the default's caches are gone
  EXPECT_TRUE(c.generator.mempools.empty());  // and its mempools
  // So are its params: a file's generator starts from nothing.
  expect_error(R"yaml(workload:
  generator:
    name: solo
    threads:
      - name: only
        cpus: all
        iterations: 3
        ops: [compute: {cycles: 10, when: {stacks: vmalloc}}]
)yaml",
               8, "workload.generator.threads[0].ops[0].compute.when.stacks",
               "no param named 'stacks'");
  // --set still edits keys inside the file's generator.
  const Config d = load(yaml, {"workload.generator.name=renamed"});
  EXPECT_EQ(d.generator.name, "renamed");
  EXPECT_EQ(d.generator.threads.size(), 1u);
  // A file that does not give a generator keeps the default's.
  const Config e = load("machine:\n  cpus: 4\n");
  EXPECT_EQ(e.generator.name, "mixed-kernel");
  EXPECT_EQ(e.generator.threads.size(), def.generator.threads.size());
}

// The default's fork_exit thread picks its stack allocation by a param.
TEST(WorkloadGenerator, SetChangesAParamOfTheDefault) {
  auto fork_exit = [](const Config& c) -> const gen::ThreadSpec& {
    for (const gen::ThreadSpec& t : c.generator.threads)
      if (t.name == "fork_exit") return t;
    ADD_FAILURE() << "no fork_exit thread";
    return c.generator.threads.front();
  };
  const Config def = load("");
  const std::vector<gen::Op>& v = fork_exit(def).phases[0].ops;
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[2].kind, OpKind::vmalloc);
  const Config pages = load("", {"workload.generator.params.stacks=pages"});
  const std::vector<gen::Op>& p = fork_exit(pages).phases[0].ops;
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[2].kind, OpKind::alloc_pages);
  expect_constant(p[2].amount, 2);
  // A param that nothing uses is a mistake (a misspelt name), not ignored.
  EXPECT_THROW(load("", {"workload.generator.params.stack=pages"}), ConfigError);
}

// ---- The resolved YAML loads back ------------------------------------------

void expect_same_generator(const gen::GeneratorSpec& a, const gen::GeneratorSpec& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.duration, b.duration);
  EXPECT_EQ(a.rcu_grace, b.rcu_grace);
  EXPECT_EQ(a.quantum, b.quantum);
  ASSERT_EQ(a.caches.size(), b.caches.size());
  for (std::size_t i = 0; i < a.caches.size(); ++i) EXPECT_EQ(a.caches[i].name, b.caches[i].name);
  ASSERT_EQ(a.mempools.size(), b.mempools.size());
  EXPECT_EQ(a.barriers, b.barriers);
  ASSERT_EQ(a.threads.size(), b.threads.size());
  for (std::size_t t = 0; t < a.threads.size(); ++t) {
    const gen::ThreadSpec &x = a.threads[t], &y = b.threads[t];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.cpus, y.cpus);
    EXPECT_EQ(x.irq, y.irq);
    ASSERT_EQ(x.pools.size(), y.pools.size()) << x.name;
    for (std::size_t i = 0; i < x.pools.size(); ++i) {
      EXPECT_EQ(x.pools[i].name, y.pools[i].name);
      EXPECT_EQ(x.pools[i].kind, y.pools[i].kind);
    }
    ASSERT_EQ(x.phases.size(), y.phases.size()) << x.name;
    for (std::size_t p = 0; p < x.phases.size(); ++p) {
      EXPECT_EQ(x.phases[p].name, y.phases[p].name);
      EXPECT_EQ(x.phases[p].iterations, y.phases[p].iterations);
      EXPECT_EQ(x.phases[p].duration, y.phases[p].duration);
      ASSERT_EQ(x.phases[p].ops.size(), y.phases[p].ops.size()) << x.name;
      for (std::size_t o = 0; o < x.phases[p].ops.size(); ++o) {
        EXPECT_EQ(x.phases[p].ops[o].kind, y.phases[p].ops[o].kind);
        EXPECT_EQ(x.phases[p].ops[o].pool, y.phases[p].ops[o].pool);
        EXPECT_EQ(x.phases[p].ops[o].to_thread, y.phases[p].ops[o].to_thread);
        EXPECT_EQ(x.phases[p].ops[o].gfp, y.phases[p].ops[o].gfp);
      }
    }
  }
}

TEST(WorkloadGenerator, ResolvedYamlLoadsBack) {
  const Config c = load(kStudy);
  const Config back = load_config_text(c.resolved_yaml, "resolved.yaml", {});
  expect_same_generator(c.generator, back.generator);
  EXPECT_EQ(back.workload_kind, WorkloadKind::generator);
  // The resolved config keeps params as they ended up after --set.
  const Config set = load("", {"workload.generator.params.stacks=pages"});
  const Config set_back = load_config_text(set.resolved_yaml, "resolved.yaml", {});
  expect_same_generator(set.generator, set_back.generator);
  EXPECT_NE(set.resolved_yaml.find("stacks: pages"), std::string::npos);
}

// ---- Reader bugs (disabled until io/config/workload_generator.cpp is fixed) --

// Regression (was a bug): read_thread passes "main" as the default name of the phase that
// thread-level `ops` make, but read_phase then finds the *thread's* `name`
// key in the same mapping, so the phase is named after the thread (errors
// say "phase 't' never ends", deadlock reports "thread 't' ..., phase 't'").
TEST(WorkloadGenerator, ThreadLevelOpsPhaseIsNamedMain) {
  const Config c = load(one_op("compute: 1"));
  EXPECT_EQ(c.generator.threads[0].phases[0].name, "main");
  expect_error(one_thread(R"yaml(      - name: t
        cpus: 0
        ops:
          - compute: 1
)yaml"),
               8, "workload.generator.threads[0].ops",
               "phase 'main' never ends: give it iterations or a duration (or the workload a "
               "duration)");
}

// Regression (was a bug): a typed free in scalar form (`kfree: p`) keeps, for the kind check
// done after every thread is read, a Value that points into the Node that
// read_op built on its stack for the shorthand (`wrapped`). By then it is
// gone: the error has no file and line 0 (undefined behaviour; it may crash).
TEST(WorkloadGenerator, TypedFreeShorthandMismatchNamesItsLine) {
  expect_error(R"yaml(workload:
  generator:
    name: w
    threads:
      - name: t
        cpus: 0
        iterations: 1
        ops:
          - alloc_pages: {order: 0, into: p}
          - kfree: p
)yaml",
               10, "workload.generator.threads[0].ops[1].kfree.from",
               "pool 'p' holds page objects, which this free cannot take (use free, which "
               "matches any kind)");
}

// Regression (was a bug): `pass` has no scalar shorthand, and read_op looks it up with
// kShorthand.at("pass"), which throws std::out_of_range ("map::at") instead
// of a ConfigError; `allocsim validate` prints "failed: map::at".
TEST(WorkloadGenerator, PassInScalarFormIsAConfigError) {
  std::string yaml = one_op("kmalloc: {size: 64, into: p}");
  yaml += "          - pass: p\n";
  const ConfigError e = error(yaml);
  EXPECT_EQ(e.file, "w.yaml");
  EXPECT_EQ(e.line, 10);
  EXPECT_EQ(e.key.rfind("workload.generator.threads[0].ops[1]", 0), 0u) << e.key;
}

// Regression (was a bug): the "a range ending in N may be empty" rule also lets a free_by CPU
// set be empty ("9-N" on 8 CPUs); the run then picks free_cpus[0] of an
// empty vector (allocsim run: segmentation fault). An empty free_by set
// should be an error.
TEST(WorkloadGenerator, EmptyFreeByCpuSetIsAnError) {
  const ConfigError e = error(one_op("kmalloc: {size: 64, lifetime: 1us, free_by: \"9-N\"}"));
  EXPECT_EQ(e.file, "w.yaml");
  EXPECT_EQ(e.line, 9);
  EXPECT_EQ(e.key, std::string(kOp0) + ".kmalloc.free_by");
}

// Regression (was a bug): a thread whose CPU set is empty on this machine ("9-N" on 8 CPUs) has
// no instances, yet `pass` may target it; the run then takes an index modulo
// zero in Runner::pass (allocsim run: floating point exception). Passing to
// such a thread should be an error naming pass.to (or the run should treat
// it as having no receiver).
TEST(WorkloadGenerator, PassToAThreadWithoutCpusIsAnError) {
  const ConfigError e = error(one_thread(R"yaml(      - name: big
        cpus: "9-N"
        iterations: 1
        ops:
          - kfree: {from: p}
      - name: t
        cpus: 0
        iterations: 3
        ops:
          - kmalloc: {size: 64, into: p}
          - pass: {from: p, to: big}
)yaml"));
  EXPECT_EQ(e.file, "w.yaml");
  EXPECT_EQ(e.line, 15);
  EXPECT_EQ(e.key, "workload.generator.threads[1].ops[1].pass.to");
}

}  // namespace
}  // namespace allocsim::io
