// allocsim machine import: parsing saved /proc and /sys files, and the written
// config booting a page allocator whose zones match the machine page for page.
#include "io/machine_import/machine_import.hpp"

#include <gtest/gtest.h>

#include "io/config/load.hpp"
#include "model/page_alloc.hpp"

namespace allocsim::io {
namespace {

const std::string kDir = std::string(ALLOCSIM_SOURCE_DIR) + "/tests/data/import-6x";

ImportSources sources() {
  ImportSources s;
  s.zoneinfo = kDir + "/zoneinfo";
  s.distance_dir = kDir + "/node";
  s.min_free_kbytes = kDir + "/min_free_kbytes";
  s.cpuinfo = "";
  return s;
}

TEST(MachineImport, ParsesZoneinfoOfBothEras) {
  const auto zones = parse_zoneinfo(
      "Node 0, zone      DMA\n  pages free     3840\n        min      5\n        scanned  0\n"
      "        spanned  4095\n        present  3998\n    nr_free_pages 3840\n"
      "  pagesets\n    cpu: 0\n              count: 0\n  start_pfn:         1\n"
      "Node 0, zone   Normal\r\n        spanned  100\r\n        present  90\r\n  start_pfn:        "
      " 4096\r\n",
      "old");
  ASSERT_EQ(zones.size(), 2u);
  EXPECT_EQ(zones[0].zone, "DMA");
  EXPECT_EQ(zones[0].present, 3998u);
  EXPECT_FALSE(zones[0].managed);  // 2.6 does not print it
  EXPECT_EQ(zones[1].start_pfn, 4096u);
  EXPECT_EQ(parse_cpulist("0-3,8,10-11\n", "x"), (std::vector<unsigned>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_THROW(parse_zoneinfo("not zoneinfo\n", "bad"), ConfigError);
  try {
    parse_zoneinfo("Node 0, zone DMA\n        spanned  12x\n", "bad.txt");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "bad.txt:2: expected a number, got '12x'");
  }
}

TEST(MachineImport, TheWrittenConfigReproducesTheZones) {
  const ImportedMachine m = import_machine(sources());
  ASSERT_EQ(m.zones.size(), 3u);  // unpopulated 6.x zones dropped
  EXPECT_EQ(m.cpus, 8u);
  EXPECT_EQ(*m.min_free_kbytes, 67584u);
  const Config c = load_config_text(machine_yaml(m, "imported", "test"), "imported.yaml");
  EXPECT_EQ(c.machine.nodes, 2u);
  EXPECT_EQ(c.machine.cpu_node, (std::vector<sim::NodeId>{0, 0, 0, 0, 1, 1, 1, 1}));
  EXPECT_EQ(c.machine.distance, (std::vector<std::vector<unsigned>>{{10, 21}, {21, 10}}));
  EXPECT_EQ(c.machine.node_memory[1].start.value(), 4ull << 30);
  EXPECT_EQ(c.kernel.flavour, model::Flavour::linux_6);
  EXPECT_EQ(*c.kernel.min_free_kbytes, 67584u);

  sim::MachineConfig mc = c.machine;
  mc.timing = false;
  sim::Machine machine(mc, 1);
  model::PageAllocator pa(machine, c.kernel);
  struct Expect {
    sim::NodeId node;
    model::ZoneType type;
    std::uint64_t start, spanned, present, managed;
  };
  const Expect expect[] = {{0, model::ZoneType::dma, 1, 4095, 3998, 3840},
                           {0, model::ZoneType::dma32, 4096, 1044480, 782288, 760000},
                           {1, model::ZoneType::normal, 1048576, 524288, 524288, 510000}};
  ASSERT_EQ(pa.zones().size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const model::Zone& z = pa.zones()[i];
    EXPECT_EQ(z.node, expect[i].node);
    EXPECT_EQ(z.type, expect[i].type);
    EXPECT_EQ(z.zone_start_pfn.value(), expect[i].start);
    EXPECT_EQ(z.spanned_pages, expect[i].spanned);
    EXPECT_EQ(z.present_pages, expect[i].present);
    EXPECT_EQ(z.managed_pages, expect[i].managed);
    EXPECT_EQ(z.nr_free_pages, expect[i].managed);
  }
  EXPECT_EQ(pa.min_free_kbytes(), 67584u);
  pa.check_invariants();
}

TEST(MachineImport, ClosestFlavourFromTheReleaseElseFromZoneinfo) {
  EXPECT_EQ(closest_flavour(std::string("6.18.44-fc-v1272"), true), "linux-6.18");
  EXPECT_EQ(closest_flavour(std::string("6.19-rc1"), true), "linux-6.18");
  EXPECT_EQ(closest_flavour(std::string("7.0.1"), true), "linux-6.18");
  EXPECT_EQ(closest_flavour(std::string("6.17.9"), true), "linux-6");
  EXPECT_EQ(closest_flavour(std::string("6.8.0-45-generic"), true), "linux-6");
  EXPECT_EQ(closest_flavour(std::string("4.19.0-27-amd64"), true), "linux-6");
  EXPECT_EQ(closest_flavour(std::string("2.6.32-754.el6.x86_64"), false), "linux-2.6");
  EXPECT_EQ(closest_flavour(std::string("2.6.32"), true), "linux-2.6");
  EXPECT_EQ(closest_flavour(std::nullopt, true), "linux-6");
  EXPECT_EQ(closest_flavour(std::nullopt, false), "linux-2.6");
  EXPECT_EQ(closest_flavour(std::string("unknown"), false), "linux-2.6");
}

TEST(MachineImport, CachesFromSysfsGoIntoTheConfig) {
  ImportedMachine m = import_machine(sources());
  m.kernel_release = "2.6.32";
  m.caches = ImportedCaches{64, ImportedCache{48 * 1024, 12}, ImportedCache{2 << 20, 16},
                            ImportedCache{30 << 20, 15}, 4};
  const std::string yaml = machine_yaml(m, "rec", "test", "allocsim record");
  EXPECT_EQ(yaml.rfind("# Imported by `allocsim record` from test.\n", 0), 0u);
  const Config c = load_config_text(yaml, "rec.yaml");
  EXPECT_EQ(c.machine.line_bytes, 64u);
  EXPECT_EQ(c.machine.l1d.size_bytes, 48u * 1024);
  EXPECT_EQ(c.machine.l1d.ways, 12u);
  EXPECT_EQ(c.machine.l2.size_bytes, 2u << 20);
  EXPECT_EQ(c.machine.llc.size_bytes, 30u << 20);
  EXPECT_EQ(c.machine.llc.ways, 15u);
  EXPECT_EQ(c.machine.llc.shared_by, 4u);
  EXPECT_EQ(c.kernel.flavour, model::Flavour::linux_2_6);

  m.caches = ImportedCaches{0, std::nullopt, ImportedCache{1 << 20, 8}, std::nullopt, 0};
  const Config d = load_config_text(machine_yaml(m, "rec", "test"), "rec.yaml");
  EXPECT_EQ(d.machine.l2.ways, 8u);
  EXPECT_EQ(d.machine.llc.shared_by, 0u);                   // the default's: one per node
  EXPECT_EQ(c.machine.l1d.latency, d.machine.l1d.latency);  // latencies stay the default's
}

}  // namespace
}  // namespace allocsim::io
