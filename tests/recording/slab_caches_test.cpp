// slab_caches.tsv from a fake /sys/kernel/slab: real caches only, aliases
// joined to their cache, count attributes split, missing attributes "-".
#include "io/recording/slab_caches.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <stdexcept>

#include "io/recording/tsv.hpp"
#include "recording_test_util.hpp"

namespace allocsim::io::recording {
namespace {

using testing::TempTree;

void fake_cache(const TempTree& t, const std::string& name, bool sheaves) {
  const std::string d = "slab/" + name + "/";
  const std::map<std::string, std::string> attrs = {{"object_size", "64\n"},
                                                    {"slab_size", "64\n"},
                                                    {"align", "64\n"},
                                                    {"order", "0\n"},
                                                    {"objs_per_slab", "64\n"},
                                                    {"ctor", "\n"},
                                                    {"destroy_by_rcu", "0\n"},
                                                    {"hwcache_align", "0\n"},
                                                    {"reclaim_account", "0\n"},
                                                    {"cache_dma", "0\n"},
                                                    {"min_partial", "5\n"},
                                                    {"cpu_partial", "120\n"},
                                                    {"objects", "2290 N0=2290\n"},
                                                    {"slabs", "42 N0=40 N1=2\n"},
                                                    {"partial", "19\n"},
                                                    {"total_objects", "2688 N0=2688\n"},
                                                    {"aliases", "2\n"}};
  for (const auto& [a, v] : attrs) t.write(d + a, v);
  if (sheaves) t.write(d + "sheaf_capacity", "32\n");
}

std::vector<std::vector<std::string>> rows(const std::string& tsv) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(tsv);
  std::string line;
  while (std::getline(in, line)) out.push_back(tsv_split(line));
  return out;
}

TEST(SlabCaches, SysfsCounts) {
  const SysfsCount a = parse_sysfs_count("2290 N0=2290\n", "objects");
  EXPECT_EQ(a.total, 2290u);
  EXPECT_EQ(a.per_node, "N0=2290");
  const SysfsCount b = parse_sysfs_count("7\n", "slabs");  // without CONFIG_NUMA
  EXPECT_EQ(b.total, 7u);
  EXPECT_EQ(b.per_node, "");
  EXPECT_THROW(parse_sysfs_count("N0=1\n", "x"), std::runtime_error);
  EXPECT_THROW(parse_sysfs_count("", "x"), std::runtime_error);
}

TEST(SlabCaches, TableOfRealCachesWithTheirAliases) {
  TempTree t;
  fake_cache(t, ":0000064", true);
  fake_cache(t, "kmalloc-64", false);  // a 6.x kernel without sheaves
  t.write("slab/kmalloc-64/ctor", "init_once+0x0/0x10\n");
  t.symlink(":0000064", "slab/Acpi-Parse");
  t.symlink(":0000064", "slab/dentry\tweird");
  const auto r = rows(slab_caches_tsv(t.path("slab")));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0], slab_cache_columns());
  const auto col = [&](const std::vector<std::string>& row, const std::string& name) {
    for (std::size_t i = 0; i < r[0].size(); ++i)
      if (r[0][i] == name) return row.at(i);
    throw std::out_of_range(name);
  };
  EXPECT_EQ(r[1][0], ":0000064");
  EXPECT_EQ(col(r[1], "object_size"), "64");
  EXPECT_EQ(col(r[1], "sheaf_capacity"), "32");
  EXPECT_EQ(col(r[1], "objects"), "2290");
  EXPECT_EQ(col(r[1], "objects_per_node"), "N0=2290");
  EXPECT_EQ(col(r[1], "slabs_per_node"), "N0=40 N1=2");
  EXPECT_EQ(col(r[1], "partial"), "19");
  EXPECT_EQ(col(r[1], "partial_per_node"), "");
  EXPECT_EQ(col(r[1], "aliases"), "2");
  EXPECT_EQ(col(r[1], "alias_names"), "Acpi-Parse,dentry\tweird");  // escaped in the file
  EXPECT_EQ(col(r[1], "ctor"), "");
  EXPECT_EQ(r[2][0], "kmalloc-64");
  EXPECT_EQ(col(r[2], "sheaf_capacity"), "-");
  EXPECT_EQ(col(r[2], "ctor"), "init_once+0x0/0x10");
  EXPECT_EQ(col(r[2], "alias_names"), "");
}

TEST(SlabCaches, NoSysfsSlabGivesTheHeaderAlone) {
  TempTree t;
  const auto r = rows(slab_caches_tsv(t.path("no-such-dir")));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], slab_cache_columns());
}

TEST(Tsv, EscapesRoundTrip) {
  const std::string odd = "a\tb\\c\nd";
  EXPECT_EQ(tsv_escape(odd), "a\\tb\\\\c\\nd");
  EXPECT_EQ(tsv_unescape(tsv_escape(odd)), odd);
  std::string line;
  tsv_append_row(line, {odd, "", "x"});
  line.pop_back();
  EXPECT_EQ(tsv_split(line), (std::vector<std::string>{odd, "", "x"}));
}

}  // namespace
}  // namespace allocsim::io::recording
