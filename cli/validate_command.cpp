// allocsim validate: load, merge and check configs; print the resolved one.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "io/config/load.hpp"
#include "io/run/execute.hpp"

namespace allocsim::cli {

int validate_command(const std::vector<std::string>& args) {
  namespace po = boost::program_options;
  po::options_description desc("validate options");
  ConfigOptions opts;
  po::variables_map vm;
  if (!parse_with_configs("validate",
                          "Checks the configs (unknown keys, types, units, impossible values)\n"
                          "and prints the fully resolved config as YAML.",
                          desc, args, opts, vm))
    return 0;
  const io::Config config = io::load_config(opts.files, opts.sets);
  io::check_runnable(config);  // what run builds before it simulates, with its checks
  std::cout << config.resolved_yaml;
  return 0;
}

}  // namespace allocsim::cli
