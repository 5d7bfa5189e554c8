#pragma once
// The verbs of the `allocsim` command. Each takes the arguments after the verb
// and returns the process exit code (0 ok, 2 bad input, 1 anything else).
#include <stdexcept>
#include <string>
#include <vector>

namespace allocsim::cli {

int run_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int machine_command(const std::vector<std::string>& args);
int sweep_command(const std::vector<std::string>& args);
int report_command(const std::vector<std::string>& args);
int record_command(const std::vector<std::string>& args);
int stats_command(const std::vector<std::string>& args);

// Thrown for a bad command line; main() prints it and exits with 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace allocsim::cli
