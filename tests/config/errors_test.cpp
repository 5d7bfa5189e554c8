// Malformed configs: each gives the intended ConfigError, with the exact
// file:line:column and dotted key.
#include <gtest/gtest.h>

#include "config_test_util.hpp"

namespace allocsim::io {
namespace {

using testing::error_of;
using testing::load_error;
using testing::TempDir;

// The full message of the error that loading `yaml` as t.yaml gives.
std::string message(std::string_view yaml, const std::vector<std::string>& sets = {}) {
  return load_error(yaml, sets).what();
}

TEST(Errors, FieldsAndFormat) {
  ConfigError e = load_error("machine:\n  cpus: 0\n");
  EXPECT_EQ(e.file, "t.yaml");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 9);
  EXPECT_EQ(e.key, "machine.cpus");
  EXPECT_EQ(e.message, "must be between 1 and 8192, got 0");
  EXPECT_STREQ(e.what(), "t.yaml:2:9: machine.cpus: must be between 1 and 8192, got 0");
}

TEST(Errors, UnknownKeysWithDidYouMean) {
  EXPECT_EQ(message("machine:\n  cpu: 4\n"),
            "t.yaml:2:3: machine.cpu: unknown key 'cpu'; did you mean 'cpus'?");
  EXPECT_EQ(message("machine:\n  cahces:\n    line: 64B\n"),
            "t.yaml:2:3: machine.cahces: unknown key 'cahces'; did you mean 'caches'?");
  EXPECT_EQ(message("machine:\n  caches:\n    l1d: {size: 32KiB, latncy: 4}\n"),
            "t.yaml:3:24: machine.caches.l1d.latncy: unknown key 'latncy'; did you mean "
            "'latency'?");
  // No close match: list what is allowed (long messages are cut: yaml_limits).
  EXPECT_EQ(
      message("kernel:\n  allocator: slob\n"),
      "t.yaml:2:3: kernel.allocator: unknown key 'allocator' (expected flavour, min_free_kbytes, "
      "watermark_scale_factor, watermark_boost_factor, transparent_hugepage, pcp, "
      "percpu_pagelist_high_fraction, pcp_batch, pcp_high, lowmem_reserve_ratio, "
      "pageblock_order, mobility_grouping, reclaim, slab, slab_colouring, slab_merge, "
      "slab_max_order, slub_min_order, slub_max_order, slub_min_objects, stop_on_error...");
  EXPECT_EQ(message("run:\n  duration: 5ms\n"),
            "t.yaml:2:3: run.duration: unknown key 'duration' (expected seed, trace_out, "
            "sample_interval, max_samples, events, event_every or max_host_memory)");
  // An unknown key is reported before a value error it may explain.
  EXPECT_EQ(message("machine:\n  caches:\n    l1d: {sise: 48KiB, ways: 12}\n"),
            "t.yaml:3:11: machine.caches.l1d.sise: unknown key 'sise'; did you mean 'size'?");
}

TEST(Errors, BadEnumListsAllowedValues) {
  EXPECT_EQ(message("machine:\n  caches:\n    l2:\n      replacement: lur\n"),
            "t.yaml:4:20: machine.caches.l2.replacement: unknown value 'lur' (expected lru, "
            "tree_plru or random); did you mean 'lru'?");
  EXPECT_EQ(message("machine:\n  arch: arm64\n"),
            "t.yaml:2:9: machine.arch: unknown value 'arm64' (expected x86_64 or i386)");
  EXPECT_EQ(message("machine: {locks: mcs}\n"),
            "t.yaml:1:18: machine.locks: unknown value 'mcs' (expected ticket or queued)");
  EXPECT_EQ(message("workload:\n  exercise:\n    patterns: [padded, false_shareing]\n"),
            "t.yaml:3:24: workload.exercise.patterns[1]: unknown value 'false_shareing' (expected "
            "false_sharing, padded, random_read, page_churn, kmalloc_churn or slab_colour); did "
            "you mean "
            "'false_sharing'?");
}

TEST(Errors, WrongTypes) {
  EXPECT_EQ(message("machine:\n  cpus: eight\n"),
            "t.yaml:2:9: machine.cpus: expected a non-negative integer, got 'eight'");
  EXPECT_EQ(message("machine:\n  cpus: [1, 2]\n"),
            "t.yaml:2:9: machine.cpus: expected an integer, got a sequence");
  EXPECT_EQ(message("machine:\n  cpus:\n"),
            "t.yaml:2:3: machine.cpus: expected an integer, got nothing");
  EXPECT_EQ(message("machine:\n  timing: maybe\n"),
            "t.yaml:2:11: machine.timing: expected a boolean (true/false, yes/no, on/off), got "
            "'maybe'");
  EXPECT_EQ(message("machine:\n  caches: 64B\n"),
            "t.yaml:2:11: machine.caches: expected a mapping, got '64B'");
  EXPECT_EQ(message("machine:\n  cpu_nodes: 0\n"),
            "t.yaml:2:14: machine.cpu_nodes: expected a sequence, got '0'");
  EXPECT_EQ(message("- machine\n"), "t.yaml:1:1: expected a mapping, got a sequence");
  EXPECT_EQ(
      message("workload:\n  exercise: {ops_per_cpu: 0}\n"),
      "t.yaml:2:27: workload.exercise.ops_per_cpu: must be between 1 and 1099511627776, got 0");
}

TEST(Errors, ImpossibleCpusAndNodes) {
  EXPECT_EQ(message("machine:\n  nodes: 0\n"),
            "t.yaml:2:10: machine.nodes: must be between 1 and 1024, got 0");
  EXPECT_EQ(message("machine:\n  cpu_nodes: [0, 0, 1, 1]\n"),
            "t.yaml:2:14: machine.cpu_nodes: has 4 entries but machine.cpus is 8");
  EXPECT_EQ(message("machine:\n  cpus: 4\n  cpu_nodes: [0, 1, 2, 1]\n"),
            "t.yaml:3:21: machine.cpu_nodes[2]: node 2 does not exist (machine.nodes is 2)");
  EXPECT_EQ(message("machine:\n  arch: i386\n  cpus: 128\n  nodes: 1\n"),
            "t.yaml:3:9: machine.cpus: must be between 1 and 64, got 128");
  // Issue 15: 3.1MHz ran at "0.00 GHz"; clocks outside 100MHz..10GHz are typos.
  EXPECT_EQ(message("machine:\n  frequency: 3.1MHz\n"),
            "t.yaml:2:14: machine.frequency: must be between 100MHz and 10GHz, got 3.1MHz");
  EXPECT_EQ(message("machine:\n  frequency: 11GHz\n"),
            "t.yaml:2:14: machine.frequency: must be between 100MHz and 10GHz, got 11GHz");
  EXPECT_EQ(message("", {"machine.frequency=99MHz"}),
            "--set machine.frequency: must be between 100MHz and 10GHz, got 99MHz");
  // A time above zero that rounds to no cycle at all.
  EXPECT_EQ(message("machine:\n  frequency: 2GHz\n  memory: {latency: 0.2ns}\n"),
            "t.yaml:3:21: machine.memory.latency: time '0.2ns' is less than half a cycle at 2GHz");
  EXPECT_EQ(message("machine:\n  frequency: 0GHz\n"),
            "t.yaml:2:14: machine.frequency: frequency must be greater than zero");
  EXPECT_EQ(message("machine:\n  name: ''\n"), "t.yaml:2:9: machine.name: must not be empty");
}

TEST(Errors, ImpossibleCaches) {
  EXPECT_EQ(message("machine:\n  caches:\n    l1d: {size: 0}\n"),
            "t.yaml:3:17: machine.caches.l1d.size: size must be greater than zero");
  EXPECT_EQ(message("machine:\n  caches:\n    l1d: {size: -32KiB}\n"),
            "t.yaml:3:17: machine.caches.l1d.size: a size must not be negative, got '-32KiB'");
  EXPECT_EQ(message("machine:\n  caches:\n    l1d: {ways: 12}\n"),
            "t.yaml:3:17: machine.caches.l1d.ways: size 32KiB is not a whole number of sets of 12 "
            "ways x 64B lines (768B per set)");
  // Set in the same file, size and ways tie: the size is blamed.
  EXPECT_EQ(message("machine:\n  caches:\n    l2: {size: 1MiB, ways: 24}\n"),
            "t.yaml:3:16: machine.caches.l2.size: size 1MiB is not a whole number of sets of 24 "
            "ways x 64B lines (1536B per set)");
  EXPECT_EQ(message("machine:\n  caches:\n    l1d: {ways: 0}\n"),
            "t.yaml:3:17: machine.caches.l1d.ways: must be between 1 and 64, got 0");
  EXPECT_EQ(message("machine:\n  caches:\n    line: 48B\n"),
            "t.yaml:3:11: machine.caches.line: line size must be a power of two between 8B and "
            "4KiB, got 48B");
  EXPECT_EQ(
      message("machine:\n  caches:\n    llc: {size: 24MiB, ways: 12, replacement: tree_plru}\n"),
      "t.yaml:3:47: machine.caches.llc.replacement: tree_plru needs a power-of-two number "
      "of ways, got 12");
  EXPECT_EQ(message("machine:\n  caches:\n    llc: {shared_by: 3}\n"),
            "t.yaml:3:22: machine.caches.llc.shared_by: node 0 has 4 CPUs, which do not split "
            "into LLCs shared by 3");
  EXPECT_EQ(message("machine:\n  caches:\n    llc: {shared_by: socket}\n"),
            "t.yaml:3:22: machine.caches.llc.shared_by: expected 'node' or a number of CPUs, got "
            "'socket'");
  EXPECT_EQ(message("machine:\n  caches:\n    llc: {shared_by: 0}\n"),
            "t.yaml:3:22: machine.caches.llc.shared_by: must be between 1 and 8, got 0");
}

TEST(Errors, ImpossibleMemory) {
  EXPECT_EQ(message("machine:\n  memory:\n    nodes: [4GiB]\n"),
            "t.yaml:3:12: machine.memory.nodes: has 1 entries but machine.nodes is 2");
  EXPECT_EQ(message("machine:\n  memory: {per_node: 1GiB, nodes: [1GiB, 1GiB]}\n"),
            "t.yaml:2:28: machine.memory.nodes: 'per_node' and 'nodes' are exclusive; give only "
            "one");
  EXPECT_EQ(message("machine:\n  memory:\n    per_node: 1000B\n"),
            "t.yaml:3:15: machine.memory.per_node: node memory 1000B is not a whole number of "
            "4KiB pages");
  EXPECT_EQ(message("machine:\n  memory:\n    nodes: [4GiB, 0]\n"),
            "t.yaml:3:19: machine.memory.nodes[1]: size must be greater than zero");
  EXPECT_EQ(message("machine:\n  memory:\n    starts: [0, 2GiB]\n"),
            "t.yaml:3:13: machine.memory.starts: node 1 overlaps node 0");
  EXPECT_EQ(message("machine:\n  memory:\n    starts: [0, 5000]\n"),
            "t.yaml:3:17: machine.memory.starts[1]: node start is not 4KiB-page aligned");
  EXPECT_EQ(message("machine:\n  arch: i386\n  memory:\n    per_node: 40GiB\n"),
            "t.yaml:4:15: machine.memory.per_node: node 1 ends above the 64GiB physical address "
            "limit of i386 with PAE");
  EXPECT_EQ(message("machine:\n  memory:\n    interleave: 32B\n"),
            "t.yaml:3:17: machine.memory.interleave: interleave must be a power of two of at "
            "least the line size (64B), got 32B");
  EXPECT_EQ(message("machine:\n  memory:\n    interleave: 384B\n"),
            "t.yaml:3:17: machine.memory.interleave: interleave must be a power of two of at "
            "least the line size (64B), got 384B");
  EXPECT_EQ(message("machine:\n  memory:\n    queue_window: 0\n"),
            "t.yaml:3:19: machine.memory.queue_window: queue_window must be at least one cycle");
  EXPECT_EQ(message("machine:\n  memory:\n    channels: 0\n"),
            "t.yaml:3:15: machine.memory.channels: must be between 1 and 64, got 0");
  EXPECT_EQ(message("machine:\n  memory:\n    remote_latency: 50ns\n"),
            "t.yaml:3:21: machine.memory.remote_latency: remote_latency must not be below latency");
}

TEST(Errors, ImpossibleInterconnect) {
  EXPECT_EQ(message("machine:\n  interconnect:\n    distance: [[10, 21]]\n"),
            "t.yaml:3:15: machine.interconnect.distance: distance matrix has 1 rows but "
            "machine.nodes is 2");
  EXPECT_EQ(message("machine:\n  interconnect:\n    distance: [[10, 21], [21]]\n"),
            "t.yaml:3:26: machine.interconnect.distance[1]: distance row has 1 entries but "
            "machine.nodes is 2");
  EXPECT_EQ(message("machine:\n  interconnect:\n    distance: [[10, 21], [21, 11]]\n"),
            "t.yaml:3:31: machine.interconnect.distance[1][1]: the diagonal must be 10 (local)");
  EXPECT_EQ(message("machine:\n  interconnect:\n    distance: [[10, 10], [21, 10]]\n"),
            "t.yaml:3:21: machine.interconnect.distance[0][1]: must be between 11 and 254, got 10");
  EXPECT_EQ(message("machine:\n  interconnect:\n    distance: [[10, 255], [21, 10]]\n"),
            "t.yaml:3:21: machine.interconnect.distance[0][1]: must be between 11 and 254, got "
            "255");
  EXPECT_EQ(message("machine:\n  interconnect:\n    links: [[0, 2, 21]]\n"),
            "t.yaml:3:17: machine.interconnect.links[0][1]: node 2 does not exist (machine.nodes "
            "is 2)");
  EXPECT_EQ(message("machine:\n  interconnect:\n    links: [[0, 1]]\n"),
            "t.yaml:3:13: machine.interconnect.links[0]: a link is [node_a, node_b, distance]");
  EXPECT_EQ(message("machine:\n  interconnect:\n    links: [[1, 1, 21]]\n"),
            "t.yaml:3:13: machine.interconnect.links[0]: a link must join two different nodes");
  EXPECT_EQ(message("machine:\n  interconnect:\n    links: [[0, 1, 21], [1, 0, 21]]\n"),
            "t.yaml:3:25: machine.interconnect.links[1]: duplicate link between nodes 1 and 0");
  EXPECT_EQ(message("machine:\n  cpus: 4\n  nodes: 4\n  interconnect:\n"
                    "    links: [[0, 1, 21], [2, 3, 21]]\n"),
            "t.yaml:5:12: machine.interconnect.links: node 2 is not connected to node 0");
}

TEST(Errors, SetOverridesNameTheKey) {
  EXPECT_EQ(message("", {"machine.caches.l1d.size=12parsecs"}),
            "--set machine.caches.l1d.size: invalid size '12parsecs': unknown unit 'parsecs' "
            "(expected B, KiB, MiB, GiB, TiB, K, KB, M, MB, G, GB, T or TB)");
  ConfigError e = load_error("", {"machine.cpu=4"});
  EXPECT_EQ(e.file, "--set");
  EXPECT_EQ(e.line, 0);
  EXPECT_EQ(e.key, "machine.cpu");
  EXPECT_STREQ(e.what(), "--set machine.cpu: unknown key 'cpu'; did you mean 'cpus'?");
  EXPECT_EQ(message("", {"kernel.allocator=slob"}),
            "--set kernel.allocator: unknown key 'allocator' (expected flavour, min_free_kbytes, "
            "watermark_scale_factor, watermark_boost_factor, transparent_hugepage, pcp, "
            "percpu_pagelist_high_fraction, pcp_batch, pcp_high, lowmem_reserve_ratio, "
            "pageblock_order, mobility_grouping, reclaim, slab, slab_colouring, slab_merge, "
            "slab_max_order, slub_min_order, slub_max_order, slub_min_objects, stop_on_error, "
            "maga...");
  EXPECT_EQ(message("", {"workload.trace=no/such.trace"}),
            "--set workload.trace: no such trace file or recording directory 'no/such.trace'");
  EXPECT_EQ(message("", {"workload.trace_format=strace"}),
            "--set workload.trace_format: unknown trace format 'strace' (expected auto, ftrace, "
            "trace-cmd, perf, native, wee_alloc, malloc-lab)");
  EXPECT_EQ(message("", {"kernel.slab=slib"}),
            "--set kernel.slab: unknown value 'slib' (expected slab, slub, slob or magazine); did "
            "you mean 'slab'?");
  EXPECT_EQ(message("", {"kernel.flavour=linux-2.6", "kernel.slab_max_order=2"}),
            "--set kernel.slab_max_order: does not exist in linux-2.6 (a linux-6 tunable)");
  EXPECT_EQ(message("", {"machine.locks="}),
            "--set machine.locks: expected one of ticket or "
            "queued, got nothing");
}

TEST(Errors, YamlSyntaxErrorLine) {
  ConfigError e = load_error("machine:\n  cpus: 8\n  caches: {line: 64B\n  nodes: 2\n");
  EXPECT_EQ(e.file, "t.yaml");
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.column, 8);
  EXPECT_EQ(e.key, "");
  EXPECT_EQ(std::string(e.what()).rfind("t.yaml:4:8: YAML syntax error: ", 0), 0u) << e.what();
}

TEST(Errors, FilesNamedInErrors) {
  TempDir dir;
  std::string missing = dir.write("present.yaml", "");
  missing.replace(missing.find("present"), 7, "absent");
  EXPECT_EQ(std::string(error_of([&] { load_config({missing}, {}); }).what()),
            missing + ": cannot open config file: No such file or directory");
  std::string a = dir.write("a.yaml", "machine:\n  cpus: 16\n");
  std::string b = dir.write("b.yaml", "# b\nmachine:\n  cpu_nodes: [0, 1]\n");
  EXPECT_EQ(std::string(error_of([&] {
                          load_config({a, b}, {});
                        }).what()),
            b + ":3:14: machine.cpu_nodes: has 2 entries but machine.cpus is 16");
  std::string c = dir.write("c.yaml", "machine:\n  arch: i386\n  cpus: 128\n");
  EXPECT_EQ(std::string(error_of([&] {
                          load_config({b, c}, {});
                        }).what()),
            c + ":3:9: machine.cpus: must be between 1 and 64, got 128");
}

}  // namespace
}  // namespace allocsim::io
