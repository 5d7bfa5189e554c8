// The config tree: origins, merging, --set overrides and YAML emission.
#include <gtest/gtest.h>

#include "config_test_util.hpp"
#include "io/config/override.hpp"
#include "io/config/suggest.hpp"
#include "io/config/yaml_emit.hpp"
#include "io/config/yaml_parse.hpp"

namespace allocsim::io {
namespace {

using testing::error_of;

TEST(Tree, OriginsAreOneBased) {
  Node root = parse_yaml("a: 1\nb:\n  c: [x, y]\n  d:\n", "f.yaml", 3);
  ASSERT_TRUE(root.is_map());
  const Node::Entry* b = root.find_entry("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->key_origin.line, 2);
  EXPECT_EQ(b->key_origin.column, 1);
  const Node* c = b->value.find("c");
  ASSERT_TRUE(c && c->is_sequence());
  const Node& y = c->items()[1];
  EXPECT_EQ(y.text(), "y");
  EXPECT_EQ(y.origin().file, "f.yaml");
  EXPECT_EQ(y.origin().line, 3);
  EXPECT_EQ(y.origin().column, 10);
  EXPECT_EQ(y.origin().layer, 3);
  // `d:` with nothing after it is null, placed at its key.
  const Node* d = b->value.find("d");
  ASSERT_TRUE(d && d->is_null());
  EXPECT_EQ(d->origin().line, 4);
  EXPECT_EQ(d->origin().column, 3);
}

TEST(Tree, EmptyDocumentIsNull) {
  EXPECT_TRUE(parse_yaml("", "f.yaml", 1).is_null());
  EXPECT_TRUE(parse_yaml("# only a comment\n", "f.yaml", 1).is_null());
}

TEST(Tree, SyntaxAndStructureErrors) {
  ConfigError e = error_of([] { parse_yaml("a: [1, 2\nb: 3\n", "f.yaml", 1); });
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 2);
  EXPECT_STREQ(e.what(), "f.yaml:2:2: YAML syntax error: end of sequence flow not found");
  e = error_of([] { parse_yaml("a:\n  b: 1\n  b: 2\n", "f.yaml", 1); });
  EXPECT_STREQ(e.what(), "f.yaml:3:3: a.b: duplicate key");
  e = error_of([] { parse_yaml("a: 1\n---\nb: 2\n", "f.yaml", 1); });
  EXPECT_STREQ(e.what(), "f.yaml: expected one YAML document, found 2");
  e = error_of([] { parse_yaml("? [1, 2]\n: x\n", "f.yaml", 1); });
  EXPECT_STREQ(e.what(), "f.yaml:1:3: map keys must be plain scalars");
}

TEST(Tree, MergeMapsDeepReplaceScalarsAndSequences) {
  Node base = parse_yaml("m: {a: 1, b: {c: 2, d: 3}, s: [1, 2, 3]}\nkeep: {x: 1}\n", "base", 0);
  Node over = parse_yaml("m: {b: {d: 4, e: 5}, s: [9]}\nkeep:\nnew: 7\n", "over", 1);
  merge_into(base, over);
  EXPECT_EQ(emit_yaml(base),
            "m:\n  a: 1\n  b:\n    c: 2\n    d: 4\n    e: 5\n  s: [9]\nkeep:\n  x: 1\nnew: 7\n");
  EXPECT_EQ(base.find("m")->find("b")->find("d")->origin().file, "over");
  EXPECT_EQ(base.find("m")->find("b")->find("c")->origin().file, "base");
}

TEST(Tree, SetOverrides) {
  Node root = parse_yaml("machine: {cpus: 8, memory: {nodes: [4GiB, 4GiB]}}\n", "f", 1);
  apply_set(root, "machine.cpus=16", 2);
  apply_set(root, "kernel.slab=slub", 3);
  apply_set(root, "machine.interconnect.distance=[[10,21],[21,10]]", 4);
  apply_set(root, "machine.memory.nodes.1=8GiB", 5);
  EXPECT_EQ(emit_yaml(root),
            "machine:\n  cpus: 16\n  memory:\n    nodes: [4GiB, 8GiB]\n  interconnect:\n"
            "    distance:\n      - [10, 21]\n      - [21, 10]\nkernel:\n  slab: slub\n");
  const Node* cpus = root.find("machine")->find("cpus");
  EXPECT_EQ(cpus->origin().file, "--set");
  EXPECT_EQ(cpus->origin().line, 0);
  EXPECT_EQ(cpus->origin().layer, 2);
}

TEST(Tree, SetErrors) {
  Node root = Node::map();
  EXPECT_STREQ(error_of([&] { apply_set(root, "machine.cpus", 1); }).what(),
               "--set machine.cpus: expected KEY=VALUE");
  EXPECT_STREQ(error_of([&] { apply_set(root, "machine..cpus=4", 1); }).what(),
               "--set machine..cpus: empty component in dotted key");
  EXPECT_STREQ(error_of([&] { apply_set(root, "a.b=[1, 2", 1); }).what(),
               "--set a.b: invalid value '[1, 2': YAML syntax error: end of sequence flow not "
               "found");
  root = parse_yaml("s: [1, 2]\n", "f", 1);
  EXPECT_STREQ(error_of([&] { apply_set(root, "s.2=3", 2); }).what(),
               "--set s.2: index 2 is out of range: the sequence has 2 items");
}

TEST(Tree, EmitFlowListsAndEmptyMaps) {
  Node root = parse_yaml("a: {}\nb: []\nc: [[1, 2], [3]]\nd: yes\n", "f", 1);
  EXPECT_EQ(emit_yaml(root, "header"), "# header\na: {}\nb: []\nc:\n  - [1, 2]\n  - [3]\nd: yes\n");
}

TEST(Suggest, EditDistanceAndClosestMatch) {
  EXPECT_EQ(edit_distance("cpus", "cpu"), 1u);
  EXPECT_EQ(edit_distance("caches", "cahces"), 1u);  // transposition
  EXPECT_EQ(edit_distance("LRU", "lru"), 0u);
  EXPECT_EQ(edit_distance("kernel", "run"), 5u);
  std::vector<std::string> keys{"name", "cpus", "nodes", "cpu_nodes", "caches"};
  EXPECT_EQ(closest_match("cpu", keys), "cpus");
  EXPECT_EQ(closest_match("cpunodes", keys), "cpu_nodes");
  EXPECT_EQ(closest_match("cache", keys), "caches");
  EXPECT_EQ(closest_match("memory", keys), "");
  EXPECT_EQ(join_alternatives({"a", "b", "c"}), "a, b or c");
  EXPECT_EQ(join_alternatives({"a"}), "a");
}

}  // namespace
}  // namespace allocsim::io
