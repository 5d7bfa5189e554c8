// allocsim sweep: every point of a parameter grid, run in parallel (oneTBB),
// each into its own part file (io/run/sweep_parts.hpp); at the end the parts
// are merged, in point order, into one results file (io/run/sweep_merge.hpp).
// An interrupted sweep keeps its complete parts, and --resume runs only the rest.
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <boost/program_options.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "io/results/atomic_output.hpp"
#include "io/run/execute.hpp"
#include "io/run/sweep_merge.hpp"
#include "io/run/sweep_parts.hpp"
#include "io/run/sweep_spec.hpp"
#include "util/printable.hpp"

namespace allocsim::cli {

namespace {

namespace fs = std::filesystem;

struct SweepOptions {
  std::vector<std::string> files;  // the sweep file, if any
  std::vector<std::string> grids;  // --grid options
  std::string output;
  unsigned jobs = 0;
  bool resume = false, force = false, quiet = false;
};

struct PointRun {
  io::SweepPoint point;
  io::Config config;
  std::string source;  // the file with its complete run (its part, or the earlier output)
  bool resumed = false;
  std::string error;  // why it failed; "" if it did not
  // For the table printed at the end.
  std::uint64_t ops = 0, diagnostics = 0;
  double simulated_ms = 0, wall_seconds = 0;
};

void print_help(const boost::program_options::options_description& desc) {
  std::printf(
      "usage: allocsim sweep [SWEEP.yaml] [--grid KEY=V1,V2,... ...] [-j N] [-o OUT.h5] "
      "[--resume] [--force] [--quiet]\n\n"
      "Runs every point of a parameter grid over a base config, in parallel, deterministically\n"
      "per point (results do not depend on -j), into one HDF5 file with a run per point.\n"
      "A sweep file has the keys base (config files), set (overrides for every point),\n"
      "grid (dotted keys to lists of values) and points (extra points); see docs/cli.md.\n\n");
  std::cout << desc << "\n";
}

// Parsed and checked; std::nullopt after printing --help.
std::optional<SweepOptions> parse_options(const std::vector<std::string>& args) {
  namespace po = boost::program_options;
  SweepOptions o;
  po::options_description desc("sweep options");
  desc.add_options()("grid", po::value<std::vector<std::string>>(&o.grids)->composing(),
                     "KEY=V1,V2,...: an axis of the grid (repeatable; replaces the file's)")(
      "jobs,j", po::value<unsigned>(&o.jobs), "points run at once (default: the host's cores)")(
      "output,o", po::value<std::string>(&o.output),
      "results file (default: the sweep file's stem + .h5, or sweep.h5)")(
      "resume", "complete an interrupted sweep: skip the points already done")(
      "force", "overwrite an existing output (and discard an interrupted sweep's parts)")(
      "quiet,q", "no progress bar, no table of points");
  po::options_description hidden;
  hidden.add_options()("sweep-file", po::value<std::vector<std::string>>(&o.files));
  po::options_description all;
  all.add(desc).add(hidden).add_options()("help,h", "this text");
  po::positional_options_description pos;
  pos.add("sweep-file", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    print_help(desc);
    return std::nullopt;
  }
  if (o.files.size() > 1)
    throw UsageError("one sweep file at most (got " + std::to_string(o.files.size()) + ")");
  if (vm.count("jobs") && o.jobs == 0) throw UsageError("-j needs at least 1");
  if (o.jobs == 0) o.jobs = std::max(1u, std::thread::hardware_concurrency());
  if (o.output.empty())
    o.output = o.files.empty() ? "sweep.h5" : fs::path(o.files.front()).stem().string() + ".h5";
  o.resume = vm.count("resume") > 0;
  o.force = vm.count("force") > 0;
  o.quiet = vm.count("quiet") > 0;
  if (o.resume && o.force) throw UsageError("--resume and --force exclude each other");
  return o;
}

// Every point's config is read before anything runs: a bad one fails the sweep at once.
std::vector<PointRun> load_points(const SweepOptions& o) {
  io::SweepSpec spec;
  if (!o.files.empty()) spec = io::read_sweep_file(o.files.front());
  for (const std::string& g : o.grids) io::add_grid_option(spec, g);
  std::vector<PointRun> runs;
  for (io::SweepPoint& p : io::expand(spec)) {
    PointRun r;
    r.config = io::load_config(spec.base, p.sets);
    r.point = std::move(p);
    runs.push_back(std::move(r));
  }
  return runs;
}

// An earlier sweep's parts or output are kept unless --resume or --force says what to do.
void check_earlier_sweep(const SweepOptions& o, const fs::path& parts) {
  std::error_code ec;
  if (fs::exists(parts, ec) && !o.resume && !o.force)
    throw io::OutputError(o.output + ": an interrupted sweep left its points in " + parts.string() +
                          " (use --resume to complete it, or --force to start over)");
  if (fs::exists(o.output, ec) && !o.resume && !o.force)
    throw io::OutputError(o.output +
                          ": exists (use --resume to add missing points, --force to "
                          "overwrite it)");
  if (o.force) fs::remove_all(parts, ec);
  // A killed sweep's part temporaries; its output's go when the output is opened.
  io::remove_stale_temporaries(parts);
}

// The points already complete (with --resume): their sources are set.
std::size_t find_finished(std::vector<PointRun>& runs, const SweepOptions& o,
                          const fs::path& parts) {
  std::vector<io::SweepPoint> points;
  for (const PointRun& r : runs) points.push_back(r.point);
  std::error_code ec;
  const std::string earlier = o.resume && fs::exists(o.output, ec) ? o.output : "";
  const std::vector<std::string> where = io::finished_points(points, parts, earlier);
  std::size_t finished = 0;
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (!where[i].empty()) {
      runs[i].source = where[i];
      runs[i].resumed = true;
      ++finished;
    }
  return finished;
}

void run_point(PointRun& r, const std::string& part) {
  try {
    const io::RunOutcome o = io::run_sweep_point(r.config, r.point, part);
    r.source = part;
    r.simulated_ms = static_cast<double>(o.elapsed) / (r.config.machine.ghz * 1e6);
    r.wall_seconds = o.results.info.wall_seconds;
    r.diagnostics = o.diagnostics;
    if (const h5::Column* c = o.results.summary.find("ops"); c && !c->u.empty()) r.ops = c->u[0];
  } catch (const std::exception& e) {
    r.error = e.what();
  }
}

// Points are handed out one at a time (a parallel_for would split the list in
// halves and leave one thread with all the big points), biggest machines
// first so the longest points do not start last. The order changes no
// result: every point is simulated on its own.
void run_pending(std::vector<PointRun>& runs, const fs::path& parts, const SweepOptions& o) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (!runs[i].resumed) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return runs[a].config.machine.cpus > runs[b].config.machine.cpus;
  });
  std::atomic<std::size_t> next{0}, finished{0};
  const double total = static_cast<double>(order.size());
  ProgressBar bar(
      ProgressBar::wanted(o.quiet),
      [&] { return order.empty() ? 1.0 : static_cast<double>(finished) / total; },
      [&] {
        return std::to_string(finished.load()) + "/" + std::to_string(order.size()) + " points";
      });
  tbb::task_arena arena(static_cast<int>(o.jobs));
  arena.execute([&] {
    tbb::task_group group;
    for (unsigned w = 0; w < o.jobs; ++w)
      group.run([&] {
        for (std::size_t k; (k = next.fetch_add(1)) < order.size(); ++finished)
          run_point(runs[order[k]], io::sweep_part_path(parts, order[k]));
      });
    group.wait();
  });
}

