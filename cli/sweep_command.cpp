// allocsim sweep: every point of a parameter grid, run in parallel (oneTBB),
// each into its own part file that appears only when the point is complete;
// at the end the parts are merged, in point order, into one results file.
// An interrupted sweep keeps its complete parts, and --resume runs only the rest.
#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <boost/program_options.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "io/h5/file.hpp"
#include "io/results/atomic_output.hpp"
#include "io/results/results_file.hpp"
#include "io/run/execute.hpp"
#include "io/run/sweep_spec.hpp"

namespace allocsim::cli {

namespace {

namespace fs = std::filesystem;

struct PointRun {
  io::SweepPoint point;
  io::Config config;
  std::string part;  // its part file
  enum class State { pending, done, failed } state = State::pending;
  std::string error;
  // For the table printed at the end.
  std::uint64_t ops = 0, diagnostics = 0;
  double simulated_ms = 0, wall_seconds = 0;
};

std::string parameter_lines(const io::SweepPoint& p) {
  std::string out;
  for (const auto& [k, v] : p.params) out += k + "=" + v + "\n";
  return out;
}

// The part file's name: the point's index keeps names short and unique.
std::string part_path(const fs::path& dir, std::size_t index) {
  return (dir / ("point-" + std::to_string(index) + ".h5")).string();
}

void run_point(PointRun& p, std::size_t /*index*/) {
  io::ExecuteOptions eo;
  eo.name = p.point.name;
  eo.parameters = parameter_lines(p.point);
  const io::RunOutcome o = io::execute(p.config, eo);
  io::AtomicOutput out(p.part, true);
  io::write_results_file(out.temp_path(), {&o.results});
  out.commit();
  p.simulated_ms = static_cast<double>(o.elapsed) / (p.config.machine.ghz * 1e6);
  p.wall_seconds = o.results.info.wall_seconds;
  p.diagnostics = o.diagnostics;
  if (const h5::Column* c = o.results.summary.find("ops"); c && !c->u.empty()) p.ops = c->u[0];
}

// The sweep table at /sweep: one row per point, a column per swept key.
h5::Table sweep_table(const std::vector<PointRun>& runs) {
  h5::Table t;
  t.add("index", h5::Column::Type::u64, "1");
  t.add("run", h5::Column::Type::str, "");
  t.add("status", h5::Column::Type::str, "");
  std::vector<std::string> keys;
  for (const PointRun& r : runs)
    for (const auto& [k, v] : r.point.params)
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  for (const std::string& k : keys) t.add(k, h5::Column::Type::str, "");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const PointRun& r = runs[i];
    t.push_value(0, i);
    t.push_value(1, r.point.name);
    t.push_value(2, r.state == PointRun::State::done ? "complete" : "failed");
    for (std::size_t k = 0; k < keys.size(); ++k) {
      std::string v;
      for (const auto& [key, value] : r.point.params)
        if (key == keys[k]) v = value;
      t.push_value(3 + k, v);
    }
  }
  return t;
}

}  // namespace

