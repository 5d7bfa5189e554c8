#pragma once
// A config's generator workload run to its end on the machine and kernel the
// config describes (YAML text plus --set overrides), kept for inspection.
#include <string>
#include <vector>

#include "io/config/load.hpp"
#include "model/kernel.hpp"
#include "sim/machine.hpp"
#include "workloads/generator/run.hpp"

namespace allocsim::workloads::testing {

struct Ran {
  io::Config c;
  sim::Machine m;
  model::Kernel k;
  gen::GeneratorResult r;
  Ran(const char* yaml, const std::vector<std::string>& sets)
      : c(io::load_config_text(yaml, "w.yaml", sets)),
        m(c.machine, c.run.seed),
        k(m, c.kernel),
        r(gen::run_generator(c.generator, k)) {}
};

}  // namespace allocsim::workloads::testing
