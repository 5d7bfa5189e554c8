// cpu_caches.tsv from a fake /sys/devices/system/cpu, and the machine caches
// a config takes from it.
#include "io/recording/cpu_caches.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "recording_test_util.hpp"

namespace allocsim::io::recording {
namespace {

using testing::TempTree;

void fake_index(const TempTree& t, unsigned cpu, unsigned index, unsigned level,
                const std::string& type, const std::string& size, unsigned ways,
                const std::string& shared) {
  const std::string d =
      "cpu/cpu" + std::to_string(cpu) + "/cache/index" + std::to_string(index) + "/";
  t.write(d + "level", std::to_string(level) + "\n");
  t.write(d + "type", type + "\n");
  t.write(d + "size", size + "\n");
  t.write(d + "ways_of_associativity", std::to_string(ways) + "\n");
  t.write(d + "coherency_line_size", "64\n");
  t.write(d + "shared_cpu_list", shared + "\n");
}

// Two CPUs of a made-up part: 48K/12-way L1d, 32K/8-way L1i, 2M/16-way L2,
// a 30M/15-way L3 shared by CPUs 0-3 (an LLC per four CPUs).
void fake_cpus(const TempTree& t) {
  for (unsigned cpu = 0; cpu < 2; ++cpu) {
    fake_index(t, cpu, 0, 1, "Data", "48K", 12, std::to_string(cpu));
    fake_index(t, cpu, 1, 1, "Instruction", "32K", 8, std::to_string(cpu));
    fake_index(t, cpu, 2, 2, "Unified", "2048K", 16, std::to_string(cpu));
    fake_index(t, cpu, 3, 3, "Unified", "30720K", 15, "0-3");
  }
  t.mkdir("cpu/cpufreq");  // not a CPU
  t.write("cpu/online", "0-1\n");
}

TEST(CpuCaches, Sizes) {
  EXPECT_EQ(parse_cache_size("32K\n", "s"), 32u * 1024);
  EXPECT_EQ(parse_cache_size("16M", "s"), 16u << 20);
  EXPECT_EQ(parse_cache_size("512", "s"), 512u);
  EXPECT_THROW(parse_cache_size("K", "s"), std::runtime_error);
  EXPECT_THROW(parse_cache_size("12Q", "s"), std::runtime_error);
}

TEST(CpuCaches, ReadsSysfsAndRoundTripsTheTable) {
  const TempTree t;
  fake_cpus(t);
  const std::vector<CpuCache> c = read_cpu_caches(t.path("cpu"));
  ASSERT_EQ(c.size(), 8u);
  EXPECT_EQ(c[0].cpu, 0u);
  EXPECT_EQ(c[0].type, "Data");
  EXPECT_EQ(c[0].size, 48u * 1024);
  EXPECT_EQ(c[3].level, 3u);
  EXPECT_EQ(c[3].ways, 15u);
  EXPECT_EQ(c[3].shared_cpu_list, "0-3");
  EXPECT_EQ(c[7].cpu, 1u);
  const std::string tsv = cpu_caches_tsv(c);
  EXPECT_EQ(tsv.substr(0, tsv.find('\n')),
            "cpu\tindex\tlevel\ttype\tsize\tways_of_associativity\tcoherency_line_size\t"
            "shared_cpu_list");
  const std::vector<CpuCache> back = parse_cpu_caches_tsv(tsv, "t");
  ASSERT_EQ(back.size(), c.size());
  EXPECT_EQ(back[3].size, c[3].size);
  EXPECT_EQ(back[3].shared_cpu_list, "0-3");
  EXPECT_TRUE(read_cpu_caches(t.path("nothing")).empty());  // a VM without cache information
  EXPECT_TRUE(parse_cpu_caches_tsv(cpu_caches_tsv({}), "t").empty());
}

TEST(CpuCaches, MalformedTableNamesTheLine) {
  try {
    parse_cpu_caches_tsv(cpu_caches_tsv({}) + "0\t0\t1\tData\t32K\n", "before/cpu_caches.tsv");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "before/cpu_caches.tsv:2: expected 8 fields, got 5");
  }
  EXPECT_THROW(parse_cpu_caches_tsv("cpu\tsize\n", "t"), std::runtime_error);
}

TEST(CpuCaches, MachineCachesFromCpuZero) {
  const TempTree t;
  fake_cpus(t);
  const std::vector<CpuCache> c = read_cpu_caches(t.path("cpu"));
  // 8 CPUs on one node: the L3 (4 CPUs) is one of two on the node.
  const std::optional<ImportedCaches> m = machine_caches(c, {0, 0, 0, 0, 0, 0, 0, 0});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->line, 64u);
  ASSERT_TRUE(m->l1d && m->l2 && m->llc);
  EXPECT_EQ(m->l1d->size, 48u * 1024);
  EXPECT_EQ(m->l1d->ways, 12u);
  EXPECT_EQ(m->l2->size, 2u << 20);
  EXPECT_EQ(m->llc->ways, 15u);
  EXPECT_EQ(m->llc_shared_by, 4u);
  // Four CPUs a node: the L3 spans the node.
  EXPECT_EQ(machine_caches(c, {0, 0, 0, 0, 1, 1, 1, 1})->llc_shared_by, 0u);
  // Six CPUs on a node: 4 does not divide it, so one LLC per node.
  EXPECT_EQ(machine_caches(c, {0, 0, 0, 0, 0, 0})->llc_shared_by, 0u);
  EXPECT_FALSE(machine_caches({}, {0}));
}

TEST(CpuCaches, ACacheThatIsNotWholeSetsIsLeftOut) {
  std::vector<CpuCache> c = {{0, 0, 1, "Data", 48 * 1024, 12, 64, "0"},
                             {0, 2, 2, "Unified", 1000 * 1000, 16, 64, "0"},  // not whole sets
                             {0, 3, 3, "Unified", 8 << 20, 0, 64, "0-1"}};    // fully associative
  const std::optional<ImportedCaches> m = machine_caches(c, {});
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->l1d);
  EXPECT_FALSE(m->l2);
  EXPECT_FALSE(m->llc);
}

}  // namespace
}  // namespace allocsim::io::recording
