// Sweep files and --grid: the points, their names and order, and errors
// that name the file, line and key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "io/config/error.hpp"
#include "io/run/sweep_spec.hpp"

namespace allocsim::io {
namespace {

namespace fs = std::filesystem;

std::string write_file(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::ofstream(p) << text;
  return p.string();
}

TEST(SweepSpec, GridProductFirstAxisSlowestThenPoints) {
  const std::string f = write_file("sweep.yaml", R"(base: [machines/a.yaml]
set:
  run.seed: 7
grid:
  kernel.slab: [slab, slub]
  machine.cpus: [1, 2, 4]
points:
  - {kernel.slab: slob, machine.cpus: 2}
)");
  const SweepSpec s = read_sweep_file(f);
  ASSERT_EQ(s.base.size(), 1u);
  EXPECT_EQ(s.base[0], (fs::path(f).parent_path() / "machines/a.yaml").string());
  EXPECT_EQ(s.sets, std::vector<std::string>{"run.seed=7"});
  const std::vector<SweepPoint> pts = expand(s);
  ASSERT_EQ(pts.size(), 7u);
  EXPECT_EQ(pts[0].name, "kernel.slab=slab,machine.cpus=1");
  EXPECT_EQ(pts[1].name, "kernel.slab=slab,machine.cpus=2");
  EXPECT_EQ(pts[3].name, "kernel.slab=slub,machine.cpus=1");
  EXPECT_EQ(pts[6].name, "kernel.slab=slob,machine.cpus=2");
  EXPECT_EQ(pts[4].sets,
            (std::vector<std::string>{"run.seed=7", "kernel.slab=slub", "machine.cpus=2"}));
  fs::remove(f);
}

TEST(SweepSpec, GridOptionAddsOrReplacesAnAxis) {
  SweepSpec s;
  add_grid_option(s, "kernel.slab=slab,slub");
  add_grid_option(s, "machine.cpus=1,2");
  add_grid_option(s, "kernel.slab=slob");
  const std::vector<SweepPoint> pts = expand(s);
  ASSERT_EQ(pts.size(), 2u);
  EXPECT_EQ(pts[1].name, "kernel.slab=slob,machine.cpus=2");
  for (const char* bad : {"kernel.slab", "=a,b", "kernel.slab=", "kernel.slab=a,,b"})
    EXPECT_THROW(add_grid_option(s, bad), ConfigError) << bad;
}

TEST(SweepSpec, NamesAreSafeAndUnique) {
  EXPECT_EQ(point_name({}), "base");
  EXPECT_EQ(point_name({{"workload.trace", "a/b.txt"}}), "workload.trace=a_b.txt");
  SweepSpec s;
  s.points = {{{"kernel.slab", "slub"}}, {{"kernel.slab", "slub"}}};
  EXPECT_THROW(expand(s), ConfigError);
  EXPECT_EQ(expand(SweepSpec{}).size(), 1u);  // no parameters: one base point
}

TEST(SweepSpec, GridsFromPythonAreChecked) {
  SweepSpec empty_axis;
  empty_axis.grid = {{"machine.cpus", {}}};
  EXPECT_THROW(expand(empty_axis), ConfigError);
  for (const char* key : {"", "machine.cpus=2"}) {
    SweepSpec bad_axis, bad_point;
    bad_axis.grid = {{key, {"1"}}};
    bad_point.points = {{{key, "1"}}};
    EXPECT_THROW(expand(bad_axis), ConfigError) << key;
    EXPECT_THROW(expand(bad_point), ConfigError) << key;
  }
  EXPECT_EQ(parameter_lines({{"kernel.slab", "slub"}, {"workload.trace", "a/b"}}),
            "kernel.slab=slub\nworkload.trace=a/b\n");
  EXPECT_EQ(parameter_lines({}), "");
}

TEST(SweepSpec, ErrorsNameFileLineAndKey) {
  const std::string f = write_file("bad-sweep.yaml", R"(grid:
  kernel.slab: [slab, slub]
  machine.cpus: [[1, 2]]
)");
  try {
    read_sweep_file(f);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file, f);
    EXPECT_EQ(e.line, 3);
    EXPECT_EQ(e.key, "grid.machine.cpus[0]");
  }
  const std::string g = write_file("bad-sweep2.yaml", "grids:\n  kernel.slab: [slab]\n");
  try {
    read_sweep_file(g);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.line, 1);
    EXPECT_NE(e.message.find("unknown key 'grids'"), std::string::npos) << e.message;
  }
  fs::remove(f);
  fs::remove(g);
}

