// Loading whole configs: the embedded default, merging files, --set, --seed,
// and the resolved YAML.
#include <gtest/gtest.h>

#include "config_test_util.hpp"

namespace allocsim::io {
namespace {

using sim::Arch;
using sim::LockKind;
using sim::Replacement;
using testing::expect_same_machine;
using testing::TempDir;

constexpr std::uint64_t KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024;

TEST(Config, EmbeddedDefaultExactValues) {
  Config c = load_config({}, {});
  const sim::MachineConfig& m = c.machine;
  EXPECT_EQ(m.name, "default-2node");
  EXPECT_EQ(m.arch, Arch::x86_64);
  EXPECT_EQ(m.ghz, 2.5);
  EXPECT_EQ(m.cpus, 8u);
  EXPECT_EQ(m.nodes, 2u);
  EXPECT_EQ(m.cpu_node, (std::vector<sim::NodeId>{0, 0, 0, 0, 1, 1, 1, 1}));
  ASSERT_EQ(m.node_memory.size(), 2u);
  EXPECT_EQ(m.node_memory[0].start.value(), 0u);
  EXPECT_EQ(m.node_memory[0].bytes, 4 * GiB);
  EXPECT_EQ(m.node_memory[1].start.value(), 4 * GiB);
  EXPECT_EQ(m.node_memory[1].bytes, 4 * GiB);
  ASSERT_EQ(m.links.size(), 1u);
  EXPECT_EQ(m.links[0].a, 0u);
  EXPECT_EQ(m.links[0].b, 1u);
  EXPECT_EQ(m.links[0].distance, 21u);
  EXPECT_TRUE(m.distance.empty());
  EXPECT_EQ(m.line_bytes, 64u);
  EXPECT_EQ(m.l1d.size_bytes, 32 * KiB);
  EXPECT_EQ(m.l1d.ways, 8u);
  EXPECT_EQ(m.l1d.latency, 4u);
  EXPECT_EQ(m.l1d.replacement, Replacement::lru);
  EXPECT_EQ(m.l2.size_bytes, 1 * MiB);
  EXPECT_EQ(m.l2.ways, 16u);
  EXPECT_EQ(m.l2.latency, 14u);
  EXPECT_EQ(m.l2.replacement, Replacement::lru);
  EXPECT_EQ(m.llc.size_bytes, 16 * MiB);
  EXPECT_EQ(m.llc.ways, 16u);
  EXPECT_EQ(m.llc.latency, 50u);
  EXPECT_EQ(m.llc.replacement, Replacement::lru);
  EXPECT_EQ(m.llc.shared_by, 0u);
  EXPECT_EQ(m.memory.latency, 213u);  // 85ns at 2.5 GHz, 212.5 rounded up
  EXPECT_EQ(m.memory.channels, 2u);
  EXPECT_EQ(m.memory.interleave_bytes, 256u);
  EXPECT_EQ(m.memory.bytes_per_cycle, 8.0);  // 20GB/s at 2.5 GHz
  EXPECT_EQ(m.memory.queue_window, 4096u);
  EXPECT_EQ(m.coherence.c2c_same_llc, 120u);   // 48ns
  EXPECT_EQ(m.coherence.c2c_same_node, 150u);  // 60ns
  EXPECT_EQ(m.coherence.c2c_remote, 338u);     // 135ns, 337.5 rounded up
  EXPECT_EQ(m.lock_kind, LockKind::queued);
  EXPECT_TRUE(m.timing);
  EXPECT_EQ(c.run.seed, 1u);
  EXPECT_EQ(c.exercise.ops_per_cpu, 20000u);
  EXPECT_EQ(c.exercise.footprint_bytes, 8 * MiB);
  EXPECT_EQ(c.exercise.patterns,
            (std::vector<ExercisePattern>{ExercisePattern::false_sharing, ExercisePattern::padded,
                                          ExercisePattern::random_read, ExercisePattern::page_churn,
                                          ExercisePattern::kmalloc_churn}));
}

TEST(Config, EmbeddedDefaultIsConfigsDefaultYaml) {
  std::ifstream in(testing::configs_dir() / "default.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, default_config_yaml());
}

// The generated workload is kept as written (its own test covers it); the
// rest is spelt out in canonical form.
TEST(Config, ResolvedYamlOfTheDefault) {
  std::string resolved = load_config({}, {}).resolved_yaml;
  const std::size_t from = resolved.find("  generator:\n");
  const std::size_t to = resolved.find("  trace: none\n");
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  EXPECT_NE(resolved.find("    name: mixed-kernel\n", from), std::string::npos);
  resolved.erase(from, to - from);
  EXPECT_EQ(
      resolved,
      R"(# allocsim resolved config: every key explicit, times in cycles, bandwidth in bytes per cycle
machine:
  name: default-2node
  arch: x86_64
  frequency: 2.5GHz
  cpus: 8
  nodes: 2
  cpu_nodes: [0, 0, 0, 0, 1, 1, 1, 1]
  memory:
    nodes: [4GiB, 4GiB]
    starts: [0B, 4GiB]
    latency: 213cycles
    channels: 2
    interleave: 256B
    channel_bandwidth: 8B/cycle
    queue_window: 4096cycles
  interconnect:
    links:
      - [0, 1, 21]
  caches:
    line: 64B
    l1d:
      size: 32KiB
      ways: 8
      latency: 4cycles
      replacement: lru
    l2:
      size: 1MiB
      ways: 16
      latency: 14cycles
      replacement: lru
    llc:
      size: 16MiB
      ways: 16
      latency: 50cycles
      replacement: lru
      shared_by: node
  coherence:
    c2c_same_llc: 120cycles
    c2c_same_node: 150cycles
    c2c_remote: 338cycles
  locks: queued
  lock_classes: {}
  timing: true
kernel:
  flavour: linux-6
  hz: 250
  rcu_grace_period: auto
  stat_interval: 1
  min_free_kbytes: auto
  watermark_scale_factor: 10
  watermark_boost_factor: 15000
  transparent_hugepage: false
  pcp: true
  percpu_pagelist_high_fraction: 0
  pcp_batch: auto
  pcp_high: auto
  lowmem_reserve_ratio: auto
  pageblock_order: 9
  mobility_grouping: true
  slab: slub
  magazine_rounds: auto
  slab_colouring: true
  slab_merge: true
  slab_max_order: auto
  slub_min_order: 0
  slub_max_order: 3
  slub_min_objects: 0
  slab_limit: auto
  slab_colour_step: auto
  slab_colour_max: auto
  slub_cpu_partial: auto
  slub_min_partial: auto
  stop_on_error: false
  reclaim:
    batch: 32
    cycles_per_page: 2000
    kswapd_delay: 10000
    max_retries: 16
workload:
  kind: generator
  trace: none
  trace_format: auto
  skip_bad_lines: false
  replay_timing: open-loop
  replay_time_scale: 1
  exercise:
    ops_per_cpu: 20000
    footprint: 8MiB
    patterns: [false_sharing, padded, random_read, page_churn, kmalloc_churn]
run:
  seed: 1
  trace_out: none
  sample_interval: 50000cycles
  max_samples: 2000
  events: 0
  event_every: 1
  max_host_memory: auto
)");
}

TEST(Config, TwoFilesMergeLeftToRight) {
  TempDir dir;
  std::string a = dir.write("a.yaml", R"(machine:
  cpus: 16
  caches:
    l1d: {size: 64KiB, ways: 8}
  memory:
    nodes: [2GiB, 6GiB]
workload:
  exercise:
    patterns: [padded, random_read]
)");
  std::string b = dir.write("b.yaml", R"(machine:
  caches:
    l1d: {ways: 16}
  memory:
    latency: 100ns
workload:
  exercise:
    patterns: [false_sharing]
)");
  Config c = load_config({a, b}, {});
  EXPECT_EQ(c.machine.cpus, 16u);                 // from a
  EXPECT_EQ(c.machine.l1d.size_bytes, 64 * KiB);  // from a
  EXPECT_EQ(c.machine.l1d.ways, 16u);             // b deep-merges into a's l1d
  EXPECT_EQ(c.machine.l1d.latency, 4u);           // from the default
  EXPECT_EQ(c.machine.memory.latency, 250u);      // from b
  EXPECT_EQ(c.machine.node_memory[0].bytes, 2 * GiB);
  EXPECT_EQ(c.machine.node_memory[1].start.value(), 2 * GiB);
  EXPECT_EQ(c.machine.node_memory[1].bytes, 6 * GiB);
  // Sequences are replaced, not appended.
  EXPECT_EQ(c.exercise.patterns, (std::vector<ExercisePattern>{ExercisePattern::false_sharing}));
  EXPECT_EQ(load_config({b, a}, {}).exercise.patterns,
            (std::vector<ExercisePattern>{ExercisePattern::padded, ExercisePattern::random_read}));
}

// Issue 15: without machine.cpu_nodes, CPUs split over the nodes in
// contiguous blocks, as even as possible, the first nodes taking the extra
// CPU; with fewer CPUs than nodes the last nodes have none.
TEST(Config, CpusSplitOverNodesInContiguousBlocks) {
  using Nodes = std::vector<sim::NodeId>;
  auto nodes_of = [](std::uint32_t cpus, std::uint32_t nodes) {
    return load_config_text(
               "", "t.yaml",
               {"machine.cpus=" + std::to_string(cpus), "machine.nodes=" + std::to_string(nodes)})
        .machine.cpu_node;
  };
  EXPECT_EQ(nodes_of(8, 3), (Nodes{0, 0, 0, 1, 1, 1, 2, 2}));
  EXPECT_EQ(nodes_of(6, 4), (Nodes{0, 0, 1, 1, 2, 3}));
  EXPECT_EQ(nodes_of(3, 2), (Nodes{0, 0, 1}));
  EXPECT_EQ(nodes_of(1, 2), (Nodes{0}));
  EXPECT_EQ(nodes_of(2, 4), (Nodes{0, 1}));
  EXPECT_EQ(nodes_of(8, 2), (Nodes{0, 0, 0, 0, 1, 1, 1, 1}));
}

TEST(Config, SetOverridesFilesAndEachOther) {
  TempDir dir;
  std::string a = dir.write("a.yaml", "machine:\n  caches:\n    l1d: {size: 16KiB}\n");
  Config c = load_config(
      {a}, {"machine.caches.l1d.size=64KiB", "machine.cpus=4", "machine.cpus=6", "machine.nodes=3",
            "machine.interconnect.distance=[[10,21,31],[21,10,21],[31,21,10]]",
            "machine.memory.per_node=1GiB", "machine.timing=off"});
  EXPECT_EQ(c.machine.l1d.size_bytes, 64 * KiB);
  EXPECT_EQ(c.machine.cpus, 6u);  // the later --set wins
  EXPECT_EQ(c.machine.cpu_node, (std::vector<sim::NodeId>{0, 0, 1, 1, 2, 2}));
  EXPECT_EQ(c.machine.distance,
            (std::vector<std::vector<unsigned>>{{10, 21, 31}, {21, 10, 21}, {31, 21, 10}}));
  EXPECT_TRUE(c.machine.links.empty());  // a matrix replaces the links
  EXPECT_EQ(c.machine.node_memory[2].start.value(), 2 * GiB);
  EXPECT_FALSE(c.machine.timing);
}

TEST(Config, SetIndexesIntoASequence) {
  Config c = load_config_text("machine:\n  memory: {nodes: [4GiB, 4GiB]}\n", "t.yaml",
                              {"machine.memory.nodes.1=8GiB"});
  EXPECT_EQ(c.machine.node_memory[1].bytes, 8 * GiB);
}

TEST(Config, ExclusiveKeysLaterLayerWins) {
  // The default says per_node; a file's nodes list replaces it.
  Config c = load_config_text("machine:\n  memory: {nodes: [1GiB, 3GiB]}\n");
  EXPECT_EQ(c.machine.node_memory[1].bytes, 3 * GiB);
  // A --set per_node replaces the file's list.
  c = load_config_text("machine:\n  memory: {nodes: [1GiB, 3GiB]}\n", "t.yaml",
                       {"machine.memory.per_node=2GiB"});
  EXPECT_EQ(c.machine.node_memory[0].bytes, 2 * GiB);
  EXPECT_EQ(c.machine.node_memory[1].bytes, 2 * GiB);
  // Each --set is a layer of its own: the later one wins here too.
  c = load_config_text("", "t.yaml",
                       {"machine.memory.per_node=1GiB", "machine.memory.nodes=[1GiB, 5GiB]"});
  EXPECT_EQ(c.machine.node_memory[1].bytes, 5 * GiB);
  // Links set after a matrix win over it; in one file the matrix wins.
  c = load_config_text("machine:\n  interconnect: {distance: [[10, 30], [30, 10]]}\n", "t.yaml",
                       {"machine.interconnect.links=[[0, 1, 25]]"});
  EXPECT_TRUE(c.machine.distance.empty());
  ASSERT_EQ(c.machine.links.size(), 1u);
  EXPECT_EQ(c.machine.links[0].distance, 25u);
  c = load_config_text(
      "machine:\n  interconnect: {links: [[0, 1, 25]], distance: [[10, 30], [30, 10]]}\n");
  EXPECT_TRUE(c.machine.links.empty());
  EXPECT_EQ(c.machine.distance[0][1], 30u);
}

TEST(Config, SeedOverride) {
  EXPECT_EQ(load_config({}, {}, 42).run.seed, 42u);
  Config c = load_config_text("run: {seed: 7}\n", "t.yaml", {"run.seed=8"}, 18446744073709551615u);
  EXPECT_EQ(c.run.seed, 18446744073709551615u);
  EXPECT_NE(c.resolved_yaml.find("seed: 18446744073709551615"), std::string::npos);
}

TEST(Config, RemoteLatencyIsOptional) {
  EXPECT_EQ(load_config({}).machine.memory.remote_latency, 0u);  // SLIT scaling by default
  Config c = load_config_text("machine:\n  memory: {remote_latency: 150ns}\n");
  EXPECT_EQ(c.machine.memory.remote_latency, 375u);  // 150 ns at 2.5 GHz
  EXPECT_NE(c.resolved_yaml.find("remote_latency: 375cycles"), std::string::npos);
  EXPECT_EQ(load_config_text(c.resolved_yaml).machine.memory.remote_latency, 375u);
}

TEST(Config, ExplicitCpuNodesAllowMemoryOnlyNodes) {
  Config c = load_config_text(R"(machine:
  cpus: 4
  nodes: 3
  cpu_nodes: [0, 0, 1, 1]
  memory: {nodes: [4GiB, 4GiB, 16GiB], starts: [16GiB, 0, 32GiB]}
  caches:
    llc: {shared_by: 2}
)");
  EXPECT_EQ(c.machine.cpu_node, (std::vector<sim::NodeId>{0, 0, 1, 1}));
  EXPECT_EQ(c.machine.node_memory[0].start.value(), 16 * GiB);
  EXPECT_EQ(c.machine.node_memory[1].start.value(), 0u);
  EXPECT_EQ(c.machine.node_memory[2].bytes, 16 * GiB);
  EXPECT_EQ(c.machine.llc.shared_by, 2u);
  EXPECT_EQ(c.machine.links.size(), 3u);  // full mesh of 3 nodes
}

TEST(Config, ValuesAcceptedInEveryForm) {
  Config c = load_config_text(R"(machine:
  frequency: 3000 MHz
  arch: i386
  cpus: 2
  nodes: 1
  memory: {per_node: 0x80000000, channel_bandwidth: 1.5 B/cycle, interleave: 4K}
  caches:
    l1d: {size: 48KiB, ways: 12, latency: 2ns, replacement: random}
    l2: {ways: 8, replacement: tree_plru}
  locks: ticket
  timing: no
)");
  EXPECT_EQ(c.machine.ghz, 3.0);
  EXPECT_EQ(c.machine.arch, Arch::i386);
  EXPECT_EQ(c.machine.node_memory[0].bytes, 2 * GiB);
  EXPECT_EQ(c.machine.memory.bytes_per_cycle, 1.5);
  EXPECT_EQ(c.machine.memory.interleave_bytes, 4096u);
  EXPECT_EQ(c.machine.l1d.ways, 12u);
  EXPECT_EQ(c.machine.l1d.latency, 6u);
  EXPECT_EQ(c.machine.l1d.replacement, Replacement::random);
  EXPECT_EQ(c.machine.l2.replacement, Replacement::tree_plru);
  EXPECT_EQ(c.machine.lock_kind, LockKind::ticket);
  EXPECT_FALSE(c.machine.timing);
}

// The resolved YAML loads back to the same configuration, and resolves to itself.
TEST(Config, ResolvedYamlRoundTrips) {
  const char* custom = R"(machine:
  frequency: 2.7GHz
  cpus: 6
  nodes: 3
  cpu_nodes: [2, 0, 1, 0, 1, 2]
  memory: {nodes: [1GiB, 2GiB, 4GiB], latency: 77ns, channel_bandwidth: 21.3GB/s}
  interconnect: {links: [[0, 1, 21], [1, 2, 31]]}
  caches:
    llc: {size: 19.25MiB, ways: 11, shared_by: 1}
workload:
  exercise: {patterns: [random_read, padded], footprint: 1.5MiB}
run: {seed: 99}
)";
  for (const Config& first : {load_config({}, {}), load_config_text(custom)}) {
    Config again = load_config_text(first.resolved_yaml, "resolved.yaml");
    expect_same_machine(first.machine, again.machine);
    EXPECT_EQ(first.run.seed, again.run.seed);
    EXPECT_EQ(first.exercise.ops_per_cpu, again.exercise.ops_per_cpu);
    EXPECT_EQ(first.exercise.footprint_bytes, again.exercise.footprint_bytes);
    EXPECT_EQ(first.exercise.patterns, again.exercise.patterns);
    EXPECT_EQ(first.resolved_yaml, again.resolved_yaml);
  }
}

}  // namespace
}  // namespace allocsim::io
