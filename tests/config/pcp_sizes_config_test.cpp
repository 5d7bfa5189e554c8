// kernel.pcp_batch and kernel.pcp_high: auto, one number, or a map by zone
// name; the checks name the file, line and key (allocsim validate loads
// configs the same way, so it rejects the same values).
#include <gtest/gtest.h>

#include "config_test_util.hpp"
#include "io/config/load.hpp"

namespace allocsim::io {
namespace {

using allocsim::io::testing::load_error;
using model::ZoneType;

std::uint32_t batch_of(const Config& c, ZoneType t) {
  return c.kernel.pcp_batch[static_cast<unsigned>(t)];
}
std::uint32_t high_of(const Config& c, ZoneType t) {
  return c.kernel.pcp_high[static_cast<unsigned>(t)];
}

TEST(PcpSizesConfig, AutoNumberAndPerZone) {
  const Config d = load_config({});
  EXPECT_EQ(batch_of(d, ZoneType::normal), 0u);  // auto
  EXPECT_NE(d.resolved_yaml.find("pcp_batch: auto"), std::string::npos);
  const Config all = load_config_text("kernel: {pcp_batch: 1023, pcp_high: 4092}\n");
  EXPECT_EQ(batch_of(all, ZoneType::dma), 1023u);
  EXPECT_EQ(batch_of(all, ZoneType::normal), 1023u);
  EXPECT_EQ(high_of(all, ZoneType::dma32), 4092u);
  const Config zones = load_config_text(
      "kernel:\n  pcp_batch: {Normal: 31, DMA32: 15}\n  pcp_high: {Normal: 186}\n");
  EXPECT_EQ(batch_of(zones, ZoneType::normal), 31u);
  EXPECT_EQ(batch_of(zones, ZoneType::dma32), 15u);
  EXPECT_EQ(batch_of(zones, ZoneType::dma), 0u);
  EXPECT_EQ(high_of(zones, ZoneType::normal), 186u);
  EXPECT_EQ(high_of(zones, ZoneType::dma32), 0u);
  // The resolved form loads back to the same sizes, in 2.6 too (a 2.6 knob).
  const Config again = load_config_text(zones.resolved_yaml);
  EXPECT_EQ(batch_of(again, ZoneType::dma32), 15u);
  EXPECT_EQ(high_of(again, ZoneType::normal), 186u);
  const Config old = load_config_text("kernel: {flavour: linux-2.6, pcp_batch: 1}\n", "t.yaml",
                                      {"kernel.pcp_high=6"});
  EXPECT_EQ(high_of(old, ZoneType::normal), 6u);
}

TEST(PcpSizesConfig, Errors) {
  EXPECT_EQ(std::string(load_error("kernel: {pcp_batch: 0}\n").what()),
            "t.yaml:1:21: kernel.pcp_batch: must be between 1 and 32767, got 0");
  EXPECT_EQ(std::string(load_error("kernel: {pcp_batch: 32768}\n").what())
                .rfind("t.yaml:1:21: kernel.pcp_batch: ", 0),
            0u);
  EXPECT_EQ(std::string(load_error("kernel:\n  pcp_batch: 31\n  pcp_high: 30\n").what()),
            "t.yaml:3:13: kernel.pcp_high: for zone DMA (30) is below its pcp_batch (31)");
  EXPECT_EQ(std::string(load_error("kernel:\n  pcp_high: {Normal: 100}\n").what()),
            "t.yaml:2:22: kernel.pcp_high.Normal: for zone Normal needs kernel.pcp_batch set for "
            "it too");
  // A zone the architecture does not have.
  EXPECT_EQ(std::string(load_error("kernel: {pcp_batch: {HighMem: 3}}\n").what()),
            "t.yaml:1:22: kernel.pcp_batch.HighMem: unknown key 'HighMem' (expected DMA, DMA32, "
            "Normal or Movable)");
}

}  // namespace
}  // namespace allocsim::io
