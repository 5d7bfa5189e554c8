// The kernel: section and machine.zones.
#include <gtest/gtest.h>

#include "config_test_util.hpp"
#include "io/config/load.hpp"

namespace allocsim::io {
namespace {

using allocsim::io::testing::load_error;

TEST(KernelSection, DefaultsAndValues) {
  const Config d = load_config({});
  EXPECT_EQ(d.kernel.flavour, model::Flavour::linux_6);
  EXPECT_FALSE(d.kernel.min_free_kbytes);  // auto
  EXPECT_EQ(d.kernel.watermark_scale_factor, 10u);
  EXPECT_EQ(d.kernel.hz, 250u);
  EXPECT_EQ(load_config_text("kernel: {hz: 1000}\n").kernel.hz, 1000u);
  EXPECT_TRUE(d.kernel.pcp);
  EXPECT_FALSE(d.kernel.lowmem_reserve_ratio);
  const Config c = load_config_text(
      "kernel:\n  flavour: linux-2.6\n  min_free_kbytes: 5792\n  pcp: false\n"
      "  lowmem_reserve_ratio: [256, 256, 32, 1]\n  reclaim: {batch: 64}\n");
  EXPECT_EQ(c.kernel.flavour, model::Flavour::linux_2_6);
  EXPECT_EQ(*c.kernel.min_free_kbytes, 5792u);
  EXPECT_FALSE(c.kernel.pcp);
  EXPECT_EQ((*c.kernel.lowmem_reserve_ratio)[3], 1u);
  EXPECT_EQ(c.kernel.reclaim_batch, 64u);
  // The resolved form loads back to the same values.
  const Config again = load_config_text(c.resolved_yaml);
  EXPECT_EQ(*again.kernel.min_free_kbytes, 5792u);
  EXPECT_EQ(again.kernel.flavour, model::Flavour::linux_2_6);
  EXPECT_EQ(c.resolved_yaml.find("watermark_scale_factor"), std::string::npos);  // not a 2.6 key
}

TEST(KernelSection, Errors) {
  EXPECT_EQ(std::string(load_error("kernel: {flavour: linux-5}\n").what()),
            "t.yaml:1:19: kernel.flavour: unknown value 'linux-5' (expected linux-2.6, "
            "linux-6 or linux-6.18); did you mean 'linux-6'?");
  EXPECT_EQ(std::string(
                load_error("kernel:\n  flavour: linux-2.6\n  watermark_scale_factor: 20\n").what()),
            "t.yaml:3:27: kernel.watermark_scale_factor: does not exist in linux-2.6 (a linux-6 "
            "tunable)");
  EXPECT_EQ(std::string(load_error("kernel: {percpu_pagelist_high_fraction: 4}\n").what()),
            "t.yaml:1:41: kernel.percpu_pagelist_high_fraction: must be 0 (auto) or at least 8 "
            "(MIN_PERCPU_PAGELIST_HIGH_FRACTION)");
  EXPECT_EQ(std::string(load_error("kernel: {hz: 200}\n").what()),
            "t.yaml:1:14: kernel.hz: must be 100, 250, 300 or 1000 (CONFIG_HZ)");
  EXPECT_EQ(
      std::string(load_error("kernel: {hz: 1200}\n").what()).rfind("t.yaml:1:14: kernel.hz: ", 0),
      0u);
  EXPECT_EQ(std::string(load_error("kernel: {lowmem_reserve_ratio: [256, 32]}\n").what()),
            "t.yaml:1:32: kernel.lowmem_reserve_ratio: needs 4 entries, one per zone index");
  EXPECT_EQ(std::string(load_error("kernel: {min_free_kbytes: lots}\n").what())
                .rfind("t.yaml:1:27: kernel.min_free_kbytes: ", 0),
            0u);
}

// kernel.rcu_grace_period: auto (0: the model's 3 jiffies), a time or jiffies, in cycles.
TEST(KernelSection, RcuGracePeriod) {
  EXPECT_EQ(load_config({}).kernel.rcu_grace_period, 0u);
  // The default machine runs at 2.5 GHz: a jiffy at HZ 250 is 10,000,000 cycles.
  EXPECT_EQ(load_config_text("kernel: {rcu_grace_period: 12ms}\n").kernel.rcu_grace_period,
            30'000'000u);
  EXPECT_EQ(load_config_text("kernel: {rcu_grace_period: 5 jiffies}\n").kernel.rcu_grace_period,
            50'000'000u);
  EXPECT_EQ(
      load_config_text("kernel: {hz: 1000, rcu_grace_period: 1jiffy}\n").kernel.rcu_grace_period,
      2'500'000u);
  const Config c = load_config_text("kernel: {rcu_grace_period: 2 jiffies}\n");
  EXPECT_EQ(load_config_text(c.resolved_yaml).kernel.rcu_grace_period, 20'000'000u);
  EXPECT_EQ(std::string(load_error("kernel: {rcu_grace_period: 0 jiffies}\n").what()),
            "t.yaml:1:28: kernel.rcu_grace_period: must be 1 to 2500 jiffies");
  EXPECT_EQ(std::string(load_error("kernel: {rcu_grace_period: 11s}\n").what()),
            "t.yaml:1:28: kernel.rcu_grace_period: must be at most 10s");
  EXPECT_EQ(std::string(load_error("kernel: {rcu_grace_period: 0ns}\n").what()),
            "t.yaml:1:28: kernel.rcu_grace_period: must be at least one cycle");
  EXPECT_EQ(std::string(load_error("kernel: {rcu_grace_period: 3 jiffiesx}\n").what()),
            "t.yaml:1:28: kernel.rcu_grace_period: expected a time (e.g. 12ms), '<n> jiffies' or "
            "auto, got '3 jiffiesx'");
  EXPECT_EQ(std::string(load_error("kernel: {rcu_grace_period: soon}\n").what())
                .rfind("t.yaml:1:28: kernel.rcu_grace_period: ", 0),
            0u);
}

TEST(KernelSection, StatInterval) {
  EXPECT_EQ(load_config({}).kernel.stat_interval, 1u);  // vm.stat_interval's default, HZ
  EXPECT_EQ(load_config_text("kernel: {stat_interval: 10}\n").kernel.stat_interval, 10u);
  const Config off = load_config_text("kernel: {flavour: linux-2.6, stat_interval: none}\n");
  EXPECT_EQ(off.kernel.stat_interval, 0u);
  EXPECT_EQ(load_config_text(off.resolved_yaml).kernel.stat_interval, 0u);
  EXPECT_EQ(std::string(load_error("kernel: {stat_interval: never}\n").what()),
            "t.yaml:1:25: kernel.stat_interval: must be whole seconds (1..3600) or none");
  EXPECT_EQ(std::string(load_error("kernel: {stat_interval: 0.5}\n").what()),
            "t.yaml:1:25: kernel.stat_interval: must be whole seconds (1..3600) or none");
  EXPECT_EQ(std::string(load_error("kernel: {stat_interval: 0}\n").what()),
            "t.yaml:1:25: kernel.stat_interval: must be between 1 and 3600, got 0");
  EXPECT_EQ(std::string(load_error("kernel: {stat_interval: 3601}\n").what()),
            "t.yaml:1:25: kernel.stat_interval: must be between 1 and 3600, got 3601");
}

TEST(KernelSection, Linux618Keys) {
  const Config d = load_config_text("kernel: {flavour: linux-6.18}\n");
  EXPECT_EQ(d.kernel.flavour, model::Flavour::linux_6_18);
  EXPECT_TRUE(d.kernel.zone_device);
  EXPECT_EQ(d.kernel.slab.sheaves, model::SlubSheaves::opt_in);
  EXPECT_NE(d.resolved_yaml.find("flavour: linux-6.18"), std::string::npos);
  EXPECT_NE(d.resolved_yaml.find("slub_sheaves: opt-in"), std::string::npos);
  const Config c = load_config_text(
      "kernel: {flavour: linux-6.18, zone_device: false, slub_sheaves: all,"
      " lowmem_reserve_ratio: [256, 256, 32, 0]}\n");
  EXPECT_FALSE(c.kernel.zone_device);
  EXPECT_EQ(c.kernel.slab.sheaves, model::SlubSheaves::all);
  const Config again = load_config_text(c.resolved_yaml);
  EXPECT_EQ(again.kernel.slab.sheaves, model::SlubSheaves::all);
  EXPECT_FALSE(again.kernel.zone_device);
  // With ZONE_DEVICE: five ratios.
  EXPECT_EQ((*load_config_text("kernel: {flavour: linux-6.18, lowmem_reserve_ratio: [256, 256, "
                               "32, 0, 0]}\n")
                  .kernel.lowmem_reserve_ratio)[2],
            32u);
  EXPECT_EQ(std::string(load_error("kernel: {flavour: linux-6.18, lowmem_reserve_ratio: [256, 256, "
                                   "32, 0]}\n")
                            .what()),
            "t.yaml:1:53: kernel.lowmem_reserve_ratio: needs 5 entries, one per zone index");
  // Older flavours: only the default value passes (configs/default.yaml spells it out).
  EXPECT_EQ(load_config_text("kernel: {zone_device: true, slub_sheaves: opt-in}\n").kernel.flavour,
            model::Flavour::linux_6);
  EXPECT_EQ(std::string(load_error("kernel: {slub_sheaves: all}\n").what()),
            "t.yaml:1:24: kernel.slub_sheaves: does not exist in linux-6 (a linux-6.18 key)");
  EXPECT_EQ(std::string(load_error("kernel: {flavour: linux-2.6, zone_device: false}\n").what()),
            "t.yaml:1:43: kernel.zone_device: does not exist in linux-2.6 (a linux-6.18 key)");
  EXPECT_EQ(std::string(load_error("kernel: {flavour: linux-6.18, slab: slab}\n").what()),
            "t.yaml:1:37: kernel.slab: linux-6.18 has no SLAB (removed in 6.8); it runs slub, "
            "magazine");
  EXPECT_EQ(std::string(load_error("kernel: {flavour: linux-6.18, slab: slob}\n").what()),
            "t.yaml:1:37: kernel.slab: linux-6.18 has no SLOB (removed in 6.4); it runs slub, "
            "magazine");
  EXPECT_EQ(std::string(load_error("machine: {arch: i386}\nkernel: {flavour: linux-6.18, "
                                   "zone_device: true}\n")
                            .what()),
            "t.yaml:2:44: kernel.zone_device: needs x86_64 (ZONE_DEVICE needs SPARSEMEM_VMEMMAP)");
  EXPECT_EQ(std::string(load_error("kernel: {flavour: linux-6.18, slub_sheaves: some}\n").what())
                .rfind("t.yaml:1:45: kernel.slub_sheaves: unknown value 'some'", 0),
            0u);
}

// kernel.slab takes any registered design; the magazine design (not Linux's)
// runs under every flavour, with kernel.magazine_rounds as its M.
TEST(KernelSection, SlabIsAnyRegisteredDesign) {
  for (const char* f : {"linux-2.6", "linux-6", "linux-6.18"}) {
    const Config c = load_config_text(std::string("kernel: {flavour: ") + f +
                                      ", slab: magazine, magazine_rounds: 31}\n");
    EXPECT_EQ(c.kernel.slab.design, "magazine") << f;
    EXPECT_EQ(c.kernel.slab.magazine_rounds, 31u) << f;
    const Config again = load_config_text(c.resolved_yaml);
    EXPECT_EQ(again.kernel.slab.design, "magazine");
    EXPECT_EQ(again.kernel.slab.magazine_rounds, 31u);
  }
  EXPECT_EQ(load_config({}).kernel.slab.magazine_rounds, 0u);  // auto
  EXPECT_EQ(std::string(load_error("kernel: {slab: magazin}\n").what()),
            "t.yaml:1:16: kernel.slab: unknown value 'magazin' (expected slab, slub, slob or "
            "magazine); did you mean 'magazine'?");
  EXPECT_EQ(std::string(load_error("kernel: {slab: magazine, magazine_rounds: 144}\n").what()),
            "t.yaml:1:43: kernel.magazine_rounds: must be between 1 and 143, got 144");
  EXPECT_EQ(std::string(load_error("kernel: {magazine_rounds: 0}\n").what()),
            "t.yaml:1:27: kernel.magazine_rounds: must be between 1 and 143, got 0");
}

TEST(MachineZones, ExactLayoutIsReadAndChecked) {
  const Config c = load_config_text(R"(machine:
  nodes: 1
  cpus: 2
  memory: {per_node: 64MiB}
  zones:
    - {node: 0, zone: DMA, start_pfn: 1, spanned: 4095, present: 3998, managed: 3840}
    - {node: 0, zone: DMA32, start_pfn: 4096, spanned: 12288, present: 12288}
)");
  ASSERT_EQ(c.kernel.zones.size(), 2u);
  EXPECT_EQ(c.kernel.zones[0].type, model::ZoneType::dma);
  EXPECT_EQ(*c.kernel.zones[0].managed, 3840u);
  EXPECT_FALSE(c.kernel.zones[1].managed);
  EXPECT_EQ(load_config_text(c.resolved_yaml).kernel.zones.size(), 2u);

  EXPECT_EQ(std::string(load_error(R"(machine:
  memory: {per_node: 64MiB}
  zones:
    - {node: 0, zone: DMA, start_pfn: 1, spanned: 4095, present: 5000}
)")
                            .what()),
            "t.yaml:4:7: machine.zones[0]: zones: node 0 DMA: present exceeds spanned");
  EXPECT_EQ(std::string(load_error(R"(machine:
  memory: {per_node: 64MiB}
  zones:
    - {node: 0, zone: HighMem, start_pfn: 1, spanned: 10, present: 10}
)")
                            .what()),
            "t.yaml:4:7: machine.zones[0]: zone HighMem does not exist on x86_64");
  EXPECT_EQ(std::string(load_error(R"(machine:
  memory: {per_node: 64MiB}
  zones:
    - {node: 0, zone: DMA, start_pfn: 1, spanned: 4095, present: 4095}
    - {node: 0, zone: DMA32, start_pfn: 4000, spanned: 100, present: 100}
)")
                            .what()),
            "t.yaml:4:5: machine.zones: zones: node 0 DMA32: overlaps node 0 DMA");
}

}  // namespace
}  // namespace allocsim::io
