#include "io/run/execute.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>

#include "allocsim/version.hpp"
#include "io/results/counters_table.hpp"
#include "io/results/end_of_run.hpp"
#include "io/results/summary.hpp"
#include "io/results/workload_tables.hpp"
#include "io/run/host_memory.hpp"
#include "io/run/recorded_caches.hpp"
#include "io/run/recorded_warm_start.hpp"
#include "model/kernel.hpp"
#include "sim/machine.hpp"
#include "workloads/replay/accuracy.hpp"
#include "workloads/replay/slab_pages.hpp"
#include "workloads/trace/trace_stream.hpp"
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

std::optional<workloads::trace::Format> trace_format(const Config& c) {
  namespace tr = workloads::trace;
  const std::string& f = c.trace.format;
  if (f == "auto") return std::nullopt;
  return f == "ftrace"      ? tr::Format::ftrace
         : f == "trace-cmd" ? tr::Format::trace_cmd
         : f == "perf"      ? tr::Format::perf
         : f == "native"    ? tr::Format::native
         : f == "wee_alloc" ? tr::Format::wee_alloc
                            : tr::Format::malloc_lab_rep;
}

// tables/replay, a row per replayed event, written as the replay goes.
class ReplayTableWriter final : public workloads::ReplayRowSink {
 public:
  ReplayTableWriter() : table_(std::make_shared<StreamedTable>("replay", replay_table_columns())) {}
  void row(const workloads::ReplayRow& r) override { append_replay_row(table_->rows(), r); }
  std::shared_ptr<StreamedTable> finish() {
    table_->finish();
    return table_;
  }

 private:
  std::shared_ptr<StreamedTable> table_;
};

Sampler make_sampler(model::Kernel& kernel, const Config& c, const ExecuteOptions& o) {
  return Sampler(kernel, c.run.sample_interval, c.run.max_samples, o.progress,
                 o.timeseries != ExecuteOptions::Timeseries::none);
}

void collect_timeseries(Sampler& sampler, const ExecuteOptions& o, RunResults& r) {
  if (o.timeseries == ExecuteOptions::Timeseries::none) return;
  for (auto& [name, t] : sampler.take_tables()) {
    if (o.timeseries == ExecuteOptions::Timeseries::memory)
      r.timeseries.emplace_back(name, t->load());
    else
      r.spooled_timeseries.emplace_back(name, std::move(t));
  }
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
  Sampler sampler = make_sampler(kernel, c, o);
  sampler.keep_events(c.run.events, c.run.event_every);
  gen::GeneratorResult g = gen::run_generator(c.generator, kernel, &sampler);
  sampler.finish(g.elapsed);
  if (!c.run.trace_out.empty()) recorder.write(c.run.trace_out);

  h5::Table& s = out.results.summary;
  add_run_summary({c, c.generator.name, g.started, g.elapsed}, s);
  add_latency_summary(machine.stats(), s);
  add_generator_summary(g, c.machine.ghz, s);
  collect_kernel_end(kernel, out);
  collect_timeseries(sampler, o, out.results);
  out.results.events = sampler.take_events();
  out.elapsed = g.elapsed;
  out.generator = std::move(g);
}