// Merges into `path`; returns the number of failed points.
std::size_t merge(std::vector<PointRun>& runs, const std::string& path) {
  std::vector<io::SweepPoint> points;
  std::vector<std::string> sources;
  for (const PointRun& r : runs) {
    points.push_back(r.point);
    sources.push_back(r.error.empty() ? r.source : "");
  }
  const std::vector<bool> complete = io::merge_sweep(path, points, sources);
  std::size_t failed = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (complete[i]) continue;
    if (runs[i].error.empty()) runs[i].error = runs[i].source + ": holds no complete run";
    ++failed;
  }
  return failed;
}

void print_table(const std::vector<PointRun>& runs, const std::string& output, std::size_t failed) {
  std::printf("%-48s %12s %12s %10s %8s\n", "point", "ops", "sim ms", "host s", "diags");
  for (const PointRun& r : runs) {
    const std::string shown = util::printable(r.point.name);
    const char* name = shown.c_str();
    if (!r.error.empty())
      std::printf("%-48s FAILED: %s\n", name,
                  util::printable(r.error, util::kMessageBytes).c_str());
    else if (r.resumed)
      std::printf("%-48s %12s\n", name, "(resumed)");
    else
      std::printf("%-48s %12llu %12.3f %10.2f %8llu\n", name,
                  static_cast<unsigned long long>(r.ops), r.simulated_ms, r.wall_seconds,
                  static_cast<unsigned long long>(r.diagnostics));
  }
  std::printf("results: %s (%zu runs)\n", output.c_str(), runs.size() - failed);
}

}  // namespace

int sweep_command(const std::vector<std::string>& args) {
  const std::optional<SweepOptions> parsed = parse_options(args);
  if (!parsed) return 0;
  const SweepOptions& o = *parsed;
  std::vector<PointRun> runs = load_points(o);

  const fs::path parts = io::sweep_parts_dir(o.output);
  check_earlier_sweep(o, parts);
  const std::size_t resumed = find_finished(runs, o, parts);
  // Created now, so an unwritable output fails before any point runs.
  io::AtomicOutput out(o.output, true);
  std::error_code ec;
  fs::create_directories(parts, ec);
  if (ec) throw io::OutputError(parts.string() + ": cannot create: " + ec.message());
  if (!o.quiet && resumed)
    std::printf("resuming: %zu of %zu points already complete\n", resumed, runs.size());

  run_pending(runs, parts, o);
  const std::size_t failed = merge(runs, out.temp_path());
  out.commit();
  if (failed == 0) fs::remove_all(parts, ec);

  if (!o.quiet) print_table(runs, o.output, failed);
  for (const PointRun& r : runs)
    if (!r.error.empty())
      std::fprintf(stderr, "allocsim: point %s failed: %s\n", util::printable(r.point.name).c_str(),
                   util::printable(r.error, util::kMessageBytes).c_str());
  return failed ? 1 : 0;
}

}  // namespace allocsim::cli
