// recording.yaml: a YAML document with the keys docs/recording.md lists.
#include "io/recording/manifest.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace allocsim::io::recording {
namespace {

TEST(Manifest, QuotesAnyText) {
  EXPECT_EQ(yaml_quote("plain"), "\"plain\"");
  EXPECT_EQ(yaml_quote("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
  EXPECT_EQ(yaml_quote("tab\there"), "\"tab\\x09here\"");
  EXPECT_EQ(YAML::Load(yaml_quote("x: [y] # z\t\"\\")).as<std::string>(), "x: [y] # z\t\"\\");
}

TEST(Manifest, LoadsAsYamlWithEveryKey) {
  Manifest m;
  m.command_line = {"allocsim", "record", "-o", "out dir", "--", "sh", "-c", "ls: x # y"};
  m.recorder_pid = 100;
  m.host = "vm";
  m.kernel_release = "6.18.44";
  m.command = {"sh", "-c", "ls: x # y"};
  m.command_pid = 101;
  m.exit_code = 3;
  m.events = {"kmem/kmalloc", "vmalloc/alloc_vmap_area"};
  m.hashed_pointers = false;
  m.buffer_size_kb = 65538;
  m.start_mono_ns = 3528457207036;
  m.stop_mono_ns = 3528648962670;
  m.start_real_ns = 1'796'000'000'123'456'789;
  m.stop_real_ns = m.start_real_ns + 1000;
  m.before_reads = {{"kernel_release", 1}, {"buddyinfo", 2}};
  m.after_reads = {{"buddyinfo", 3}};
  CpuBufferStats s;
  s.read_events = 7;
  m.cpu_stats = {s, s};
  m.counts.add_line("  a-1 [000] ..... 1.000001: kmalloc: ptr=1");
  m.counts.add_line("  a-1 [001] ..... 1.000002: <stack trace>");
  m.counts.add_line(" => f");
  m.files = {{"trace.txt", 10}, {"before/zoneinfo", 20}};
  const YAML::Node y = YAML::Load(manifest_yaml(m));
  EXPECT_EQ(y["format"].as<int>(), kRecordingFormat);
  EXPECT_EQ(y["allocsim"]["command_line"][3].as<std::string>(), "out dir");
  EXPECT_EQ(y["allocsim"]["pid"].as<long>(), 100);
  EXPECT_EQ(y["command"][2].as<std::string>(), "ls: x # y");
  EXPECT_TRUE(y["duration_ns"].IsNull());
  EXPECT_EQ(y["command_exit"]["code"].as<int>(), 3);
  EXPECT_EQ(y["kernel_release"].as<std::string>(), "6.18.44");
  EXPECT_EQ(y["time"]["clock"].as<std::string>(), "mono");
  EXPECT_EQ(y["time"]["start"]["trace_ns"].as<std::uint64_t>(), 3528457207036u);
  EXPECT_EQ(y["time"]["start"]["wall"].as<std::string>().substr(0, 4), "2026");
  EXPECT_EQ(y["time"]["before_snapshot"]["read_ns"]["buddyinfo"].as<int>(), 2);
  EXPECT_EQ(y["trace"]["events_enabled"][1].as<std::string>(), "vmalloc/alloc_vmap_area");
  EXPECT_FALSE(y["trace"]["hashed_pointers"].as<bool>());
  EXPECT_EQ(y["trace"]["buffer_size_kb"].as<int>(), 65538);
  EXPECT_EQ(y["trace"]["events"].as<int>(), 2);
  EXPECT_EQ(y["trace"]["stack_frames"].as<int>(), 1);
  EXPECT_EQ(y["trace"]["by_event"]["<stack trace>"].as<int>(), 1);
  EXPECT_EQ(y["trace"]["lost_events"].as<int>(), 0);
  EXPECT_EQ(y["cpus"].size(), 2u);
  EXPECT_EQ(y["cpus"][1]["events"].as<int>(), 1);
  EXPECT_EQ(y["cpus"][1]["read_events"].as<int>(), 7);
  EXPECT_EQ(y["files"][1]["path"].as<std::string>(), "before/zoneinfo");
  EXPECT_EQ(y["files"][1]["bytes"].as<int>(), 20);

  m.command.clear();
  m.exit_code.reset();
  m.duration_ns = 5'000'000'000;
  m.hashed_pointers.reset();
  const YAML::Node d = YAML::Load(manifest_yaml(m));
  EXPECT_TRUE(d["command"].IsNull());
  EXPECT_TRUE(d["command_exit"].IsNull());
  EXPECT_TRUE(d["command_pid"].IsNull());
  EXPECT_EQ(d["duration_ns"].as<std::uint64_t>(), 5'000'000'000u);
  EXPECT_TRUE(d["trace"]["hashed_pointers"].IsNull());
}

}  // namespace
}  // namespace allocsim::io::recording