void run_replay(const Config& c, const ExecuteOptions& o, model::Kernel& kernel, RunOutcome& out) {
  namespace tr = workloads::trace;
  tr::ReadOptions read;
  read.skip_bad_lines = c.trace.skip_bad_lines;
  tr::TraceStream stream(c.trace.path, trace_format(c), read);
  sim::Machine& machine = kernel.machine();
  workloads::TraceRecorder recorder(c.kernel.flavour, c.machine.ghz);
  if (!c.run.trace_out.empty()) kernel.slab().set_observer(&recorder);
  Sampler sampler = make_sampler(kernel, c, o);
  std::optional<ReplayTableWriter> rows;
  if (o.replay_rows) rows.emplace();
  workloads::ReplayOptions ro;
  ro.timing = c.trace.timing;
  ro.time_scale = c.trace.time_scale;
  ro.rows = rows ? &*rows : nullptr;
  ro.run_hooks = &sampler;
  // A recording: its caches created with the traced kernel's geometry, its
  // slab pages left to the model's slab allocator, its pcp lists warm.
  std::optional<RecordedCaches> caches;
  workloads::replaying::SlabPageRule slab_pages;
  std::optional<RecordedWarmStart> warm;
  if (!c.trace.recording.empty()) {
    caches.emplace(c.trace.recording);
    ro.caches = &*caches;
    ro.pages = &slab_pages;
    warm.emplace(c.trace.recording);  // free lists and pcp lists as recorded
    ro.warm_start = &*warm;
  }
  workloads::ReplayResult r = workloads::replay(stream, kernel, ro);
  sampler.finish(r.elapsed);
  if (!c.run.trace_out.empty()) recorder.write(c.run.trace_out);
  if (!c.trace.recording.empty())
    r.snapshot = workloads::replaying::compare_with_snapshot(kernel, c.trace.recording, r.caches);

  h5::Table& s = out.results.summary;
  const std::string what =
      c.trace.recording.empty()
          ? "trace:" + std::filesystem::path(c.trace.path).filename().string()
          : "recording:" + std::filesystem::path(c.trace.recording).filename().string();
  add_run_summary({c, what, r.started, r.elapsed}, s);
  add_replay_summary(r, stream.trace().stats, s);
  add_replay_latency_summary(machine.stats(), s);
  collect_kernel_end(kernel, out);
  collect_timeseries(sampler, o, out.results);
  out.results.tables.emplace_back("replay_accuracy", replay_accuracy_table(r));
  if (rows) out.results.streamed.push_back(rows->finish());
  out.trace_stats = stream.trace().stats;
  out.trace_format = stream.trace().format;
  out.elapsed = r.elapsed;
  out.replay = std::move(r);
}

void run_exercise(const Config& c, RunOutcome& out) {
  workloads::TraceRecorder recorder(c.kernel.flavour, c.machine.ghz);
  model::AllocObserver* observer = c.run.trace_out.empty() ? nullptr : &recorder;
  sim::Cycles elapsed = 0;
  std::uint64_t ops = 0;
  for (ExercisePattern p : c.exercise.patterns) {
    const workloads::ExerciseResult r =
        workloads::run_exercise(c.machine, c.run.seed, p, c.exercise.ops_per_cpu,
                                c.exercise.footprint_bytes, c.kernel, observer);
    elapsed += r.elapsed;
    ops += r.ops;
    out.exercise.push_back(r);
  }
  if (observer) recorder.write(c.run.trace_out);
  h5::Table& s = out.results.summary;
  add_run_summary({c, "exercise", 0, elapsed}, s);
  add_exercise_summary(ops, s);
  out.results.tables.emplace_back("exercise", exercise_table(out.exercise));
  out.results.counters = empty_counters_table();
  out.elapsed = elapsed;
}

// A machine or kernel that cannot be built is bad input, reported as
// check_runnable reports it.
template <class Body>
void booting(Body&& body) {
  try {
    body();
  } catch (const std::bad_alloc&) {
    throw;  // the host's memory, not the config
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw ConfigError(Origin{"<config>", 0, 0, 0}, "machine",
                      std::string("the kernel cannot boot on this machine: ") + e.what());
  }
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
    if (out.results.info.workload == "exercise") {
      check_runnable(c);  // the exercise builds its machines as it goes
      return run_exercise(c, out);
    }
    check_host_memory(c);
    std::optional<sim::Machine> machine;
    std::optional<model::Kernel> kernel;
    booting([&] {
      machine.emplace(c.machine, c.run.seed);
      kernel.emplace(*machine, c.kernel);
    });
    run_workload_on(*kernel, c, o, out);
  });
}

void check_runnable(const Config& c) {
  check_host_memory(c);
  booting([&] {
    sim::Machine machine(c.machine, c.run.seed);
    model::Kernel kernel(machine, c.kernel);
  });
  if (c.trace.path.empty()) return;
  // Every line of the trace parsed, as a stream (nothing is kept), and a
  // recording's snapshot files read.
  workloads::trace::ReadOptions read;
  read.skip_bad_lines = c.trace.skip_bad_lines;
  workloads::trace::TraceStream stream(c.trace.path, trace_format(c), read);
  workloads::trace::TraceEvent e;
  while (stream.next(e)) {
  }
  if (!c.trace.recording.empty()) {
    RecordedCaches caches(c.trace.recording);
    RecordedWarmStart warm(c.trace.recording);
  }
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
  std::filesystem::path last(files.back());
  if (last.filename().empty()) last = last.parent_path();  // a recording given as "DIR/"
  return last.stem().string();
}

}  // namespace allocsim::io
