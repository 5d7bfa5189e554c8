// Unit parsing (io/config/units.hpp) and its errors as seen through a config.
#include "io/config/units.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "config_test_util.hpp"

namespace allocsim::io {
namespace {

using testing::load_error;

constexpr std::uint64_t KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024, TiB = GiB * 1024;

TEST(Units, SizeEveryUnit) {
  EXPECT_EQ(parse_size("64"), 64u);
  EXPECT_EQ(parse_size("64B"), 64u);
  EXPECT_EQ(parse_size("32KiB"), 32 * KiB);
  EXPECT_EQ(parse_size("3MiB"), 3 * MiB);
  EXPECT_EQ(parse_size("4GiB"), 4 * GiB);
  EXPECT_EQ(parse_size("2TiB"), 2 * TiB);
  // K/KB, M/MB, G/GB, T/TB are binary, as Linux's memparse reads them.
  EXPECT_EQ(parse_size("8K"), 8 * KiB);
  EXPECT_EQ(parse_size("8KB"), 8 * KiB);
  EXPECT_EQ(parse_size("5M"), 5 * MiB);
  EXPECT_EQ(parse_size("5MB"), 5 * MiB);
  EXPECT_EQ(parse_size("6G"), 6 * GiB);
  EXPECT_EQ(parse_size("6GB"), 6 * GiB);
  EXPECT_EQ(parse_size("1T"), TiB);
  EXPECT_EQ(parse_size("1TB"), TiB);
  EXPECT_EQ(parse_size("0x1000"), 4096u);
}

TEST(Units, SizeCaseWhitespaceAndFractions) {
  EXPECT_EQ(parse_size("64 KiB"), 64 * KiB);
  EXPECT_EQ(parse_size("  64\tkib "), 64 * KiB);
  EXPECT_EQ(parse_size("16kB"), 16 * KiB);
  EXPECT_EQ(parse_size("1.375MiB"), 1441792u);
  EXPECT_EQ(parse_size("19.25MiB"), 20185088u);
  EXPECT_EQ(parse_size("0.5KiB"), 512u);
  EXPECT_EQ(parse_size("0"), 0u);
}

TEST(Units, SizeErrors) {
  EXPECT_THROW(parse_size("12 parsecs"), std::invalid_argument);
  EXPECT_THROW(parse_size("KiB"), std::invalid_argument);
  EXPECT_THROW(parse_size("-4KiB"), std::invalid_argument);
  EXPECT_THROW(parse_size("1.3B"), std::invalid_argument);  // not whole bytes
  EXPECT_THROW(parse_size("16EiB"), std::invalid_argument);
  EXPECT_THROW(parse_size("99999999999TiB"), std::invalid_argument);  // overflows 64 bits
  try {
    parse_size("12 parsecs");
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "invalid size '12 parsecs': unknown unit 'parsecs' (expected B, KiB, MiB, GiB, "
                 "TiB, K, KB, M, MB, G, GB, T or TB)");
  }
}

TEST(Units, TimeToCyclesAt2_5GHz) {
  EXPECT_EQ(parse_time("90ns", 2.5), 225u);
  EXPECT_EQ(parse_time("85ns", 2.5), 213u);  // 212.5 rounds half up
  EXPECT_EQ(parse_time("4", 2.5), 4u);
  EXPECT_EQ(parse_time("4cycles", 2.5), 4u);
  EXPECT_EQ(parse_time("4 cycles", 2.5), 4u);
  EXPECT_EQ(parse_time("1 cycle", 2.5), 1u);
  EXPECT_EQ(parse_time("0.4ns", 2.5), 1u);
  EXPECT_EQ(parse_time("2us", 2.5), 5000u);
  EXPECT_EQ(parse_time("2\u00b5s", 2.5), 5000u);
  EXPECT_EQ(parse_time("3ms", 2.5), 7500000u);
  EXPECT_EQ(parse_time("1s", 2.5), 2500000000u);
  EXPECT_EQ(parse_time("1.5 NS", 2.0), 3u);
  EXPECT_EQ(parse_time("0ns", 2.5), 0u);
  EXPECT_EQ(parse_time("0.2ns", 2.5), 1u);                          // 0.5 cycles rounds up
  EXPECT_THROW(parse_time("0.1ns", 2.5), std::invalid_argument);    // 0.25: no cycle at all
  EXPECT_THROW(parse_time("0.001us", 0.1), std::invalid_argument);  // 0.1 cycles
  EXPECT_EQ(parse_time(".5ns", 2.0), 1u);
}

TEST(Units, TimeErrors) {
  EXPECT_THROW(parse_time("4.5cycles", 2.5), std::invalid_argument);
  EXPECT_THROW(parse_time("-1ns", 2.5), std::invalid_argument);
  EXPECT_THROW(parse_time("5 fortnights", 2.5), std::invalid_argument);
  EXPECT_THROW(parse_time("1e12s", 2.5), std::invalid_argument);
  EXPECT_THROW(parse_time("9999999999s", 2.5), std::invalid_argument);  // beyond 2^63 cycles
}

TEST(Units, Frequency) {
  EXPECT_EQ(parse_frequency_ghz("2.5GHz"), 2.5);
  EXPECT_EQ(parse_frequency_ghz("2.5 ghz"), 2.5);
  EXPECT_EQ(parse_frequency_ghz("2700MHz"), 2.7);
  EXPECT_EQ(parse_frequency_ghz("40 MHz"), 0.04);
  EXPECT_EQ(parse_frequency_ghz("500kHz"), 0.0005);
  EXPECT_EQ(parse_frequency_ghz("1000000000Hz"), 1.0);
  EXPECT_THROW(parse_frequency_ghz("2.5"), std::invalid_argument);  // a unit is required
  EXPECT_THROW(parse_frequency_ghz("0GHz"), std::invalid_argument);
  EXPECT_THROW(parse_frequency_ghz("-1GHz"), std::invalid_argument);
  EXPECT_THROW(parse_frequency_ghz("3THz"), std::invalid_argument);
}

TEST(Units, BandwidthToBytesPerCycle) {
  EXPECT_EQ(parse_bandwidth("20GB/s", 2.5), 8.0);
  EXPECT_EQ(parse_bandwidth("20 GB/s", 2.0), 10.0);
  EXPECT_EQ(parse_bandwidth("2500MB/s", 2.5), 1.0);
  EXPECT_EQ(parse_bandwidth("2.5GiB/s", 2.5), 1.073741824);  // 2.5 * 2^30 / 2.5e9
  EXPECT_DOUBLE_EQ(parse_bandwidth("1000MiB/s", 1.048576), 1.0);
  EXPECT_EQ(parse_bandwidth("8B/cycle", 2.5), 8.0);
  EXPECT_THROW(parse_bandwidth("20", 2.5), std::invalid_argument);
  EXPECT_THROW(parse_bandwidth("20Gb/s/s", 2.5), std::invalid_argument);
  EXPECT_THROW(parse_bandwidth("0GB/s", 2.5), std::invalid_argument);
}

TEST(Units, IntegersAndBools) {
  EXPECT_EQ(parse_uint("42"), 42u);
  EXPECT_EQ(parse_uint("0x2A"), 42u);
  EXPECT_EQ(parse_uint("18446744073709551615"), UINT64_MAX);
  EXPECT_THROW(parse_uint("18446744073709551616"), std::invalid_argument);
  EXPECT_THROW(parse_uint("-1"), std::invalid_argument);
  EXPECT_THROW(parse_uint("4.0"), std::invalid_argument);
  EXPECT_THROW(parse_uint(""), std::invalid_argument);
  for (const char* yes : {"true", "True", "yes", "on", "ON"}) EXPECT_TRUE(parse_bool(yes)) << yes;
  for (const char* no : {"false", "no", "off", "No"}) EXPECT_FALSE(parse_bool(no)) << no;
  EXPECT_THROW(parse_bool("1"), std::invalid_argument);
}

TEST(Units, CanonicalFormsReadBack) {
  EXPECT_EQ(format_size(64), "64B");
  EXPECT_EQ(format_size(0), "0B");
  EXPECT_EQ(format_size(32 * KiB), "32KiB");
  EXPECT_EQ(format_size(1441792), "1408KiB");
  EXPECT_EQ(format_size(4 * GiB), "4GiB");
  EXPECT_EQ(format_size(3 * TiB), "3TiB");
  EXPECT_EQ(format_double(2.5), "2.5");
  EXPECT_EQ(format_double(8), "8");
  for (double v : {2.7, 0.1, 1.073741824, 8.52, 1.0 / 3}) {
    EXPECT_EQ(parse_bandwidth(format_double(v) + "B/cycle", 1.0), v);
  }
}

// Through a config, a bad unit names the file, position and key.
TEST(Units, BadUnitErrorNamesTheKey) {
  ConfigError e = load_error("machine:\n  caches:\n    l1d: {size: 32 parsecs}\n");
  EXPECT_EQ(e.file, "t.yaml");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.column, 17);
  EXPECT_EQ(e.key, "machine.caches.l1d.size");
  EXPECT_STREQ(e.what(),
               "t.yaml:3:17: machine.caches.l1d.size: invalid size '32 parsecs': unknown unit "
               "'parsecs' (expected B, KiB, MiB, GiB, TiB, K, KB, M, MB, G, GB, T or TB)");

