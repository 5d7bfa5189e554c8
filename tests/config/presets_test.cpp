// The machine presets in configs/: each loads, is complete, and round-trips.
#include <gtest/gtest.h>

#include "config_test_util.hpp"
#include "io/config/yaml_parse.hpp"

namespace allocsim::io {
namespace {

using testing::configs_dir;
using testing::expect_same_machine;

constexpr std::uint64_t KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024;

const std::vector<std::string> kPresets{"skx2s", "milan2s", "uma-small", "i386-highmem"};

std::string preset_path(const std::string& name) {
  return (configs_dir() / (name + ".yaml")).string();
}

class Preset : public ::testing::TestWithParam<std::string> {};

TEST_P(Preset, LoadsAndRoundTrips) {
  Config c = load_config({preset_path(GetParam())}, {});
  EXPECT_EQ(c.machine.name, GetParam());
  Config again = load_config_text(c.resolved_yaml, "resolved.yaml");
  expect_same_machine(c.machine, again.machine);
  EXPECT_EQ(c.resolved_yaml, again.resolved_yaml);
}

// A preset is a complete machine section: it loads with the embedded default's
// machine section removed, so no value silently comes from the default.
TEST_P(Preset, IsComplete) {
  Node root = default_config_tree();
  root.erase("machine");
  merge_into(root, parse_yaml_file(preset_path(GetParam()), 1));
  EXPECT_NO_THROW(build_config(root));
}

INSTANTIATE_TEST_SUITE_P(Configs, Preset, ::testing::ValuesIn(kPresets), [](const auto& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
});

// Every YAML file in configs/ is a preset under test (or the default).
TEST(Presets, AllListed) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(configs_dir())) {
    if (entry.path().extension() == ".yaml" && entry.path().stem() != "default") {
      found.push_back(entry.path().stem().string());
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> expected = kPresets;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(found, expected);
}

TEST(Presets, Skx2sValues) {
  const sim::MachineConfig m = load_config({preset_path("skx2s")}, {}).machine;
  EXPECT_EQ(m.ghz, 2.7);
  EXPECT_EQ(m.cpus, 28u);
  EXPECT_EQ(m.nodes, 2u);
  EXPECT_EQ(m.llc.size_bytes, 14 * 1441792u);  // 1.375 MiB per core
  EXPECT_EQ(m.llc.ways, 11u);
  EXPECT_EQ(m.llc.latency, 77u);
  EXPECT_EQ(m.coherence.c2c_same_llc, 130u);  // 48ns at 2.7 GHz = 129.6
  EXPECT_EQ(m.coherence.c2c_remote, 365u);    // 135ns = 364.5, rounded up
  EXPECT_EQ(m.memory.latency, 230u);          // 85ns = 229.5, rounded up
  EXPECT_EQ(m.distance, (std::vector<std::vector<unsigned>>{{10, 21}, {21, 10}}));
  EXPECT_EQ(m.node_memory[1].start.value(), 16 * GiB);
  // The scale-up recipe from the preset's header works.
  const sim::MachineConfig big =
      load_config({preset_path("skx2s")}, {"machine.cpus=56", "machine.caches.llc.size=38.5MiB"})
          .machine;
  EXPECT_EQ(big.llc.size_bytes, 28 * 1441792u);
  EXPECT_EQ(big.cpu_node[27], 0u);
  EXPECT_EQ(big.cpu_node[28], 1u);
}

TEST(Presets, Milan2sValues) {
  const sim::MachineConfig m = load_config({preset_path("milan2s")}, {}).machine;
  EXPECT_EQ(m.cpus, 32u);
  EXPECT_EQ(m.llc.shared_by, 8u);
  EXPECT_EQ(m.llc.size_bytes, 32 * MiB);
  EXPECT_EQ(m.l2.size_bytes, 512 * KiB);
  EXPECT_EQ(m.l2.ways, 8u);
  EXPECT_EQ(m.distance, (std::vector<std::vector<unsigned>>{{10, 32}, {32, 10}}));
  EXPECT_EQ(m.coherence.c2c_same_llc, 56u);  // 23ns at 2.45 GHz = 56.35
  EXPECT_EQ(load_config({preset_path("milan2s")}, {"machine.cpus=64"}).machine.cpus, 64u);
}

TEST(Presets, SmallMachines) {
  const sim::MachineConfig uma = load_config({preset_path("uma-small")}, {}).machine;
  EXPECT_EQ(uma.nodes, 1u);
  EXPECT_EQ(uma.cpus, 4u);
  EXPECT_EQ(uma.distance, (std::vector<std::vector<unsigned>>{{10}}));
  const sim::MachineConfig i386 = load_config({preset_path("i386-highmem")}, {}).machine;
  EXPECT_EQ(i386.arch, sim::Arch::i386);
  EXPECT_EQ(i386.cpus, 2u);
  EXPECT_EQ(i386.node_memory[0].bytes, 2 * GiB);
  EXPECT_EQ(i386.lock_kind, sim::LockKind::ticket);
}

}  // namespace
}  // namespace allocsim::io
