#include "cli/options.hpp"

#include <iostream>

namespace allocsim::cli {

namespace po = boost::program_options;

bool parse_with_configs(const std::string& verb, const std::string& summary,
                        po::options_description& desc, const std::vector<std::string>& args,
                        ConfigOptions& out, po::variables_map& vm) {
  desc.add_options()("set", po::value<std::vector<std::string>>(&out.sets)->composing(),
                     "override one config key, e.g. --set machine.cpus=4 (repeatable)")(
      "help,h", "show this help");
  po::options_description hidden;
  hidden.add_options()("config", po::value<std::vector<std::string>>(&out.files), "config files");
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description positional;
  positional.add("config", -1);
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  if (vm.count("help")) {
    std::cout << "usage: allocsim " << verb << " [CONFIG.yaml ...] [options]\n\n"
              << summary << "\n\n"
              << "Configs merge left to right over the embedded default; --set applies last.\n\n"
              << desc << "\n";
    return false;
  }
  po::notify(vm);
  return true;
}

}  // namespace allocsim::cli
