#pragma once
// Options shared by the verbs that take configs: positional config files and
// repeated --set KEY=VALUE.
#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace allocsim::cli {

struct ConfigOptions {
  std::vector<std::string> files;
  std::vector<std::string> sets;
};

// Adds the config options to `desc` and parses `args`; returns false after
// printing help when --help was given.
bool parse_with_configs(const std::string& verb, const std::string& summary,
                        boost::program_options::options_description& desc,
                        const std::vector<std::string>& args, ConfigOptions& out,
                        boost::program_options::variables_map& vm);

}  // namespace allocsim::cli
