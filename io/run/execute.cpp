#include "io/run/execute.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "allocsim/version.hpp"
#include "io/results/summary.hpp"
#include "io/run/replay_tables.hpp"
#include "model/kernel.hpp"
#include "sim/machine.hpp"
#include "workloads/trace/readers.hpp"
#include "workloads/trace_recorder.hpp"

namespace allocsim::io {

namespace {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

// The columns every run's summary starts with: what ran, where.
void add_identity(const Config& c, const std::string& workload, h5::Table& s) {
  s.set("workload", workload);
  s.set("flavour", std::string(model::to_string(c.kernel.flavour)));
  s.set("slab", std::string(model::to_string(c.kernel.slab.kind)));
  s.set("arch", c.machine.arch == sim::Arch::x86_64 ? std::string("x86_64") : std::string("i386"));
  s.set("cpus", std::uint64_t{c.machine.cpus}, "1");
  s.set("nodes", std::uint64_t{c.machine.nodes}, "1");
  s.set("seed", c.run.seed, "1");
}

void add_time(const Config& c, sim::Cycles started, sim::Cycles elapsed, h5::Table& s) {
  s.set("setup_cycles", started, "cycles");
  s.set("simulated_cycles", elapsed, "cycles");
  s.set("simulated_ns", static_cast<double>(elapsed) / c.machine.ghz, "ns");
}

workloads::trace::Trace read_trace(const Config& c) {
  namespace tr = workloads::trace;
  tr::ReadOptions ro;
  ro.skip_bad_lines = c.trace.skip_bad_lines;
  if (c.trace.format == "auto") return tr::read_trace_file(c.trace.path, ro);
  std::ifstream in(c.trace.path, std::ios::binary);
  if (!in) throw tr::TraceError(c.trace.path + ": cannot open the trace");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const tr::Format f = c.trace.format == "ftrace"      ? tr::Format::ftrace
                       : c.trace.format == "trace-cmd" ? tr::Format::trace_cmd
                       : c.trace.format == "perf"      ? tr::Format::perf
                       : c.trace.format == "native"    ? tr::Format::native
                       : c.trace.format == "wee_alloc" ? tr::Format::wee_alloc
                                                       : tr::Format::malloc_lab_rep;
  return tr::parse_trace(text, f, c.trace.path, ro);
}

void collect_kernel_end(model::Kernel& kernel, RunOutcome& out) {
  RunResults& r = out.results;
  add_kernel_summary(kernel, r.summary);
  r.counters = counters_table(kernel);
  r.latency = latency_tables(kernel.machine().stats());
  r.proc = proc_reports(kernel);
  out.kswapd_runs = kernel.pages().events().kswapd_runs;
  out.diagnostics = kernel.diagnostics().errors();
  const auto& diags = kernel.diagnostics().entries();
  for (std::size_t i = 0; i < diags.size() && i < 5; ++i)
    out.first_diagnostics.push_back(model::DiagnosticLog::format(diags[i]));
}

void run_generator(const Config& c, const ExecuteOptions& o, model::Kernel& kernel,
                   RunOutcome& out) {
  namespace gen = workloads::gen;
  sim::Machine& machine = kernel.machine();
  workloads::TraceRecorder recorder(c.kernel.flavour, c.machine.ghz);
  if (!c.run.trace_out.empty()) kernel.slab().set_observer(&recorder);
  Sampler sampler(kernel, c.run.sample_interval, c.run.max_samples, o.progress);
  sampler.keep_events(c.run.events, c.run.event_every);
  gen::GeneratorResult g = gen::run_generator(c.generator, kernel, &sampler);
  sampler.finish(g.elapsed);
  if (!c.run.trace_out.empty()) recorder.write(c.run.trace_out);

  h5::Table& s = out.results.summary;
  add_identity(c, c.generator.name, s);
  add_time(c, g.started, g.elapsed, s);
  add_latency_summary(machine.stats(), s);
  std::uint64_t failures = 0, ops = 0;
  for (const gen::OpTotals& t : g.total) failures += t.failures, ops += t.ops;
  const double run_ms = static_cast<double>(g.elapsed - g.started) / (c.machine.ghz * 1e6);
  s.set("failures", failures, "1");
  s.set("ops_per_ms", run_ms > 0 ? static_cast<double>(ops) / run_ms : 0.0, "1/ms");
  s.set("lifetime_frees", g.lifetime_frees, "1");
  s.set("remote_frees", g.remote_frees, "1");
  s.set("rcu_frees", g.rcu_frees, "1");
  s.set("evictions", g.evictions, "1");
  s.set("passed", g.passed, "1");
  s.set("irq_arrivals", g.irq_arrivals, "1");
  s.set("peak_live", g.peak_live, "objects");
  s.set("live_at_end", g.live_at_end, "objects");
  s.set("fingerprint", g.fingerprint, "1");
  collect_kernel_end(kernel, out);
  out.results.timeseries = sampler.take_tables();
  out.results.events = sampler.take_events();
  out.elapsed = g.elapsed;
  out.generator = std::move(g);
}

void run_replay(const Config& c, const ExecuteOptions& o, model::Kernel& kernel, RunOutcome& out) {
  namespace tr = workloads::trace;
  const tr::Trace t = read_trace(c);
  sim::Machine& machine = kernel.machine();
  workloads::TraceRecorder recorder(c.kernel.flavour, c.machine.ghz);
  if (!c.run.trace_out.empty()) kernel.slab().set_observer(&recorder);
  Sampler sampler(kernel, 0, c.run.max_samples, o.progress);
  sampler.snapshot(machine.now());  // the state before the replay, then after it
  workloads::ReplayResult r = workloads::replay(t, kernel);
  sampler.snapshot(machine.now());
  if (!c.run.trace_out.empty()) recorder.write(c.run.trace_out);

  h5::Table& s = out.results.summary;
  add_identity(c, "trace:" + std::filesystem::path(c.trace.path).filename().string(), s);
  add_time(c, 0, machine.now(), s);
  s.set("trace_lines", t.stats.lines, "1");
  s.set("events", r.events, "1");
  s.set("allocations", r.allocations, "1");
  s.set("frees", r.frees, "1");
  s.set("unknown_frees", r.unknown_frees, "1");
  s.set("failures", r.failures, "1");
  s.set("bytes_alloc_compared", r.bytes_alloc_compared, "1");
  s.set("bytes_alloc_mismatches", r.bytes_alloc_mismatches, "1");
  s.set("traced_live", r.traced_live, "objects");
  s.set("simulated_live", r.simulated_live, "objects");
  collect_kernel_end(kernel, out);
  out.results.timeseries = sampler.take_tables();

  h5::Table rows;
  rows.add("line", h5::Column::Type::u64, "1");
  rows.add("event", h5::Column::Type::str, "");
  rows.add("cpu", h5::Column::Type::u64, "1");
  rows.add("bytes_req", h5::Column::Type::u64, "bytes");
  rows.add("traced_bytes_alloc", h5::Column::Type::u64, "bytes");
  rows.add("simulated_bytes_alloc", h5::Column::Type::u64, "bytes");
  for (const workloads::ReplayRow& row : r.table)
    rows.append_row(row.line, tr::kind_name(row.kind), row.cpu, row.bytes_req,
                    row.traced_bytes_alloc, row.simulated_bytes_alloc);
  add_trace_columns(t, r, machine.cpus(), rows);  // for allocsim report --kmem
  out.results.tables.emplace_back("replay", std::move(rows));
  out.results.tables.emplace_back("replay_pages",
                                  page_allocation_table(t, c.kernel.flavour, machine.cpus()));
  out.trace_stats = t.stats;
  out.trace_format = t.format;
  out.elapsed = machine.now();
  out.replay = std::move(r);
}

void run_exercise(const Config& c, RunOutcome& out) {
  workloads::TraceRecorder recorder(c.kernel.flavour, c.machine.ghz);
  model::AllocObserver* observer = c.run.trace_out.empty() ? nullptr : &recorder;
  h5::Table rows;
  for (const auto& [name, unit] : {std::pair{"ops", "1"},
                                   {"elapsed_cycles", "cycles"},
                                   {"cycles_per_op", "cycles"},
                                   {"l1d_misses", "1"},
                                   {"l2_misses", "1"},
                                   {"llc_misses", "1"},
                                   {"c2c_transfers", "1"},
                                   {"false_sharing", "1"},
                                   {"invalidations", "1"},
                                   {"local_memory", "1"},
                                   {"remote_memory", "1"},
                                   {"lock_wait_cycles", "cycles"},
                                   {"fingerprint", "1"}})
    rows.add(
        name,
        std::string_view(name) == "cycles_per_op" ? h5::Column::Type::f64 : h5::Column::Type::u64,
        unit);
  h5::Column pattern;
  pattern.name = "pattern";
  pattern.type = h5::Column::Type::str;
  rows.columns().insert(rows.columns().begin(), std::move(pattern));
  sim::Cycles elapsed = 0;
  std::uint64_t ops = 0;
  for (ExercisePattern p : c.exercise.patterns) {
    const workloads::ExerciseResult r =
        workloads::run_exercise(c.machine, c.run.seed, p, c.exercise.ops_per_cpu,
                                c.exercise.footprint_bytes, c.kernel, observer);
    rows.append_row(workloads::to_string(p), r.ops, r.elapsed, r.cycles_per_op, r.l1d_misses,
                    r.l2_misses, r.llc_misses, r.c2c_transfers, r.false_sharing, r.invalidations,
                    r.local_memory, r.remote_memory, r.lock_wait, r.fingerprint);
    elapsed += r.elapsed;
    ops += r.ops;
    out.exercise.push_back(r);
  }
  if (observer) recorder.write(c.run.trace_out);
  h5::Table& s = out.results.summary;
  add_identity(c, "exercise", s);
  add_time(c, 0, elapsed, s);
  s.set("ops", ops, "1");
  out.results.tables.emplace_back("exercise", std::move(rows));
  out.results.counters.add("name", h5::Column::Type::str, "");
  out.results.counters.add("scope", h5::Column::Type::i64, "1");
  out.results.counters.add("value", h5::Column::Type::u64, "1");
  out.elapsed = elapsed;
}

RunInfo start_info(const Config& c, const ExecuteOptions& o) {
  RunInfo info;
  info.name = o.name;
  info.config = c.resolved_yaml;
  info.seed = c.run.seed;
  info.allocsim_version = kVersion;
  info.git_revision = kGitRevision;
  info.host = host_name();
  info.start_time = utc_now();
  info.parameters = o.parameters;
  info.workload = !c.trace.path.empty()                        ? "trace"
                  : c.workload_kind == WorkloadKind::generator ? "generator"
                                                               : "exercise";
  return info;
}

// The run's identity, then `body`, then its wall time.
template <class Body>
RunOutcome timed_run(const Config& c, const ExecuteOptions& o, Body&& body) {
  const auto t0 = std::chrono::steady_clock::now();
  RunOutcome out;
  out.results.info = start_info(c, o);
  body(out);
  out.results.info.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

void run_workload_on(model::Kernel& kernel, const Config& c, const ExecuteOptions& o,
                     RunOutcome& out) {
  if (out.results.info.workload == "trace")
    run_replay(c, o, kernel, out);
  else
    run_generator(c, o, kernel, out);
}

}  // namespace

RunOutcome execute(const Config& c, const ExecuteOptions& o) {
  return timed_run(c, o, [&](RunOutcome& out) {
    if (out.results.info.workload == "exercise") return run_exercise(c, out);
    sim::Machine machine(c.machine, c.run.seed);
    model::Kernel kernel(machine, c.kernel);
    run_workload_on(kernel, c, o, out);
  });
}

RunOutcome execute_on(model::Kernel& kernel, const Config& c, const ExecuteOptions& o) {
  return timed_run(c, o, [&](RunOutcome& out) {
    if (out.results.info.workload == "exercise")
      throw std::invalid_argument(
          "the hardware exercise builds its own machines; it cannot run on an existing kernel");
    run_workload_on(kernel, c, o, out);
  });
}

std::string default_run_name(const std::vector<std::string>& files) {
  if (files.empty()) return "default";
  return std::filesystem::path(files.back()).stem().string();
}

}  // namespace allocsim::io