TEST(SweepSpec, SweepFilesAreToldFromConfigs) {
  const std::string sweep = write_file("is-sweep.yaml", "grid:\n  kernel.slab: [slab]\n");
  const std::string config = write_file("is-config.yaml", "machine:\n  cpus: 2\n");
  const std::string empty = write_file("is-empty.yaml", "");
  const std::string mixed =
      write_file("is-mixed.yaml", "set:\n  machine.cpus: 2\nkernel:\n  slab: slub\n");
  EXPECT_TRUE(is_sweep_file(sweep));
  EXPECT_FALSE(is_sweep_file(config));
  EXPECT_FALSE(is_sweep_file(empty));  // an empty config: the default
  try {
    is_sweep_file(mixed);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file, mixed);
    EXPECT_EQ(e.line, 3);
    EXPECT_EQ(e.key, "kernel");
  }
  for (const std::string& f : {sweep, config, empty, mixed}) fs::remove(f);
}

TEST(SweepSpec, PointErrorsPointAtTheSweepFile) {
  const std::string f = write_file("located.yaml", R"(set:
  machine.cpus: 2
grid:
  kernel.slab: [slab, slb]
points:
  - {machine.nodes: 1}
)");
  SweepSpec s = read_sweep_file(f);
  add_set_option(s, "run.seed=3");
  add_grid_option(s, "kernel.flavour=linux-6");
  const std::vector<SweepPoint> pts = expand(s);
  ASSERT_EQ(pts.size(), 3u);
  ASSERT_EQ(pts[1].sets, (std::vector<std::string>{"machine.cpus=2", "run.seed=3",
                                                   "kernel.slab=slb", "kernel.flavour=linux-6"}));
  ASSERT_EQ(pts[1].origins.size(), pts[1].sets.size());
  auto located = [&](std::size_t point, const std::string& key) {
    return locate_point_error(ConfigError(Origin{"--set", 0, 0, 9}, key, "bad value"), pts[point]);
  };
  // A grid value: its line and column in the file.
  ConfigError e = located(1, "kernel.slab");
  EXPECT_EQ(e.file, f);
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.column, 23);
  EXPECT_EQ(e.key, "kernel.slab");
  EXPECT_EQ(std::string(e.what()), f + ":4:23: kernel.slab: bad value");
  // set: and points: entries, and a key below the one set.
  EXPECT_EQ(located(1, "machine.cpus").line, 2);
  EXPECT_EQ(located(2, "machine.nodes").line, 6);
  EXPECT_EQ(located(2, "machine.nodes.0").line, 6);
  // Typed on the command line: still "--set KEY" / "--grid KEY".
  EXPECT_EQ(std::string(located(1, "run.seed").what()), "--set run.seed: bad value");
  EXPECT_EQ(std::string(located(1, "kernel.flavour").what()), "--grid kernel.flavour: bad value");
  // Not about a swept key, or not from a --set: unchanged.
  EXPECT_EQ(located(1, "machine.caches").file, "--set");
  const ConfigError other(Origin{"a.yaml", 3, 1, 1}, "kernel.slab", "bad");
  EXPECT_EQ(locate_point_error(other, pts[1]).file, "a.yaml");
  fs::remove(f);
}

}  // namespace
}  // namespace allocsim::io

namespace allocsim::io {
namespace {

// Ten axes of ten values are 10^10 points: counted, never made.
TEST(SweepSpec, PointsAreBoundedBeforeExpanding) {
  std::string yaml = "grid:\n";
  for (int i = 0; i < 10; ++i) yaml += "  k" + std::to_string(i) + ": [0,1,2,3,4,5,6,7,8,9]\n";
  try {
    expand(read_sweep_text(yaml, "s.yaml"));
    ADD_FAILURE() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "sweep: the sweep has more than 10000 points (the grid's axes multiply); split "
                 "it into several sweeps");
  }
  SweepSpec at_limit;
  at_limit.grid = {{"a", std::vector<std::string>(100, "1")}, {"b", {}}};
  for (int i = 0; i < 100; ++i) at_limit.grid[1].second.push_back(std::to_string(i));
  for (int i = 0; i < 100; ++i) at_limit.grid[0].second[i] = std::to_string(i);
  EXPECT_EQ(expand(at_limit).size(), kMaxSweepPoints);
  at_limit.points.push_back({{"a", "x"}});
  EXPECT_THROW(expand(at_limit), ConfigError);
}

// A grid that aliases itself is an error at the alias, not a crash.
TEST(SweepSpec, RecursiveAliasInASweepFile) {
  try {
    read_sweep_text("grid: &g\n  kernel.slab: *g\n", "s.yaml");
    ADD_FAILURE() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "s.yaml:2:16: recursive alias *g: it names a node that contains the alias itself "
                 "(its anchor is still open)");
  }
}

}  // namespace
}  // namespace allocsim::io
