#pragma once
// Loading a configuration: the embedded default, then each file in order, then
// each --set override, then --seed, merged and read into typed structs.
// Every key defaults to the embedded default's value, so a file only says what
// differs. Throws ConfigError (io/config/error.hpp) on any bad input.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/config/default_config.hpp"
#include "io/config/error.hpp"
#include "io/config/reader.hpp"
#include "io/config/run_config.hpp"
#include "io/config/tree.hpp"
#include "model/kernel_config.hpp"
#include "sim/machine_config.hpp"
#include "workloads/exercise_config.hpp"
#include "workloads/generator/spec.hpp"

namespace allocsim::io {

using workloads::ExerciseConfig;
using workloads::ExercisePattern;
using workloads::kExercisePatterns;

// What `allocsim run` does when workload.trace is none.
enum class WorkloadKind : unsigned char { generator, exercise };
inline constexpr std::array<EnumName<WorkloadKind>, 2> kWorkloadKinds{{
    {"generator", WorkloadKind::generator},
    {"exercise", WorkloadKind::exercise},
}};

struct Config {
  sim::MachineConfig machine;
  model::KernelConfig kernel;
  RunConfig run;
  WorkloadKind workload_kind = WorkloadKind::generator;
  workloads::gen::GeneratorSpec generator;  // workload.generator
  ExerciseConfig exercise;                  // workload.exercise
  workloads::TraceConfig trace;             // replayed instead of either when its path is set
  std::string resolved_yaml;                // every key explicit; loads back to the same Config
};

Config load_config(const std::vector<std::string>& files,
                   const std::vector<std::string>& set_overrides = {},
                   std::optional<std::uint64_t> seed_override = {});

// The same from YAML text (Python bindings, tests); `name` stands in for the
// file name in errors.
Config load_config_text(std::string_view yaml, std::string_view name = "<string>",
                        const std::vector<std::string>& set_overrides = {},
                        std::optional<std::uint64_t> seed_override = {});

// The lower level, for tools and tests that merge trees themselves.
inline constexpr const char* kDefaultConfigName = "<default>";
Node default_config_tree();             // layer 0
Config build_config(const Node& root);  // reads a fully merged tree

}  // namespace allocsim::io
