// allocsim run: simulate the configured workload and print a summary table.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <optional>

#include "allocsim/version.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "io/config/load.hpp"
#include "io/results/atomic_output.hpp"
#include "io/results/results_file.hpp"
#include "io/results/stat_tree.hpp"
#include "io/run/execute.hpp"
#include "model/kernel.hpp"
#include "model/page_alloc.hpp"
#include "model/slab_design.hpp"
#include "workloads/generator/generator_stats.hpp"
#include "workloads/replay/accuracy.hpp"
#include "workloads/trace/readers.hpp"

namespace allocsim::cli {

namespace {

double per(std::uint64_t part, std::uint64_t whole) {
  return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

double percent(std::uint64_t part, std::uint64_t whole) {
  return whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

// The first line of every run's summary: the machine and the seed.
void print_machine_line(const io::Config& c) {
  const sim::MachineConfig& m = c.machine;
  std::printf("allocsim %s: machine '%s' (%s), %u CPUs on %u node%s at %.2f GHz, %s, seed %llu\n",
              kVersion, m.name.c_str(), m.arch == sim::Arch::x86_64 ? "x86_64" : "i386", m.cpus,
              m.nodes, m.nodes == 1 ? "" : "s", m.ghz, m.timing ? "timing on" : "timing off",
              static_cast<unsigned long long>(c.run.seed));
}

void print_header(const io::Config& c) {
  print_machine_line(c);
  std::printf("kernel: %s, %s; workload: hardware exercise, %llu operations per CPU\n\n",
              std::string(model::to_string(c.kernel.flavour)).c_str(),
              std::string(model::slab_design(c.kernel.slab.design).traits.display_name).c_str(),
              static_cast<unsigned long long>(c.exercise.ops_per_cpu));
  // Misses are per operation: an access for the memory patterns, an
  // allocation plus a free for page_churn and kmalloc_churn.
  std::printf("%-14s %10s %10s %8s %8s %8s %10s %10s %8s %10s\n", "pattern", "ops", "cycles/op",
              "L1D m/op", "L2 m/op", "LLC m/op", "c2c xfers", "false shr", "remote", "lock wait");
}

// Counters, one line each: the statistic's meaning, its value and its unit.
struct CounterLine {
  std::string_view meaning;
  std::uint64_t value;
  std::string_view unit;
};

std::size_t width_of(const std::vector<CounterLine>& lines) {
  std::size_t width = 0;
  for (const CounterLine& l : lines) width = std::max(width, l.meaning.size());
  return width;
}

void print_lines(const std::vector<CounterLine>& lines, std::size_t width) {
  for (const CounterLine& l : lines)
    std::printf("%-*.*s %14llu%s%.*s\n", static_cast<int>(width),
                static_cast<int>(l.meaning.size()), l.meaning.data(),
                static_cast<unsigned long long>(l.value), l.unit == "1" ? "" : " ",
                l.unit == "1" ? 0 : static_cast<int>(l.unit.size()), l.unit.data());
}

template <class T, std::size_t N>
void add_lines(std::vector<CounterLine>& lines, const std::array<sim::FieldDecl<T>, N>& fields,
               const T& from) {
  for (const auto& f : fields) lines.push_back({f.stat.meaning, from.*f.member, f.stat.unit});
}

template <class T, std::size_t N>
CounterLine line(const std::array<sim::FieldDecl<T>, N>& fields, std::uint64_t T::*member,
                 const T& from) {
  const sim::StatDecl& d = sim::decl_of(fields, member);
  return {d.meaning, from.*member, d.unit};
}

// workload.trace: the replay's counters, then how close it came to the traced kernel.
void print_replay(const io::Config& c, const io::RunOutcome& o) {
  namespace tr = workloads::trace;
  const workloads::ReplayResult& r = *o.replay;
  const sim::MachineConfig& m = c.machine;
  std::printf("allocsim %s: machine '%s', %u CPUs, %s %s; replaying %s (%s, %llu lines, %s)\n\n",
              kVersion, m.name.c_str(), m.cpus,
              std::string(model::to_string(c.kernel.flavour)).c_str(),
              std::string(c.kernel.slab.design).c_str(),
              (c.trace.recording.empty() ? c.trace.path : c.trace.recording).c_str(),
              std::string(tr::format_name(o.trace_format)).c_str(),
              static_cast<unsigned long long>(o.trace_stats.lines),
              c.trace.timing == workloads::ReplayTiming::open_loop ? "open loop" : "back to back");
  std::vector<CounterLine> lines;
  add_lines(lines, workloads::kReplayCounters, static_cast<const workloads::ReplayCounters&>(r));
  lines.push_back(line(workloads::kTraceCounters, &tr::TraceStats::bad_lines, o.trace_stats));
  lines.push_back({io::tree::kDiagnostics.meaning, o.diagnostics, io::tree::kDiagnostics.unit});
  lines.push_back({io::tree::kSimulatedCycles.meaning, o.elapsed, io::tree::kSimulatedCycles.unit});
  std::vector<CounterLine> accuracy;
  add_lines(accuracy, workloads::replaying::kAccuracySummary, workloads::replaying::summarize(r));
  const std::size_t width = std::max(width_of(lines), width_of(accuracy));
  print_lines(lines, width);
  std::printf("\nthe traced kernel and the model (allocsim report OUT.h5 --replay: every row)\n");
  print_lines(accuracy, width);
}

// The generated workload: one row per thread and operation kind, then totals.
void print_generator(const io::Config& c, const io::RunOutcome& o, bool quiet) {
  namespace gen = workloads::gen;
  const sim::MachineConfig& m = c.machine;
  const gen::GeneratorResult& r = *o.generator;
  print_machine_line(c);
  std::printf("kernel: %s, %s; workload: '%s', %zu thread kind%s\n\n",
              std::string(model::to_string(c.kernel.flavour)).c_str(),
              std::string(c.kernel.slab.design).c_str(), c.generator.name.c_str(),
              c.generator.threads.size(), c.generator.threads.size() == 1 ? "" : "s");
  std::printf("%-16s %-17s %12s %10s %12s\n", "thread", "operation", "count", "failures",
              "cycles/op");
  for (std::size_t t = 0; t < r.by_thread.size(); ++t)
    for (std::size_t k = 0; k < gen::kOpKinds; ++k) {
      const gen::OpTotals& o = r.by_thread[t][k];
      if (o.ops == 0 && o.failures == 0) continue;
      std::printf("%-16s %-17s %12llu %10llu %12.1f\n", c.generator.threads[t].name.c_str(),
                  std::string(gen::to_string(static_cast<gen::OpKind>(k))).c_str(),
                  static_cast<unsigned long long>(o.ops),
                  static_cast<unsigned long long>(o.failures), per(o.cycles, o.ops));
    }
  if (quiet) return;
  std::printf("\n");
  std::vector<CounterLine> lines;
  add_lines(lines, gen::kGeneratorCounters, r);  // the diagnostics last
  model::VmEvents ev;
  ev.kswapd_runs = o.kswapd_runs;
  const std::vector<CounterLine> after{
      line(model::VmEvents::kFields, &model::VmEvents::kswapd_runs, ev),
      line(gen::kGeneratorRun, &gen::GeneratorResult::elapsed, r)};
  const std::size_t width = std::max(width_of(lines), width_of(after));
  print_lines(lines, width);
  for (const std::string& d : o.first_diagnostics) std::printf("  %s\n", d.c_str());
  print_lines(after, width);
  std::printf("simulated time %.3f ms\n", static_cast<double>(r.elapsed) / (m.ghz * 1e6));
}

void print_row(const workloads::ExerciseResult& r) {
  const std::uint64_t memory = r.local_memory + r.remote_memory;
  std::printf("%-14s %10llu %10.1f %8.2f %8.2f %8.2f %10llu %10llu %7.1f%% %10llu\n",
              std::string(workloads::to_string(r.pattern)).c_str(),
              static_cast<unsigned long long>(r.ops), r.cycles_per_op, per(r.l1d_misses, r.ops),
              per(r.l2_misses, r.ops), per(r.llc_misses, r.ops),
              static_cast<unsigned long long>(r.c2c_transfers),
              static_cast<unsigned long long>(r.false_sharing), percent(r.remote_memory, memory),
              static_cast<unsigned long long>(r.lock_wait));
}

// Digits only: boost would read "-1" as 2^64-1.
std::uint64_t parse_seed(const std::string& text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw UsageError("--seed '" + text + "': expected a non-negative integer below 2^64");
  return v;
}

void check_run_name(const std::string& name) {
  const std::string problem = io::run_name_problem(name);
  if (!problem.empty()) throw UsageError("--name '" + name + "': " + problem);
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  namespace po = boost::program_options;
  po::options_description desc("run options");
  std::string seed, output, name;
  desc.add_options()("seed", po::value<std::string>(&seed),
                     "run seed, 0..2^64-1 (overrides run.seed)")(
      "output,o", po::value<std::string>(&output),
      "write the results to this HDF5 file (atomically; see docs/results.md)")(
      "force", "overwrite an existing output file")(
      "name", po::value<std::string>(&name),
      "the run's name in the output (default: the last config file's stem, or 'default')")(
      "quiet,q", "print only the summary table, and no progress bar");
  ConfigOptions opts;
  po::variables_map vm;
  if (!parse_with_configs("run",
                          "Simulates the configured machine and workload and prints a summary.\n"
                          "With no config, runs the embedded default (2 nodes, 8 CPUs).",
                          desc, args, opts, vm))
    return 0;
  std::optional<std::uint64_t> seed_override;
  if (vm.count("seed")) seed_override = parse_seed(seed);
  const bool quiet = vm.count("quiet") > 0;
  if (name.empty()) name = io::default_run_name(opts.files);
  check_run_name(name);
  const io::Config config = io::load_config(opts.files, opts.sets, seed_override);
  // Created now: an unwritable output fails before the simulation.
  std::optional<io::AtomicOutput> out;
  if (!output.empty()) out.emplace(output, vm.count("force") > 0);

  io::ProgressCell cell;
  io::ExecuteOptions eo;
  eo.name = name;
  eo.progress = &cell;
  eo.replay_rows = out.has_value();
  eo.timeseries =
      out ? io::ExecuteOptions::Timeseries::streamed : io::ExecuteOptions::Timeseries::none;
  io::RunOutcome o;
  {
    const double ghz = config.machine.ghz;
    ProgressBar bar(
        ProgressBar::wanted(quiet), [&] { return cell.fraction.load(std::memory_order_relaxed); },
        [&] {
          char buf[64];
          std::snprintf(
              buf, sizeof buf, "simulated %.3f ms",
              static_cast<double>(cell.cycles.load(std::memory_order_relaxed)) / (ghz * 1e6));
          return std::string(buf);
        });
    o = io::execute(config, eo);
  }
  if (out) {
    io::write_results_file(out->temp_path(), {&o.results});
    out->commit();
  }
  if (o.replay) {
    print_replay(config, o);
  } else if (o.generator) {
    print_generator(config, o, quiet);
  } else {
    print_header(config);
    for (const workloads::ExerciseResult& r : o.exercise) print_row(r);
  }
  if (!quiet) {
    std::printf("%shost time %.2f s\n", o.generator ? "" : "\n", o.results.info.wall_seconds);
    if (out) std::printf("results: %s (run '%s')\n", output.c_str(), name.c_str());
  }
  return 0;
}

}  // namespace allocsim::cli
