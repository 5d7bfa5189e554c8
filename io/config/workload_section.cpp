// The `workload:` section: the hardware exercise, or a trace to replay.
#include <algorithm>
#include <filesystem>
#include <string>

#include "io/config/sections.hpp"
#include "io/config/workload_generator.hpp"

namespace allocsim::io {
namespace {

constexpr std::uint64_t kMaxOpsPerCpu = std::uint64_t{1} << 40;

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
  MapReader workload = top.map(
      "workload", {"kind", "generator", "trace", "trace_format", "skip_bad_lines", "exercise"});
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
    if (ctx.cpu_node.empty())
      for (std::uint32_t c = 0; c < machine.cpus; ++c)
        ctx.cpu_node.push_back(c / std::max<std::uint32_t>(1, machine.cpus / machine.nodes));
    ctx.flavour = flavour;
    ctx.arch = machine.arch;
    ctx.line_bytes = machine.line_bytes;
    ctx.slab = kernel.slab;
    out.generator = read_generator(generator.node(), generator.path(), ctx);
    workload.record("generator", generator.node());
  } else if (out.workload_kind == WorkloadKind::generator) {
    generator.fail("workload.kind is generator but no generator is given");
  }
  // A relative trace path is relative to the config file that names it.
  const Value path = workload.get("trace");
  const std::string text = path.as_string();
  if (text != "none") {
    std::filesystem::path p(text);
    const std::string& from = path.origin().file;
    if (p.is_relative() && !from.empty() && from[0] != '<' && from[0] != '-')
      p = std::filesystem::path(from).parent_path() / p;
    if (!std::filesystem::is_regular_file(p)) path.fail("no such trace file '" + p.string() + "'");
    trace.path = p.string();
  }
  workload.record("trace", text == "none" ? "none" : trace.path);
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
  MapReader exercise = workload.map("exercise", {"ops_per_cpu", "footprint", "patterns"});
  exercise_out = read_exercise(exercise);
  workload.done();
}

}  // namespace allocsim::io
