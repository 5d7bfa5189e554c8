#pragma once
// The section readers, one file each; build_config (load.cpp) calls them on the
// top-level mapping in this order. A new section gets a reader here.
#include "io/config/load.hpp"
#include "io/config/reader.hpp"
#include "io/config/run_config.hpp"
#include "model/kernel_config.hpp"
#include "sim/machine_config.hpp"
#include "workloads/exercise_config.hpp"
#include "workloads/generator/spec.hpp"

namespace allocsim::io {

using workloads::ExerciseConfig;
using workloads::ExercisePattern;
using workloads::kExercisePatterns;

// machine_section.cpp; machine.zones go to `zones` (machine_zones.cpp).
sim::MachineConfig read_machine(MapReader& top, std::vector<model::ZoneSpec>* zones);
model::KernelConfig read_kernel(MapReader& top, sim::Arch arch, double ghz,
                                std::vector<model::ZoneSpec> zones);  // kernel_section.cpp
void read_pcp_sizes(MapReader& kernel, sim::Arch arch, model::KernelConfig& k);  // kernel_pcp.cpp
void read_workload(MapReader& top, const sim::MachineConfig& machine,
                   const model::KernelConfig& kernel, Config& out);  // workload_section.cpp
RunConfig read_run(MapReader& top, double ghz);                      // run_section.cpp

}  // namespace allocsim::io
