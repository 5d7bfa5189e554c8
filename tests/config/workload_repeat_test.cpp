// `repeat` in workload.generator.threads: N copies of thread templates with
// ${index} replaced, and its errors (file, line, key).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "config_test_util.hpp"
#include "io/config/load.hpp"

namespace allocsim::io {
namespace {

using testing::error_of;

constexpr std::string_view kHead =
    "workload:\n"
    "  generator:\n"
    "    name: r\n"
    "    params: {n: 3}\n"
    "    threads:\n";

Config load(const std::string& threads, const std::vector<std::string>& sets = {}) {
  return load_config_text(std::string(kHead) + threads, "w.yaml", sets);
}

ConfigError error(const std::string& threads) {
  return error_of([&] { load(threads); });
}

constexpr std::string_view kPair =
    "      - repeat: ${n}\n"
    "        as: g\n"
    "        threads:\n"
    "          - {name: 'a${g}', cpus: '${g}', iterations: 1,\n"
    "             ops: [{kmalloc: {size: 64, into: p}}, {pass: {from: p, to: 'b${g}'}}]}\n"
    "          - {name: 'b${g}', cpus: '${g}-N:1/2', iterations: 1,\n"
    "             ops: [{kfree: {from: p, wait: true}}]}\n";

TEST(WorkloadRepeat, ExpandsInOrderWithTheIndex) {
  const Config c = load(std::string(kPair) +
                        "      - {name: last, cpus: 7, iterations: 1, ops: "
                        "[{compute: 10}]}\n");
  const auto& t = c.generator.threads;
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t[0].name, "a0");
  EXPECT_EQ(t[1].name, "b0");
  EXPECT_EQ(t[4].name, "a2");
  EXPECT_EQ(t[5].name, "b2");
  EXPECT_EQ(t[6].name, "last");
  EXPECT_EQ(t[2].cpus, (std::vector<sim::CpuId>{1}));
  EXPECT_EQ(t[3].cpus, (std::vector<sim::CpuId>{1, 3, 5, 7}));  // "1-N:1/2"
  EXPECT_EQ(t[5].cpus, (std::vector<sim::CpuId>{2, 4, 6}));
  // The count is a param: --set (or --grid) changes the number of copies.
  EXPECT_EQ(load(std::string(kPair), {"workload.generator.params.n=5"}).generator.threads.size(),
            10u);
  // Without `as`, the index is ${i}.
  const Config i = load(
      "      - repeat: 2\n"
      "        threads: [{name: 'w${i}', cpus: '${i}', iterations: 1, ops: [{compute: '${n}'}]}]\n",
      {"workload.generator.params.n=1"});
  EXPECT_EQ(i.generator.threads[1].name, "w1");
}

void expect_error(const std::string& threads, int line, const std::string& key,
                  const std::string& message) {
  const ConfigError e = error(threads);
  EXPECT_EQ(e.file, "w.yaml") << e.what();
  EXPECT_EQ(e.line, line) << e.what();
  EXPECT_EQ(e.key, key) << e.what();
  EXPECT_EQ(e.message, message) << e.what();
}

TEST(WorkloadRepeat, Errors) {
  const std::string one =
      "        threads: [{name: 'w${i}', cpus: 0, iterations: 1, "
      "ops: [{compute: '${n}'}]}]\n";
  expect_error("      - repeat: 0\n" + one, 6, "workload.generator.threads[0].repeat",
               "must be between 1 and 4096, got 0");
  expect_error("      - repeat: 2\n        as: n\n" + one, 6, "workload.generator.threads[0]",
               "the repeat index 'n' has the name of a param (choose another as:)");
  const std::string plain =
      "        threads: [{name: w, cpus: 0, iterations: 1, ops: [{compute: '${n}'}]}]\n";
  expect_error("      - repeat: 2\n        as: 'a-b'\n" + plain, 7,
               "workload.generator.threads[0].as", "an index name is letters, digits and '_'");
  expect_error("      - repeat: 2\n        threads: []\n", 7,
               "workload.generator.threads[0].threads", "a repeat needs at least one thread");
  expect_error("      - repeat: 2\n        threads:\n          - repeat: 2\n    " + plain, 8,
               "workload.generator.threads[0].threads[0]", "a repeat cannot hold another repeat");
  // ${i} outside a repeat is an unknown param.
  expect_error("      - {name: 'w${i}', cpus: 0, iterations: 1, ops: [{compute: '${n}'}]}\n", 6,
               "workload.generator.threads[0].name", "no param named 'i'; did you mean 'n'?");
  // Two copies with the same name: the thread reader's own check.
  expect_error(
      "      - repeat: 2\n        threads: [{name: w, cpus: 0, iterations: 1, "
      "ops: [{compute: '${n}'}]}]\n",
      7, "workload.generator.threads[1].name", "a second thread named 'w'");
}

}  // namespace
}  // namespace allocsim::io