int sweep_command(const std::vector<std::string>& args) {
  namespace po = boost::program_options;
  po::options_description desc("sweep options");
  std::vector<std::string> grids;
  std::string output;
  unsigned jobs = 0;
  desc.add_options()("grid", po::value<std::vector<std::string>>(&grids)->composing(),
                     "KEY=V1,V2,...: an axis of the grid (repeatable; replaces the file's)")(
      "jobs,j", po::value<unsigned>(&jobs), "points run at once (default: the host's cores)")(
      "output,o", po::value<std::string>(&output),
      "results file (default: the sweep file's stem + .h5, or sweep.h5)")(
      "resume", "complete an interrupted sweep: skip the points already done")(
      "force", "overwrite an existing output (and discard an interrupted sweep's parts)")(
      "quiet,q", "no progress bar, no table of points");
  po::options_description hidden;
  std::vector<std::string> files;
  hidden.add_options()("sweep-file", po::value<std::vector<std::string>>(&files));
  po::options_description all;
  all.add(desc).add(hidden).add_options()("help,h", "this text");
  po::positional_options_description pos;
  pos.add("sweep-file", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::printf(
        "usage: allocsim sweep [SWEEP.yaml] [--grid KEY=V1,V2,... ...] [-j N] [-o OUT.h5] "
        "[--resume] [--force] [--quiet]\n\n"
        "Runs every point of a parameter grid over a base config, in parallel, deterministically\n"
        "per point (results do not depend on -j), into one HDF5 file with a run per point.\n"
        "A sweep file has the keys base (config files), set (overrides for every point),\n"
        "grid (dotted keys to lists of values) and points (extra points); see docs/cli.md.\n\n");
    std::cout << desc << "\n";
    return 0;
  }
  if (files.size() > 1)
    throw UsageError("one sweep file at most (got " + std::to_string(files.size()) + ")");
  io::SweepSpec spec;
  if (!files.empty()) spec = io::read_sweep_file(files.front());
  for (const std::string& g : grids) io::add_grid_option(spec, g);
  if (vm.count("jobs") && jobs == 0) throw UsageError("-j needs at least 1");
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  if (output.empty())
    output = files.empty() ? "sweep.h5" : fs::path(files.front()).stem().string() + ".h5";
  const bool resume = vm.count("resume") > 0, force = vm.count("force") > 0;
  const bool quiet = vm.count("quiet") > 0;
  if (resume && force) throw UsageError("--resume and --force exclude each other");

  // Every point's config is read before anything runs: a bad one fails the sweep at once.
  std::vector<PointRun> runs;
  for (io::SweepPoint& p : io::expand(spec)) {
    PointRun r;
    r.config = io::load_config(spec.base, p.sets);
    r.point = std::move(p);
    runs.push_back(std::move(r));
  }

  const fs::path out_path(output);
  const fs::path parts = (out_path.has_parent_path() ? out_path.parent_path() : fs::path(".")) /
                         ("." + out_path.filename().string() + ".parts");
  std::error_code ec;
  if (fs::exists(parts, ec) && !resume && !force)
    throw io::OutputError(output + ": an interrupted sweep left its points in " + parts.string() +
                          " (use --resume to complete it, or --force to start over)");
  if (fs::exists(out_path, ec) && !resume && !force)
    throw io::OutputError(output +
                          ": exists (use --resume to add missing points, --force to "
                          "overwrite it)");
  if (force) fs::remove_all(parts, ec);
  // An earlier output (with --resume) must be a results file: its complete
  // points are copied from it.
  auto open_old = [&]() -> std::optional<h5::File> {
    if (!resume || !fs::exists(out_path)) return std::nullopt;
    try {
      return h5::File::open(output, false);
    } catch (const h5::H5Error& e) {
      throw io::OutputError(output + ": cannot resume from it: " + e.what());
    }
  };
  open_old();
  // Created now, so an unwritable output fails before any point runs.
  io::AtomicOutput final_out(output, true);
  fs::create_directories(parts, ec);
  if (ec) throw io::OutputError(parts.string() + ": cannot create: " + ec.message());

  std::vector<bool> in_old(runs.size(), false);
  std::size_t skipped = 0;
  {
    std::optional<h5::File> old = open_old();
    for (std::size_t i = 0; i < runs.size(); ++i) {
      runs[i].part = part_path(parts, i);
      bool done = false;
      if (fs::exists(runs[i].part)) {
        h5::File f = h5::File::open(runs[i].part, false);
        done = io::run_complete(f.id(), runs[i].point.name);
      }
      if (!done && old && io::run_complete(old->id(), runs[i].point.name)) done = in_old[i] = true;
      if (done) {
        runs[i].state = PointRun::State::done;
        ++skipped;
      }
    }
  }
  if (!quiet && skipped)
    std::printf("resuming: %zu of %zu points already complete\n", skipped, runs.size());

  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (runs[i].state == PointRun::State::pending) todo.push_back(i);
  std::atomic<std::size_t> finished{0};
  {
    ProgressBar bar(
        ProgressBar::wanted(quiet),
        [&] {
          return todo.empty() ? 1.0
                              : static_cast<double>(finished) / static_cast<double>(todo.size());
        },
        [&] {
          return std::to_string(finished.load()) + "/" + std::to_string(todo.size()) + " points";
        });
    // Points are handed out one at a time (a parallel_for would split the
    // list in halves and leave one thread with all the big points), biggest
    // machines first so the longest points do not start last. The order
    // changes no result: every point is simulated on its own.
    std::vector<std::size_t> order = todo;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return runs[a].config.machine.cpus > runs[b].config.machine.cpus;
    });
    std::atomic<std::size_t> next{0};
    tbb::task_arena arena(static_cast<int>(jobs));
    arena.execute([&] {
      tbb::task_group group;
      for (unsigned w = 0; w < jobs; ++w)
        group.run([&] {
          for (std::size_t k; (k = next.fetch_add(1)) < order.size();) {
            PointRun& r = runs[order[k]];
            try {
              run_point(r, order[k]);
              r.state = PointRun::State::done;
            } catch (const std::exception& e) {
              r.state = PointRun::State::failed;
              r.error = e.what();
            }
            ++finished;
          }
        });
      group.wait();
    });
  }

  // Merge, in point order.
  std::size_t failed = 0;
  {
    h5::File out = h5::File::create(final_out.temp_path(), true);
    std::optional<h5::File> old = open_old();
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const PointRun& r = runs[i];
      if (r.state != PointRun::State::done) {
        ++failed;
        continue;
      }
      const std::string run = "runs/" + r.point.name;
      if (in_old[i]) {
        h5::copy(old->id(), run, out.id(), run);
      } else {
        h5::File part = h5::File::open(r.part, false);
        h5::copy(part.id(), run, out.id(), run);
      }
    }
    h5::set_attr(out.id(), ".", "allocsim_results", io::kResultsLayout);
    h5::write_table(out.id(), "sweep", sweep_table(runs));
    out.close();
  }
  final_out.commit();
  if (failed == 0) fs::remove_all(parts, ec);

  if (!quiet) {
    std::printf("%-48s %12s %12s %10s %8s\n", "point", "ops", "sim ms", "host s", "diags");
    for (const PointRun& r : runs) {
      if (r.state == PointRun::State::failed) {
        std::printf("%-48s FAILED: %s\n", r.point.name.c_str(), r.error.c_str());
        continue;
      }
      if (r.wall_seconds == 0) {
        std::printf("%-48s %12s\n", r.point.name.c_str(), "(resumed)");
        continue;
      }
      std::printf("%-48s %12llu %12.3f %10.2f %8llu\n", r.point.name.c_str(),
                  static_cast<unsigned long long>(r.ops), r.simulated_ms, r.wall_seconds,
                  static_cast<unsigned long long>(r.diagnostics));
    }
    std::printf("results: %s (%zu runs)\n", output.c_str(), runs.size() - failed);
  }
  for (const PointRun& r : runs)
    if (r.state == PointRun::State::failed)
      std::fprintf(stderr, "allocsim: point %s failed: %s\n", r.point.name.c_str(),
                   r.error.c_str());
  return failed ? 1 : 0;
}

}  // namespace allocsim::cli
