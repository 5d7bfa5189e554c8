// The `workload:` section: the hardware exercise, or a trace to replay.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "io/config/sections.hpp"
#include "io/config/workload_generator.hpp"
#include "sim/topology.hpp"

namespace allocsim::io {
namespace {

constexpr std::uint64_t kMaxOpsPerCpu = std::uint64_t{1} << 40;

// workload.replay_time_scale: simulated ns per traced ns, a positive number.
double read_time_scale(MapReader& workload) {
  const Value v = workload.get("replay_time_scale");
  const std::string text = v.as_string();
  double scale = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), scale);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(scale) ||
      scale <= 0 || scale > 1e9)
    v.fail("expected a positive number (simulated ns per traced ns), not '" + text + "'");
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", scale);
  workload.record("replay_time_scale", buf);
  return scale;
}

ExerciseConfig read_exercise(MapReader& exercise) {
  ExerciseConfig out;
  out.ops_per_cpu = exercise.uint("ops_per_cpu", 1, kMaxOpsPerCpu);
  out.footprint_bytes = exercise.size("footprint");
  Value list = exercise.get("patterns");
  out.patterns.clear();
  std::vector<std::string> names;
  for (const Value& item : list.as_sequence()) {
    ExercisePattern p = item.as_enum(kExercisePatterns);
    if (std::find(out.patterns.begin(), out.patterns.end(), p) != out.patterns.end()) {
      item.fail("pattern '" + std::string(to_string(p)) + "' is listed twice");
    }
    out.patterns.push_back(p);
    names.emplace_back(to_string(p));
  }
  if (out.patterns.empty()) list.fail("needs at least one pattern");
  exercise.record("patterns", resolved_list(names));
  exercise.done();
  return out;
}

}  // namespace

void read_workload(MapReader& top, const sim::MachineConfig& machine,
                   const model::KernelConfig& kernel, Config& out) {
  const model::Flavour flavour = kernel.flavour;
  ExerciseConfig& exercise_out = out.exercise;
  workloads::TraceConfig& trace = out.trace;
  MapReader workload =
      top.map("workload", {"kind", "generator", "trace", "trace_format", "skip_bad_lines",
                           "replay_timing", "replay_time_scale", "exercise"});
  out.workload_kind = workload.enumeration("kind", kWorkloadKinds);
  // The generator is checked whatever the kind, and kept as written: its
  // resolved form is itself.
  const Value generator = workload.get("generator");
  if (generator.present() && !generator.node().is_null()) {
    GeneratorContext ctx;
    ctx.ghz = machine.ghz;
    ctx.cpus = machine.cpus;
    ctx.nodes = machine.nodes;
    ctx.cpu_node = machine.cpu_node;
    if (ctx.cpu_node.empty()) ctx.cpu_node = sim::default_cpu_nodes(machine.cpus, machine.nodes);
    ctx.flavour = flavour;
    ctx.arch = machine.arch;
    ctx.line_bytes = machine.line_bytes;
    ctx.slab = kernel.slab;
    out.generator = read_generator(generator.node(), generator.path(), ctx);
    workload.record("generator", generator.node());
  } else if (out.workload_kind == WorkloadKind::generator) {
    generator.fail("workload.kind is generator but no generator is given");
  }
  // A relative trace path is relative to the config file that names it; a
  // directory is a recording (allocsim record), whose trace is trace.txt.
  const Value path = workload.get("trace");
  const std::string text = path.as_string();
  if (text != "none") {
    std::filesystem::path p(text);
    const std::string& from = path.origin().file;
    if (p.is_relative() && !from.empty() && from[0] != '<' && from[0] != '-')
      p = std::filesystem::path(from).parent_path() / p;
    if (std::filesystem::is_directory(p)) {
      const std::filesystem::path t = p / "trace.txt";
      if (!std::filesystem::is_regular_file(t))
        path.fail("'" + p.string() + "' is a directory but not a recording: it has no trace.txt");
      trace.recording = p.string();
      trace.path = t.string();
    } else if (std::filesystem::is_regular_file(p)) {
      trace.path = p.string();
    } else {
      path.fail("no such trace file or recording directory '" + p.string() + "'");
    }
  }
  workload.record("trace", text == "none"            ? "none"
                           : trace.recording.empty() ? trace.path
                                                     : trace.recording);
  trace.format = workload.string("trace_format");
  if (std::find(workloads::kTraceFormats.begin(), workloads::kTraceFormats.end(), trace.format) ==
      workloads::kTraceFormats.end()) {
    std::string choices;
    for (std::string_view f : workloads::kTraceFormats)
      choices += (choices.empty() ? "" : ", ") + std::string(f);
    workload.get("trace_format")
        .fail("unknown trace format '" + trace.format + "' (expected " + choices + ")");
  }
  trace.skip_bad_lines = workload.boolean("skip_bad_lines");
  trace.timing = workload.enumeration("replay_timing", workloads::kReplayTimings);
  trace.time_scale = read_time_scale(workload);
  MapReader exercise = workload.map("exercise", {"ops_per_cpu", "footprint", "patterns"});
  exercise_out = read_exercise(exercise);
  workload.done();
}

}  // namespace allocsim::io