  EXPECT_STREQ(load_error("machine:\n  memory:\n    latency: 85 lightyears\n").what(),
               "t.yaml:3:14: machine.memory.latency: invalid time '85 lightyears': unknown unit "
               "'lightyears' (expected cycles, ns, us, ms or s)");
  EXPECT_STREQ(load_error("machine:\n  frequency: 2.5\n").what(),
               "t.yaml:2:14: machine.frequency: frequency '2.5' needs a unit (GHz or MHz)");
  EXPECT_STREQ(load_error("machine:\n  memory: {channel_bandwidth: 20GB}\n").what(),
               "t.yaml:2:31: machine.memory.channel_bandwidth: invalid bandwidth '20GB': unknown "
               "unit 'GB' (expected GB/s, GiB/s, MB/s, MiB/s or B/cycle)");
}

// Times convert at the configured frequency, whichever file sets it.
TEST(Units, ConfigTimesUseTheMachineFrequency) {
  Config c = load_config_text("machine:\n  memory: {latency: 90ns}\n");
  EXPECT_EQ(c.machine.memory.latency, 225u);
  c = load_config_text("machine:\n  memory: {latency: 90ns}\n", "t.yaml",
                       {"machine.frequency=2GHz"});
  EXPECT_EQ(c.machine.memory.latency, 180u);
  EXPECT_EQ(c.machine.memory.bytes_per_cycle, 10.0);  // 20GB/s at 2 GHz
  EXPECT_EQ(c.machine.coherence.c2c_remote, 270u);    // 135ns at 2 GHz
}

}  // namespace
}  // namespace allocsim::io
