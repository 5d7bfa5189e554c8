// allocsim sweep: every point of a parameter grid, run in parallel (oneTBB),
// each into its own part file (io/run/sweep_parts.hpp); at the end the parts
// are merged, in point order, into one results file (io/run/sweep_merge.hpp).
// The base is a sweep file or config files with --set, like allocsim run.
// An interrupted sweep keeps its complete parts, and --resume runs only the
// rest: Ctrl-C prints the command line that does it.
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <boost/program_options.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>
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
  std::vector<std::string> files;  // a sweep file, or config files
  bool sweep_file = false;         // files holds one sweep file
  std::vector<std::string> sets;   // --set options
  std::vector<std::string> grids;  // --grid options
  std::string seed;                // --seed, "" if not given
  std::string output;
  unsigned jobs = 0;
  bool resume = false, force = false, quiet = false;
  std::vector<std::string> args;  // as given, for the --resume command line
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
      "usage: allocsim sweep [SWEEP.yaml | CONFIG.yaml ...] [--set KEY=VALUE ...] [--seed N]\n"
      "                      [--grid KEY=V1,V2,... ...] [-j N] [-o OUT.h5] [--resume | --force] "
      "[--quiet]\n\n"
      "Runs every point of a parameter grid over a base config, in parallel, deterministically\n"
      "per point (results do not depend on -j), into one HDF5 file with a run per point.\n"
      "The base is config files (merged left to right over the embedded default, then --set,\n"
      "as for 'allocsim run') or one sweep file: a file whose keys are base (config files),\n"
      "set (overrides for every point), grid (dotted keys to lists of values) and points\n"
      "(extra points); see docs/cli.md.\n\n");
  std::cout << desc << "\n";
}

// Digits only: boost would read "-1" as 2^64-1.
void check_seed(const std::string& text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw UsageError("--seed '" + text + "': expected a non-negative integer below 2^64");
}

// The files: one sweep file, or config files.
void classify_files(SweepOptions& o) {
  std::vector<std::string> sweeps;
  for (const std::string& f : o.files)
    if (io::is_sweep_file(f)) sweeps.push_back(f);
  if (sweeps.empty()) return;
  if (o.files.size() > 1)
    throw UsageError(sweeps.front() + " is a sweep file: give it alone (list config files " +
                     "under its base: key)");
  o.sweep_file = true;
}

// Parsed and checked; std::nullopt after printing --help.
std::optional<SweepOptions> parse_options(const std::vector<std::string>& args) {
  namespace po = boost::program_options;
  SweepOptions o;
  po::options_description desc("sweep options");
  desc.add_options()("set", po::value<std::vector<std::string>>(&o.sets)->composing(),
                     "KEY=VALUE: override one config key in every point (repeatable)")(
      "seed", po::value<std::string>(&o.seed),
      "the run seed of every point, 0..2^64-1 (like --set run.seed=N)")(
      "grid", po::value<std::vector<std::string>>(&o.grids)->composing(),
      "KEY=V1,V2,...: an axis of the grid (repeatable; replaces the file's)")(
      "jobs,j", po::value<unsigned>(&o.jobs), "points run at once (default: the host's cores)")(
      "output,o", po::value<std::string>(&o.output),
      "results file (default: the sweep file's stem + .h5; sweep.h5 with config files)")(
      "resume", "complete an interrupted sweep: skip the points already done")(
      "force", "overwrite an existing output (and discard an interrupted sweep's parts)")(
      "quiet,q", "no progress bar, no table of points");
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::vector<std::string>>(&o.files));
  po::options_description all;
  all.add(desc).add(hidden).add_options()("help,h", "this text");
  po::positional_options_description pos;
  pos.add("file", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    print_help(desc);
    return std::nullopt;
  }
  classify_files(o);
  if (vm.count("seed")) check_seed(o.seed);
  if (vm.count("jobs") && o.jobs == 0) throw UsageError("-j needs at least 1");
  if (o.jobs == 0) o.jobs = std::max(1u, std::thread::hardware_concurrency());
  if (o.output.empty())
    o.output = o.sweep_file ? fs::path(o.files.front()).stem().string() + ".h5" : "sweep.h5";
  o.resume = vm.count("resume") > 0;
  o.force = vm.count("force") > 0;
  o.quiet = vm.count("quiet") > 0;
  if (o.resume && o.force) throw UsageError("--resume and --force exclude each other");
  o.args = args;
  return o;
}

// Every point's config is read before anything runs: a bad one fails the sweep at once,
// with the error at the sweep file's line when the value came from there.
std::vector<PointRun> load_points(const SweepOptions& o) {
  io::SweepSpec spec;
  if (o.sweep_file)
    spec = io::read_sweep_file(o.files.front());
  else
    spec.base = o.files;
  for (const std::string& s : o.sets) io::add_set_option(spec, s);
  for (const std::string& g : o.grids) io::add_grid_option(spec, g);
  if (!o.seed.empty()) {
    bool swept = false;
    for (const auto& axis : spec.grid) swept |= axis.first == "run.seed";
    for (const auto& point : spec.points)
      for (const auto& assignment : point) swept |= assignment.first == "run.seed";
    if (swept) throw UsageError("--seed and a run.seed axis or point exclude each other");
    io::add_set_option(spec, "run.seed=" + o.seed);
  }
  std::vector<PointRun> runs;
  for (io::SweepPoint& p : io::expand(spec)) {
    PointRun r;
    try {
      r.config = io::load_config(spec.base, p.sets);
    } catch (const io::ConfigError& e) {
      throw io::locate_point_error(e, p);
    }
    r.point = std::move(p);
    runs.push_back(std::move(r));
  }
  return runs;
}

// `arg` as a shell word: quoted unless it only has characters no shell reads specially.
std::string shell_word(const std::string& arg) {
  const bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](unsigned char c) {
    return std::isalnum(c) || std::strchr("_-+=.,:/@%", c) != nullptr;
  });
  if (plain) return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The command line that completes this sweep: the same arguments, without
// --force, with --resume.
std::string resume_command(const SweepOptions& o) {
  std::string cmd = "allocsim sweep";
  for (const std::string& a : o.args)
    if (a != "--force" && a != "--resume") cmd += " " + shell_word(a);
  return cmd + " --resume";
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
  io::set_interrupt_note("\nallocsim: sweep interrupted; the points finished so far are kept in " +
                         parts.string() + "/\nresume with: " + resume_command(o) + "\n");

  run_pending(runs, parts, o);
  const std::size_t failed = merge(runs, out.temp_path());
  out.commit();
  io::set_interrupt_note("");
  if (failed == 0) fs::remove_all(parts, ec);

  if (!o.quiet) print_table(runs, o.output, failed);
  for (const PointRun& r : runs)
    if (!r.error.empty())
      std::fprintf(stderr, "allocsim: point %s failed: %s\n", util::printable(r.point.name).c_str(),
                   util::printable(r.error, util::kMessageBytes).c_str());
  if (failed)
    std::fprintf(stderr, "allocsim: run the failed points again with: %s\n",
                 resume_command(o).c_str());
  return failed ? 1 : 0;
}

}  // namespace allocsim::cli
