// The machine this project is built on runs Linux 6.18: a config imported from
// its /proc/zoneinfo boots, under linux-6.18, zones whose watermarks, managed
// pages, five protection entries (ZONE_DEVICE) and pcp batch/high_min/high_max
// equal what that kernel printed, and allocsim's own /proc/zoneinfo prints
// those lines as the kernel did.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "io/config/load.hpp"
#include "io/machine_import/machine_import.hpp"
#include "model/page_alloc.hpp"
#include "model/proc_zoneinfo.hpp"

namespace allocsim::io {
namespace {

const std::string kDir = std::string(ALLOCSIM_SOURCE_DIR) + "/tests/data/live-618";

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// zone -> "field" -> printed text, for the lines the model has a source for
// (the pageset fields of CPU 0; every CPU prints the same batch/high_min/high_max).
using Fields = std::map<std::string, std::map<std::string, std::string>>;

Fields fields_of(std::istream& in) {
  static const char* kKeys[] = {"min",     "low",    "high:",     "promo",     "managed", "spanned",
                                "present", "batch:", "high_min:", "high_max:", "high"};
  Fields out;
  std::string zone;
  bool in_pagesets = false;
  for (std::string line; std::getline(in, line);) {
    std::istringstream w(line);
    std::string first;
    w >> first;
    if (first == "Node") {
      std::string n, z;
      w >> n >> z >> zone;
      in_pagesets = false;
      continue;
    }
    if (first == "pagesets") in_pagesets = true;
    if (first == "protection:") out[zone]["protection"] = line.substr(line.find('('));
    if (first == "cpu:" && out[zone].count("cpus")) in_pagesets = false;  // CPU 0 only
    if (first == "cpu:") out[zone]["cpus"] = "seen";
    for (const char* k : kKeys) {
      if (first != k) continue;
      const bool pageset_key = first.back() == ':';
      if (pageset_key && !in_pagesets) continue;
      if (first == "high:") continue;  // pcp->high is run-time state
      std::string v;
      w >> v;
      out[zone][first] = v;
    }
  }
  for (auto& [z, f] : out) f.erase("cpus");
  return out;
}

TEST(LiveKernel618, ImportedMachineReproducesTheZoneinfo) {
  ImportSources src;
  src.zoneinfo = kDir + "/zoneinfo";
  src.min_free_kbytes = kDir + "/min_free_kbytes";
  src.distance_dir = "";
  src.cpuinfo = "";
  ImportedMachine m = import_machine(src);
  m.kernel_release = first_line(kDir + "/kernel-release");
  m.cpus = static_cast<unsigned>(std::stoul(first_line(kDir + "/nproc")));
  const Config c = load_config_text(machine_yaml(m, "live618", "test"), "live618.yaml");
  ASSERT_EQ(c.kernel.flavour, model::Flavour::linux_6_18);
  sim::MachineConfig mc = c.machine;
  mc.timing = false;
  sim::Machine machine(mc, 1);
  model::PageAllocator pa(machine, c.kernel);
  ASSERT_EQ(pa.nr_zone_indices(), 5u);

  std::ifstream live_in(src.zoneinfo);
  const Fields live = fields_of(live_in);
  std::istringstream model_in(model::proc_zoneinfo(pa));
  const Fields printed = fields_of(model_in);
  ASSERT_EQ(live.size(), 5u);  // DMA, DMA32, Normal, Movable, Device
  for (const auto& [zone, f] : live) {
    SCOPED_TRACE(zone);
    ASSERT_TRUE(printed.count(zone));
    EXPECT_EQ(printed.at(zone), f);
  }
  // The populated zones also from the model's own numbers, not only the text.
  const auto& normal = live.at("Normal");
  const model::Zone* z = pa.zone_of(0, 2);
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(std::to_string(z->wmark.min), normal.at("min"));
  EXPECT_EQ(std::to_string(z->managed_pages), normal.at("managed"));
  EXPECT_EQ(std::to_string(z->pcp[1].high_min), normal.at("high_min:"));
  EXPECT_EQ(std::to_string(z->pcp[1].high_max), normal.at("high_max:"));
  EXPECT_EQ(z->lowmem_reserve[4], 0u);
  EXPECT_EQ(pa.zone_of(0, 0)->lowmem_reserve[4], 5450u);
}

TEST(LiveKernel618, ZoneDeviceOffPrintsFourProtectionEntries) {
  const Config c = load_config_text(
      "kernel: {flavour: linux-6.18, zone_device: false}\nmachine: {cpus: 2}\n", "t.yaml");
  sim::MachineConfig mc = c.machine;
  mc.timing = false;
  sim::Machine machine(mc, 1);
  model::PageAllocator pa(machine, c.kernel);
  EXPECT_EQ(pa.nr_zone_indices(), 4u);
  const std::string text = model::proc_zoneinfo(pa);
  EXPECT_EQ(text.find("zone   Device"), std::string::npos);
  EXPECT_NE(text.find("protection: (0, 0, 0, 0)"), std::string::npos);
  EXPECT_EQ(text.find("protection: (0, 0, 0, 0, 0)"), std::string::npos);
}

}  // namespace
}  // namespace allocsim::io
