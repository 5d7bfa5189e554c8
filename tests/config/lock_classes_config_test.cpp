// machine.lock_classes: per lock class (sim/lock_class.hpp) a kind and extra
// acquire/release cycles; classes left out follow machine.locks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "config_test_util.hpp"
#include "io/config/load.hpp"

namespace allocsim::io {
namespace {

using allocsim::io::testing::load_error;

std::size_t index_of(std::string_view key) {
  for (std::size_t i = 0; i < sim::kLockClasses.size(); ++i)
    if (sim::kLockClasses[i].key == key) return i;
  ADD_FAILURE() << key;
  return 0;
}

TEST(LockClassesConfig, KindAndCyclesPerClass) {
  const Config d = load_config({});
  for (const sim::LockClassConfig& c : d.machine.lock_classes) {
    EXPECT_FALSE(c.kind);
    EXPECT_EQ(c.acquire_cycles, 0u);
  }
  const Config c = load_config_text(
      "machine:\n  locks: queued\n  lock_classes:\n    zone: {kind: ticket}\n"
      "    list_lock: {acquire_cycles: 40, release_cycles: 10}\n");
  EXPECT_EQ(c.machine.lock_kind, sim::LockKind::queued);
  EXPECT_EQ(c.machine.lock_classes[index_of("zone")].kind, sim::LockKind::ticket);
  EXPECT_FALSE(c.machine.lock_classes[index_of("list_lock")].kind);
  EXPECT_EQ(c.machine.lock_classes[index_of("list_lock")].acquire_cycles, 40u);
  EXPECT_EQ(c.machine.lock_classes[index_of("list_lock")].release_cycles, 10u);
  EXPECT_FALSE(c.machine.lock_classes[index_of("vmap")].kind);
  const Config again = load_config_text(c.resolved_yaml);
  EXPECT_EQ(again.machine.lock_classes[index_of("zone")].kind, sim::LockKind::ticket);
  EXPECT_EQ(again.machine.lock_classes[index_of("list_lock")].acquire_cycles, 40u);
  // A sweep sets one class from the command line.
  const Config set = load_config_text("", "t.yaml", {"machine.lock_classes.kmap.kind=ticket"});
  EXPECT_EQ(set.machine.lock_classes[index_of("kmap")].kind, sim::LockKind::ticket);
}

TEST(LockClassesConfig, Errors) {
  EXPECT_EQ(std::string(load_error("machine: {lock_classes: {zone: {kind: mcs}}}\n").what()),
            "t.yaml:1:39: machine.lock_classes.zone.kind: unknown value 'mcs' (expected ticket "
            "or queued)");
  EXPECT_EQ(std::string(load_error("machine: {lock_classes: {zones: {kind: ticket}}}\n").what()),
            "t.yaml:1:26: machine.lock_classes.zones: unknown key 'zones'; did you mean 'zone'?");
  EXPECT_EQ(
      std::string(
          load_error("machine: {lock_classes: {vmap: {acquire_cycles: 2000000}}}\n").what()),
      "t.yaml:1:49: machine.lock_classes.vmap.acquire_cycles: must be between 0 and 1048576, got "
      "2000000");
}

// docs/config.md's table of lock classes is generated from sim::kLockClasses
// (between <!-- lock-classes:begin --> and <!-- lock-classes:end -->);
// ALLOCSIM_UPDATE_DOCS=1 rewrites it.
TEST(LockClassesDocs, ConfigMdTableMatchesTheDeclarations) {
  std::string want =
      "| class | stat names (`lock.<name>.*`) | guards | kernel symbol |\n|---|---|---|---|\n";
  for (const sim::LockClassDecl& d : sim::kLockClasses) {
    std::string stats;
    for (std::string_view s : d.stats)
      if (!s.empty()) stats += (stats.empty() ? "`" : ", `") + std::string(s) + "`";
    want += "| `" + std::string(d.key) + "` | " + stats + " | " + std::string(d.guards) + " | `" +
            std::string(d.symbol) + "` |\n";
  }
  const std::string path = std::string(ALLOCSIM_SOURCE_DIR) + "/docs/config.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  const std::string begin = "<!-- lock-classes:begin -->\n", end = "<!-- lock-classes:end -->";
  const std::size_t b = text.find(begin), e = text.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  const std::size_t from = b + begin.size();
  if (text.substr(from, e - from) == want) return;
  if (const char* u = std::getenv("ALLOCSIM_UPDATE_DOCS"); u && std::string(u) == "1") {
    text.replace(from, e - from, want);
    std::ofstream(path) << text;
    return;
  }
  ADD_FAILURE()
      << "docs/config.md's lock classes are out of date: regenerate with "
         "ALLOCSIM_UPDATE_DOCS=1 build/tests/config_tests --gtest_filter=LockClassesDocs.*";
}

}  // namespace
}  // namespace allocsim::io
