// A sweep's part files, --resume's view of them, the merge into one results
// file with /sweep, and runs on concurrent threads (how sweeps run points).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "io/config/error.hpp"
#include "io/h5/file.hpp"
#include "io/results/atomic_output.hpp"
#include "io/results/results_file.hpp"
#include "io/run/sweep_merge.hpp"
#include "io/run/sweep_parts.hpp"

namespace allocsim::io {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) {
  const fs::path d =
      fs::temp_directory_path() / ("allocsim-sweep-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// Two small points of the default workload.
std::vector<SweepPoint> two_points() {
  SweepSpec spec;
  spec.sets = {"machine.cpus=2", "run.sample_interval=none"};
  add_grid_option(spec, "kernel.slab=slab,slub");
  return expand(spec);
}

Config config_of(const SweepPoint& p) {
  return load_config({}, p.sets);
}

std::uint64_t fingerprint(const h5::Table& summary) {
  return summary.find("fingerprint")->u.at(0);
}

TEST(SweepParts, NamesNextToTheOutput) {
  EXPECT_EQ(sweep_parts_dir("results/out.h5"), fs::path("results/.out.h5.parts"));
  EXPECT_EQ(sweep_parts_dir("out.h5"), fs::path("./.out.h5.parts"));
  EXPECT_EQ(sweep_part_path("d/.o.h5.parts", 12), "d/.o.h5.parts/point-12.h5");
}

TEST(SweepParts, PointRunsIntoItsPartWithItsNameAndParameters) {
  const fs::path dir = temp_dir("part");
  const std::vector<SweepPoint> pts = two_points();
  const std::string part = sweep_part_path(dir, 1);
  const RunOutcome o = run_sweep_point(config_of(pts[1]), pts[1], part);
  h5::File f = h5::File::open(part, false);
  EXPECT_EQ(list_runs(f.id()), std::vector<std::string>{"kernel.slab=slub"});
  const RunResults back = read_run(f.id(), "kernel.slab=slub");
  EXPECT_EQ(back.info.parameters, "kernel.slab=slub\n");
  EXPECT_EQ(fingerprint(back.summary), fingerprint(o.results.summary));
  EXPECT_TRUE(holds_complete_run(part, "kernel.slab=slub"));
  EXPECT_FALSE(holds_complete_run(part, "kernel.slab=slab"));  // another point's run
  fs::remove_all(dir);
}

TEST(SweepParts, ResumeFindsPartsThenTheEarlierOutput) {
  const fs::path dir = temp_dir("resume");
  const std::vector<SweepPoint> pts = two_points();
  const fs::path parts = dir / ".out.h5.parts";
  fs::create_directories(parts);
  const std::string out = (dir / "out.h5").string();
  // An earlier output with point 1, and a part with point 0.
  run_sweep_point(config_of(pts[1]), pts[1], sweep_part_path(parts, 1));
  merge_sweep(out, pts, {"", sweep_part_path(parts, 1)});
  fs::remove(sweep_part_path(parts, 1));
  EXPECT_EQ(finished_points(pts, parts, out), (std::vector<std::string>{"", out}));
  run_sweep_point(config_of(pts[0]), pts[0], sweep_part_path(parts, 0));
  EXPECT_EQ(finished_points(pts, parts, ""),
            (std::vector<std::string>{sweep_part_path(parts, 0), ""}));
  // A part that is not an HDF5 file is not finished: its point runs again.
  { std::ofstream(parts / "point-0.h5") << "not HDF5"; }
  EXPECT_EQ(finished_points(pts, parts, out), (std::vector<std::string>{"", out}));
  // An earlier output that is not a results file cannot be resumed from.
  EXPECT_THROW(finished_points(pts, parts, sweep_part_path(parts, 0)), OutputError);
  fs::remove_all(dir);
}

TEST(SweepMerge, RunsInPointOrderAndTheSweepTable) {
  const fs::path dir = temp_dir("merge");
  std::vector<SweepPoint> pts = two_points();
  SweepSpec extra;
  extra.points = {{{"machine.nodes", "1"}}, {{"kernel.pcp", "false"}}};
  for (SweepPoint& p : expand(extra)) pts.push_back(std::move(p));
  const std::string p0 = sweep_part_path(dir, 0), p1 = sweep_part_path(dir, 1);
  run_sweep_point(config_of(pts[0]), pts[0], p0);
  run_sweep_point(config_of(pts[1]), pts[1], p1);
  // Point 2 failed; point 3's file holds another point's run: failed as well.
  const std::string out = (dir / "out.h5").string();
  const std::vector<bool> complete = merge_sweep(out, pts, {p0, p1, "", p0});
  EXPECT_EQ(complete, (std::vector<bool>{true, true, false, false}));

  h5::File f = h5::File::open(out, false);
  EXPECT_EQ(h5::attr_u64(f.id(), ".", "allocsim_results"), kResultsLayout);
  EXPECT_EQ(list_runs(f.id()), (std::vector<std::string>{"kernel.slab=slab", "kernel.slab=slub"}));
  const h5::Table t = h5::read_table(f.id(), "sweep");
  std::vector<std::string> names;
  for (const h5::Column& c : t.columns()) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"index", "run", "status", "kernel.slab",
                                             "machine.nodes", "kernel.pcp"}));
  EXPECT_EQ(t.find("index")->u, (std::vector<std::uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(t.find("run")->s, (std::vector<std::string>{"kernel.slab=slab", "kernel.slab=slub",
                                                        "machine.nodes=1", "kernel.pcp=false"}));
  EXPECT_EQ(t.find("status")->s,
            (std::vector<std::string>{"complete", "complete", "failed", "failed"}));
  EXPECT_EQ(t.find("machine.nodes")->s, (std::vector<std::string>{"", "", "1", ""}));
  EXPECT_THROW(merge_sweep(out, pts, {p0}), std::invalid_argument);
  fs::remove_all(dir);
}

// Runs share no mutable state: on concurrent threads each gives the results it
// gives alone, also for one config running twice at once.
TEST(SweepThreads, ConcurrentRunsEqualSequentialOnes) {
  const std::vector<SweepPoint> pts = two_points();
  const std::vector<Config> configs = {config_of(pts[0]), config_of(pts[1]), config_of(pts[0])};
  std::vector<RunOutcome> alone, together(configs.size());
  for (const Config& c : configs) alone.push_back(execute(c));
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < configs.size(); ++i)
    threads.emplace_back([&, i] { together[i] = execute(configs[i]); });
  for (std::thread& t : threads) t.join();
  for (std::size_t i = 0; i < configs.size(); ++i) {
    EXPECT_EQ(fingerprint(together[i].results.summary), fingerprint(alone[i].results.summary));
    EXPECT_EQ(together[i].elapsed, alone[i].elapsed);
    EXPECT_EQ(together[i].results.counters.find("value")->u,
              alone[i].results.counters.find("value")->u);
  }
  EXPECT_NE(fingerprint(alone[0].results.summary), fingerprint(alone[1].results.summary));
}

}  // namespace
}  // namespace allocsim::io
