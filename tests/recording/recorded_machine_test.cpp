// machine.yaml from a "before" snapshot, and the recording directory's
// atomic replacement.
#include "io/recording/recorded_machine.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "io/config/load.hpp"
#include "io/recording/cpu_caches.hpp"
#include "io/recording/error.hpp"
#include "io/recording/files.hpp"
#include "io/recording/record.hpp"
#include "io/recording/recording_dir.hpp"
#include "recording_test_util.hpp"

namespace allocsim::io::recording {
namespace {

namespace fs = std::filesystem;
using testing::source_path;
using testing::TempTree;

// A "before" directory from the machine-import test data (2 nodes, 8 CPUs).
void fake_before(const TempTree& t, const std::string& caches_tsv) {
  const std::string data = source_path("tests/data/import-6x");
  t.write("rec/before/zoneinfo", read_required(data + "/zoneinfo"));
  t.write("rec/before/vm/min_free_kbytes", read_required(data + "/min_free_kbytes"));
  for (const char* n : {"node0", "node1"})
    for (const char* f : {"distance", "cpulist"})
      t.write(std::string("rec/before/node/") + n + "/" + f,
              read_required(data + "/node/" + n + "/" + f));
  t.write("rec/before/kernel_release", "6.18.44-fc-v1272\n");
  t.write("rec/before/cpu_caches.tsv", caches_tsv);
}

TEST(RecordedMachine, FromTheBeforeSnapshot) {
  TempTree t;
  const std::vector<CpuCache> caches = {{0, 0, 1, "Data", 32 * 1024, 8, 64, "0"},
                                        {0, 1, 2, "Unified", 1 << 20, 16, 64, "0"},
                                        {0, 2, 3, "Unified", 32 << 20, 16, 64, "0-3"}};
  fake_before(t, cpu_caches_tsv(caches));
  const std::string yaml = recorded_machine_yaml(t.path("rec/before"), "perf bench");
  const Config c = load_config_text(yaml, "machine.yaml");
  EXPECT_EQ(c.machine.name, "perf_bench");
  EXPECT_EQ(c.machine.cpus, 8u);
  EXPECT_EQ(c.machine.nodes, 2u);
  EXPECT_EQ(c.machine.llc.size_bytes, 32u << 20);
  EXPECT_EQ(c.machine.llc.shared_by, 0u);                   // the L3 spans a node's 4 CPUs
  EXPECT_EQ(c.kernel.flavour, model::Flavour::linux_6_18);  // recorded on a 6.18
  EXPECT_EQ(*c.kernel.min_free_kbytes, 67584u);
  EXPECT_NE(yaml.find("caches and min_free_kbytes come from the machine"), std::string::npos);
}

TEST(RecordedMachine, WithoutCacheInformation) {
  TempTree t;
  fake_before(t, cpu_caches_tsv({}));
  const std::string yaml = recorded_machine_yaml(t.path("rec/before"), "x");
  EXPECT_EQ(yaml.find("caches:"), std::string::npos);
  EXPECT_NO_THROW(load_config_text(yaml, "machine.yaml"));
}

TEST(RecordedMachine, Names) {
  EXPECT_EQ(machine_name("fork-exec_2000.x"), "fork-exec_2000.x");
  EXPECT_EQ(machine_name("a b:c#d"), "a_b_c_d");
  EXPECT_EQ(machine_name(""), "recorded");
}

TEST(RecordingDir, CommitsAtomicallyAndReplacesOnlyRecordings) {
  TempTree t;
  const std::string out = t.path("out");
  {
    RecordingDir d(out, false);
    EXPECT_EQ(fs::path(d.temp()).filename().string().rfind(".out.tmp-", 0), 0u);
    write_text(d.file(kManifestName), "format: 1\n");
    EXPECT_FALSE(fs::exists(out));
    d.commit();
  }
  EXPECT_TRUE(fs::exists(out + "/" + kManifestName));
  EXPECT_THROW(RecordingDir(out, false), InputError);  // exists, no --force
  {
    RecordingDir d(out + "/", true);  // an earlier recording: replaced
    write_text(d.file("new"), "");
    d.commit();
  }
  EXPECT_TRUE(fs::exists(out + "/new"));
  EXPECT_FALSE(fs::exists(out + "/" + kManifestName));
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(t.path())) ++entries;
  EXPECT_EQ(entries, 1u);  // no sibling left behind
  {
    RecordingDir abandoned(t.path("gone"), false);
    write_text(abandoned.file("trace.txt"), "x");
  }
  EXPECT_FALSE(fs::exists(t.path("gone")));
  EXPECT_EQ(std::distance(fs::directory_iterator(t.path()), fs::directory_iterator()), 1);
  t.write("precious/file", "x");
  EXPECT_THROW(RecordingDir(t.path("precious"), true), InputError);  // not a recording
  t.write("afile", "x");
  EXPECT_THROW(RecordingDir(t.path("afile"), true), InputError);
  EXPECT_THROW(RecordingDir(t.path("no/such/parent"), false), InputError);
}

TEST(Record, DefaultBufferSize) {
  EXPECT_EQ(default_buffer_kb(24u << 20, 2), 256u * 1024);  // 24 GiB available: 256 MiB
  EXPECT_EQ(default_buffer_kb(4u << 20, 64), 4u * 1024);    // 4 GiB / 16 / 64 = 4 MiB
  EXPECT_EQ(default_buffer_kb(3u << 20, 5), 38u * 1024);    // 38.4 MiB: whole MiB
  EXPECT_EQ(default_buffer_kb(1u << 20, 256), 1024u);       // never below 1 MiB
  EXPECT_EQ(default_buffer_kb(0, 2), 256u * 1024);          // unknown memory
}

}  // namespace
}  // namespace allocsim::io::recording
