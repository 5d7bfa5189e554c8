// A machine imported from a live 6.x kernel's /proc/zoneinfo boots zones
// whose watermarks, lowmem protection and pcp batch equal what that kernel
// printed: the linux-6 formulas checked against a real kernel.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "io/config/load.hpp"
#include "io/machine_import/machine_import.hpp"
#include "model/page_alloc.hpp"

namespace allocsim::io {
namespace {

struct Printed {
  std::uint64_t min = 0, low = 0, high = 0, batch = 0;
  std::vector<std::uint64_t> protection;
};

std::map<std::string, Printed> printed_zones(const std::string& path) {
  std::ifstream in(path);
  std::map<std::string, Printed> out;
  std::string zone;
  for (std::string line; std::getline(in, line);) {
    std::istringstream w(line);
    std::string first;
    w >> first;
    if (first == "Node") {
      std::string n, z;
      w >> n >> z >> zone;
      continue;
    }
    Printed& p = out[zone];
    if (first == "min") w >> p.min;
    if (first == "low") w >> p.low;
    if (first == "high") w >> p.high;
    if (first == "batch:" && p.batch == 0) w >> p.batch;
    if (first == "protection:") {
      const auto open = line.find('('), close = line.find(')');
      std::istringstream nums(line.substr(open + 1, close - open - 1));
      for (std::string v; std::getline(nums, v, ',');) p.protection.push_back(std::stoull(v));
    }
  }
  return out;
}

TEST(LiveKernel, ImportedZonesHaveTheKernelsWatermarks) {
  const std::string dir = std::string(ALLOCSIM_SOURCE_DIR) + "/tests/data/live-6x";
  ImportSources src;
  src.zoneinfo = dir + "/zoneinfo";
  src.min_free_kbytes = dir + "/min_free_kbytes";
  src.distance_dir = "";
  src.cpuinfo = "";
  const Config c = load_config_text(machine_yaml(import_machine(src), "live", "test"), "live.yaml");
  sim::MachineConfig mc = c.machine;
  mc.timing = false;
  sim::Machine machine(mc, 1);
  model::PageAllocator pa(machine, c.kernel);
  const auto printed = printed_zones(src.zoneinfo);
  ASSERT_FALSE(pa.zones().empty());
  for (const model::Zone& z : pa.zones()) {
    const std::string name(model::zone_name(z.type));
    SCOPED_TRACE(name);
    const Printed& p = printed.at(name);
    EXPECT_EQ(z.wmark.min, p.min);
    EXPECT_EQ(z.wmark.low, p.low);
    EXPECT_EQ(z.wmark.high, p.high);
    EXPECT_EQ(static_cast<std::uint64_t>(z.pcp[0].batch), p.batch);
    // The kernel (a 6.18) prints one more entry (ZONE_DEVICE), which linux-6 lacks.
    ASSERT_EQ(p.protection.size(), pa.nr_zone_indices() + 1);
    for (unsigned j = 0; j < pa.nr_zone_indices(); ++j)
      EXPECT_EQ(z.lowmem_reserve[j], p.protection[j]) << j;
  }
}

}  // namespace
}  // namespace allocsim::io
