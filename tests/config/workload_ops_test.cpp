// The workload reader takes its operations from the op table
// (workloads/generator/op_table.hpp): every op the table has, and only those,
// is read, with the table's keys, one-value forms and typed-free kinds. So
// an op added to the table is read without another list to update.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "config_test_util.hpp"
#include "io/config/load.hpp"
#include "io/config/suggest.hpp"
#include "workloads/generator/op_table.hpp"

namespace allocsim::io {
namespace {

namespace gen = workloads::gen;
using testing::error_of;

// One process thread on CPU 0 running `op` once (on line 11), with a cache
// `c` and a mempool `m` to allocate from.
std::string one_op(std::string_view op) {
  return R"yaml(workload:
  generator:
    name: w
    caches: [{name: c, size: 64}]
    mempools: [{name: m, min_nr: 2, kmalloc: 64}]
    threads:
      - name: t
        cpus: 0
        iterations: 1
        ops:
          - )yaml" +
         std::string(op) + "\n";
}
constexpr const char* kOp0 = "workload.generator.threads[0].ops[0]";

ConfigError error(const std::string& yaml) {
  return error_of([&] { load_config_text(yaml, "w.yaml", {}); });
}

std::vector<std::string> table_names() {
  std::vector<std::string> names;
  for (const gen::OpDef& d : gen::kOps) names.emplace_back(d.name);
  return names;
}

TEST(WorkloadOps, UnknownOperationListsTheTable) {
  const ConfigError e = error(one_op("munmap: p"));
  EXPECT_EQ(e.key, kOp0);
  EXPECT_EQ(e.message,
            "unknown operation 'munmap' (expected " + join_alternatives(table_names()) + ")");
}

// A slip in the last letter of any op of the table gets that op as the hint.
TEST(WorkloadOps, DidYouMeanComesFromTheTable) {
  for (const gen::OpDef& d : gen::kOps) {
    std::string slip(d.name);
    slip.back() = slip.back() == 'x' ? 'y' : 'x';
    const ConfigError e = error(one_op(slip + ": {}"));
    EXPECT_EQ(e.message,
              "unknown operation '" + slip + "'; did you mean '" + std::string(d.name) + "'?");
  }
}

// Each op allows count, when and exactly the table's keys: the unknown-key
// error lists them.
TEST(WorkloadOps, EachOpAllowsTheTablesKeys) {
  for (const gen::OpDef& d : gen::kOps) {
    std::vector<std::string> allowed = {"count", "when"};
    allowed.insert(allowed.end(), d.keys.begin(), d.keys.end());
    const ConfigError e = error(one_op(std::string(d.name) + ": {zzzzzz: 1}"));
    EXPECT_EQ(e.key, std::string(kOp0) + "." + std::string(d.name) + ".zzzzzz");
    EXPECT_EQ(e.message, "unknown key 'zzzzzz' (expected " + join_alternatives(allowed) + ")");
  }
}

// What reading `op` gives: the error, or the op's fields that a shorthand can set.
std::string outcome(const std::string& op) {
  try {
    const Config c = load_config_text(one_op(op), "w.yaml", {});
    const gen::Op& o = c.generator.threads[0].phases[0].ops[0];
    return "kind " + std::string(gen::to_string(o.kind)) + ", count " +
           std::to_string(o.count.max()) + ", amount " + std::to_string(o.amount.max()) +
           ", cycles " + std::to_string(o.cycles.max()) + ", cache " + std::to_string(o.cache) +
           ", mempool " + std::to_string(o.mempool) + ", pool " + std::to_string(o.pool) +
           ", barrier " + std::to_string(o.barrier);
  } catch (const ConfigError& e) {
    return e.key + ": " + e.message;
  }
}

// A scalar is the value of the op's shorthand key, for the ops the table
// gives one; the others reject it.
TEST(WorkloadOps, ScalarFormsAreTheTablesShorthands) {
  const auto value_of = [](std::string_view key) -> std::string {
    if (key == "cache") return "c";
    if (key == "mempool") return "m";
    if (key == "from") return "p";
    if (key == "name") return "b";
    if (key == "time") return "1us";
    return "3";  // order, size, count, cycles
  };
  for (const gen::OpDef& d : gen::kOps) {
    const std::string name(d.name);
    if (d.shorthand.empty()) {
      const ConfigError e = error(one_op(name + ": x"));
      EXPECT_EQ(e.key, std::string(kOp0) + "." + name);
      EXPECT_EQ(e.message, "expected a mapping of the operation's settings (" + name +
                               " has no one-value form)");
      continue;
    }
    const std::string v = value_of(d.shorthand);
    const std::string scalar = outcome(name + ": " + v);
    EXPECT_EQ(scalar, outcome(name + ": {" + std::string(d.shorthand) + ": " + v + "}")) << name;
    EXPECT_EQ(scalar.find("no one-value form"), std::string::npos) << scalar;
  }
}

// Every typed free takes the objects of the allocation that makes its kind,
// and refuses the others; plain free takes them all.
TEST(WorkloadOps, TypedFreesTakeTheTablesObjectKind) {
  const auto alloc_text = [](const gen::OpDef& a) -> std::string {
    const std::string name(a.name);
    if (a.kind == gen::OpKind::kmem_cache_alloc) return name + ": {cache: c, into: p}";
    if (a.kind == gen::OpKind::mempool_alloc) return name + ": {mempool: m, into: p}";
    if (a.kind == gen::OpKind::alloc_pages) return name + ": {order: 0, into: p}";
    return name + ": {size: 64, into: p}";
  };
  int loaded = 0;
  for (const gen::OpDef& a : gen::kOps) {
    if (a.family != gen::OpFamily::alloc) continue;
    for (const gen::OpDef& f : gen::kOps) {
      if (f.family != gen::OpFamily::free) continue;
      const std::string yaml =
          one_op(alloc_text(a) + "\n          - " + std::string(f.name) + ": p");
      if (!f.objects || *f.objects == *a.objects) {
        EXPECT_NO_THROW(load_config_text(yaml, "w.yaml", {})) << a.name << " then " << f.name;
        ++loaded;
        continue;
      }
      const ConfigError e = error(yaml);
      EXPECT_EQ(e.key, "workload.generator.threads[0].ops[1]." + std::string(f.name) + ".from");
      EXPECT_NE(e.message.find("which this free cannot take"), std::string::npos) << e.message;
    }
  }
  EXPECT_EQ(loaded, 10);  // five allocations, each with free and its typed free
}

}  // namespace
}  // namespace allocsim::io
