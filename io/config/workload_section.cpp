// The `workload:` section; for now only `exercise:`.
#include <algorithm>
#include <string>

#include "io/config/sections.hpp"

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

ExerciseConfig read_workload(MapReader& top, const sim::MachineConfig& /*machine*/) {
  MapReader workload = top.map("workload", {"exercise"});
  MapReader exercise = workload.map("exercise", {"ops_per_cpu", "footprint", "patterns"});
  ExerciseConfig out = read_exercise(exercise);
  workload.done();
  return out;
}

}  // namespace allocsim::io
