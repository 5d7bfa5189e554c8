#pragma once
// Shared helpers of the config tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "io/config/load.hpp"

namespace allocsim::io::testing {

// The repository's configs/ directory: from tests/CMakeLists.txt's
// ALLOCSIM_SOURCE_DIR, or else from this file's (absolute) path.
inline std::filesystem::path configs_dir() {
#ifdef ALLOCSIM_SOURCE_DIR
  return std::filesystem::path(ALLOCSIM_SOURCE_DIR) / "configs";
#else
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "configs";
#endif
}

// The ConfigError that `load` throws; fails the test if it throws none.
inline ConfigError error_of(const std::function<void()>& load) {
  try {
    load();
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a ConfigError";
  return ConfigError(Origin{}, "", "none");
}

// Loads YAML text named t.yaml (plus overrides) and returns its error.
inline ConfigError load_error(std::string_view yaml, const std::vector<std::string>& sets = {}) {
  return error_of([&] { load_config_text(yaml, "t.yaml", sets); });
}

// A scratch directory for config files, removed with the object.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name =
        "allocsim_config_test_" + std::string(info->test_suite_name()) + "_" + info->name();
    std::replace(name.begin(), name.end(), '/', '_');  // parameterised test names
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, std::string_view text) const {
    std::filesystem::path file = path_ / name;
    std::ofstream(file) << text;
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

// Field-by-field equality of two machines, with a readable failure.
inline void expect_same_machine(const sim::MachineConfig& a, const sim::MachineConfig& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.arch, b.arch);
  EXPECT_EQ(a.ghz, b.ghz);
  EXPECT_EQ(a.cpus, b.cpus);
  EXPECT_EQ(a.nodes, b.nodes);
  EXPECT_EQ(a.cpu_node, b.cpu_node);
  ASSERT_EQ(a.node_memory.size(), b.node_memory.size());
  for (std::size_t i = 0; i < a.node_memory.size(); ++i) {
    EXPECT_EQ(a.node_memory[i].start, b.node_memory[i].start) << "node " << i;
    EXPECT_EQ(a.node_memory[i].bytes, b.node_memory[i].bytes) << "node " << i;
  }
  ASSERT_EQ(a.links.size(), b.links.size());
  for (std::size_t i = 0; i < a.links.size(); ++i) {
    EXPECT_EQ(a.links[i].a, b.links[i].a);
    EXPECT_EQ(a.links[i].b, b.links[i].b);
    EXPECT_EQ(a.links[i].distance, b.links[i].distance);
  }
  EXPECT_EQ(a.distance, b.distance);
  EXPECT_EQ(a.line_bytes, b.line_bytes);
  for (auto [x, y] :
       {std::pair{&a.l1d, &b.l1d}, std::pair{&a.l2, &b.l2},
        std::pair<const sim::CacheConfig*, const sim::CacheConfig*>{&a.llc, &b.llc}}) {
    EXPECT_EQ(x->size_bytes, y->size_bytes);
    EXPECT_EQ(x->ways, y->ways);
    EXPECT_EQ(x->latency, y->latency);
    EXPECT_EQ(x->replacement, y->replacement);
  }
  EXPECT_EQ(a.llc.shared_by, b.llc.shared_by);
  EXPECT_EQ(a.memory.latency, b.memory.latency);
  EXPECT_EQ(a.memory.channels, b.memory.channels);
  EXPECT_EQ(a.memory.interleave_bytes, b.memory.interleave_bytes);
  EXPECT_EQ(a.memory.bytes_per_cycle, b.memory.bytes_per_cycle);
  EXPECT_EQ(a.memory.queue_window, b.memory.queue_window);
  EXPECT_EQ(a.coherence.c2c_same_llc, b.coherence.c2c_same_llc);
  EXPECT_EQ(a.coherence.c2c_same_node, b.coherence.c2c_same_node);
  EXPECT_EQ(a.coherence.c2c_remote, b.coherence.c2c_remote);
  EXPECT_EQ(a.lock_kind, b.lock_kind);
  EXPECT_EQ(a.timing, b.timing);
}

}  // namespace allocsim::io::testing
