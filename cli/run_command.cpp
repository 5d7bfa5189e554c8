// allocsim run: simulate the configured workload and print a summary table.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>

#include "allocsim/version.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "io/config/load.hpp"
#include "model/kernel.hpp"
#include "workloads/generator/run.hpp"
#include "workloads/hw_exercise.hpp"
#include "workloads/replay.hpp"
#include "workloads/trace/readers.hpp"
#include "workloads/trace_recorder.hpp"

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
              c.kernel.slab.kind == model::SlabKind::slab   ? "SLAB"
              : c.kernel.slab.kind == model::SlabKind::slub ? "SLUB"
                                                            : "SLOB",
              static_cast<unsigned long long>(c.exercise.ops_per_cpu));
  // Misses are per operation: an access for the memory patterns, an
  // allocation plus a free for page_churn and kmalloc_churn.
  std::printf("%-14s %10s %10s %8s %8s %8s %10s %10s %8s %10s\n", "pattern", "ops", "cycles/op",
              "L1D m/op", "L2 m/op", "LLC m/op", "c2c xfers", "false shr", "remote", "lock wait");
}

// workload.trace: parse, replay through the configured kernel, and compare
// each allocation's bytes_alloc with the traced kernel's.
void replay_trace(const io::Config& c) {
  namespace tr = workloads::trace;
  tr::ReadOptions ro;
  ro.skip_bad_lines = c.trace.skip_bad_lines;
  tr::Trace t;
  if (c.trace.format == "auto") {
    t = tr::read_trace_file(c.trace.path, ro);
  } else {
    std::ifstream in(c.trace.path, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const tr::Format f = c.trace.format == "ftrace"      ? tr::Format::ftrace
                         : c.trace.format == "trace-cmd" ? tr::Format::trace_cmd
                         : c.trace.format == "perf"      ? tr::Format::perf
                         : c.trace.format == "native"    ? tr::Format::native
                         : c.trace.format == "wee_alloc" ? tr::Format::wee_alloc
                                                         : tr::Format::malloc_lab_rep;
    t = tr::parse_trace(text, f, c.trace.path, ro);
  }
  sim::Machine machine(c.machine, c.run.seed);
  model::Kernel kernel(machine, c.kernel);
  workloads::TraceRecorder recorder(c.kernel.flavour, c.machine.ghz);
  if (!c.run.trace_out.empty()) kernel.slab().set_observer(&recorder);
  const workloads::ReplayResult r = workloads::replay(t, kernel);
  if (!c.run.trace_out.empty()) recorder.write(c.run.trace_out);
  const sim::MachineConfig& m = c.machine;
  std::printf("allocsim %s: machine '%s', %u CPUs, %s %s; replaying %s (%s, %llu lines)\n\n",
              kVersion, m.name.c_str(), m.cpus,
              std::string(model::to_string(c.kernel.flavour)).c_str(),
              std::string(model::to_string(c.kernel.slab.kind)).c_str(), c.trace.path.c_str(),
              std::string(tr::format_name(t.format)).c_str(),
              static_cast<unsigned long long>(t.stats.lines));
  auto row = [](const char* what, std::uint64_t v) {
    std::printf("%-34s %12llu\n", what, static_cast<unsigned long long>(v));
  };
  row("events replayed", r.events);
  row("allocations", r.allocations);
  row("frees", r.frees);
  row("frees of untraced pointers", r.unknown_frees);
  row("kfree(NULL)", r.null_frees);
  row("allocation failures", r.failures);
  row("bytes_alloc compared", r.bytes_alloc_compared);
  row("bytes_alloc differing from trace", r.bytes_alloc_mismatches);
  row("live at end (trace)", r.traced_live);
  row("live at end (model)", r.simulated_live);
  row("kmem caches created", r.caches_created);
  row("malformed lines skipped", t.stats.bad_lines);
  row("allocator diagnostics", kernel.diagnostics().errors());
  row("simulated cycles (latest CPU)", machine.now());
}

// The generated workload: one row per thread and operation kind, then totals.
void run_generator(const io::Config& c, bool quiet) {
  namespace gen = workloads::gen;
  const sim::MachineConfig& m = c.machine;
  sim::Machine machine(c.machine, c.run.seed);
  model::Kernel kernel(machine, c.kernel);
  workloads::TraceRecorder recorder(c.kernel.flavour, c.machine.ghz);
  if (!c.run.trace_out.empty()) kernel.slab().set_observer(&recorder);
  const gen::GeneratorResult r = gen::run_generator(c.generator, kernel);
  if (!c.run.trace_out.empty()) recorder.write(c.run.trace_out);
  print_machine_line(c);
  std::printf("kernel: %s, %s; workload: '%s', %zu thread kind%s\n\n",
              std::string(model::to_string(c.kernel.flavour)).c_str(),
              std::string(model::to_string(c.kernel.slab.kind)).c_str(), c.generator.name.c_str(),
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
  auto row = [](const char* what, std::uint64_t v) {
    std::printf("%-40s %14llu\n", what, static_cast<unsigned long long>(v));
  };
  row("frees at the end of a lifetime", r.lifetime_frees);
  row("  of those, on another CPU", r.remote_frees);
  row("frees after an RCU grace period", r.rcu_frees);
  row("frees to make room in a pool (keep)", r.evictions);
  row("objects passed between threads", r.passed);
  row("interrupts taken", r.irq_arrivals);
  row("waits: barrier / pool / max_live", r.barrier_waits + r.pool_waits + r.live_waits);
  row("ops on an empty pool (skipped)", r.empty_pool);
  row("peak live objects", r.peak_live);
  row("live objects at the end", r.live_at_end);
  row("  of those, frees still pending", r.pending_at_end);
  row("allocator diagnostics", r.diagnostics);
  const auto& diags = kernel.diagnostics().entries();
  for (std::size_t i = 0; i < diags.size() && i < 5; ++i)
    std::printf("  %s\n", model::DiagnosticLog::format(diags[i]).c_str());
  const model::PageAllocator& pa = kernel.pages();
  row("kswapd runs", pa.events().kswapd_runs);
  row("simulated cycles (latest CPU)", r.elapsed);
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

}  // namespace

int run_command(const std::vector<std::string>& args) {
  namespace po = boost::program_options;
  po::options_description desc("run options");
  std::uint64_t seed = 0;
  desc.add_options()("seed", po::value<std::uint64_t>(&seed), "run seed (overrides run.seed)")(
      "quiet,q", "print only the summary table");
  ConfigOptions opts;
  po::variables_map vm;
  if (!parse_with_configs("run",
                          "Simulates the configured machine and workload and prints a summary.\n"
                          "With no config, runs the embedded default (2 nodes, 8 CPUs).",
                          desc, args, opts, vm))
    return 0;
  std::optional<std::uint64_t> seed_override;
  if (vm.count("seed")) seed_override = seed;
  const io::Config config = io::load_config(opts.files, opts.sets, seed_override);
  const bool quiet = vm.count("quiet") > 0;

  const auto start = std::chrono::steady_clock::now();
  if (!config.trace.path.empty()) {
    replay_trace(config);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!quiet) std::printf("\nhost time %.2f s\n", seconds);
    return 0;
  }
  if (config.workload_kind == io::WorkloadKind::generator) {
    run_generator(config, quiet);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!quiet) std::printf("host time %.2f s\n", seconds);
    return 0;
  }
  print_header(config);
  workloads::TraceRecorder recorder(config.kernel.flavour, config.machine.ghz);
  model::AllocObserver* observer = config.run.trace_out.empty() ? nullptr : &recorder;
  for (io::ExercisePattern p : config.exercise.patterns)
    print_row(workloads::run_exercise(config.machine, config.run.seed, p,
                                      config.exercise.ops_per_cpu, config.exercise.footprint_bytes,
                                      config.kernel, observer));
  if (observer) recorder.write(config.run.trace_out);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!quiet) std::printf("\nhost time %.2f s\n", seconds);
  return 0;
}

}  // namespace allocsim::cli
