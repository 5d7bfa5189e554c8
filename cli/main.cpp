// allocsim: the command line. Dispatches to one verb; turns errors into one
// clear line on stderr and the documented exit codes.
#include <boost/program_options/errors.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "allocsim/version.hpp"
#include "cli/commands.hpp"
#include "io/config/error.hpp"
#include "io/results/atomic_output.hpp"
#include "util/printable.hpp"
#include "workloads/trace/trace.hpp"

namespace {

constexpr const char* kUsage = R"(usage: allocsim <command> [options]

commands:
  run [CONFIG.yaml ...] [--set KEY=VALUE ...] [--seed N] [-o OUT.h5] [--force] [--quiet]
                      simulate; with no config, the embedded default machine
  sweep [SWEEP.yaml | CONFIG.yaml ...] [--set KEY=VALUE ...] [--grid KEY=V1,V2,... ...]
        [-j N] [-o OUT.h5] [--resume]
                      run every point of a parameter grid in parallel into one file
  report OUT.h5 [--run NAME] [--proc NAME | --kmem] [--compare RUN_A RUN_B]
                      a results file's runs, summaries and /proc reports
  validate [CONFIG.yaml ...] [--set KEY=VALUE ...]
                      check configs and print the fully resolved one
  stats [FILTER] [--json]
                      every statistic a results file can hold: unit, meaning, where
  machine import [--zoneinfo FILE] [--distance-dir DIR] [--min-free-kbytes FILE] [-o OUT.yaml]
                      a config reproducing this machine's nodes and zones
  record -o DIR [--events LIST] [--buffer-size SIZE] [--stacktrace] -- COMMAND [ARGS...]
  record -o DIR --duration TIME
                      as root, record the live kernel's allocator events and state
  help [COMMAND]      this text, or a command's options

options:
  --version           print the version
  -h, --help          this text

Exit codes: 0 ok, 2 bad input (config, options), 1 any other failure.
See docs/config.md for every config key, docs/results.md for the results files.
)";

int dispatch(const std::string& verb, const std::vector<std::string>& rest) {
  using namespace allocsim::cli;
  if (verb == "run") return run_command(rest);
  if (verb == "validate") return validate_command(rest);
  if (verb == "machine") return machine_command(rest);
  if (verb == "sweep") return sweep_command(rest);
  if (verb == "report") return report_command(rest);
  if (verb == "record") return record_command(rest);
  if (verb == "stats") return stats_command(rest);
  if (verb == "help") {
    if (rest.empty()) {
      std::cout << kUsage;
      return 0;
    }
    return dispatch(rest.front(), {"--help"});
  }
  if (verb == "--version" || verb == "version") {
    std::cout << "allocsim " << allocsim::kVersion << "\n";
    return 0;
  }
  if (verb == "-h" || verb == "--help") {
    std::cout << kUsage;
    return 0;
  }
  throw UsageError("unknown command '" + allocsim::util::printable(verb) +
                   "' (try 'allocsim help')");
}

// Every message quotes input (paths, keys, values): one safe line each.
std::string line(const std::exception& e) {
  return allocsim::util::printable(e.what(), allocsim::util::kMessageBytes);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  try {
    return dispatch(args.front(), {args.begin() + 1, args.end()});
  } catch (const allocsim::io::ConfigError& e) {
    std::cerr << "allocsim: error: " << line(e) << "\n";
    return 2;
  } catch (const allocsim::workloads::trace::TraceError& e) {  // "file:line: message"
    std::cerr << "allocsim: error: " << line(e) << "\n";
    return 2;
  } catch (const allocsim::io::OutputError& e) {
    std::cerr << "allocsim: error: " << line(e) << "\n";
    return 2;
  } catch (const allocsim::cli::UsageError& e) {
    std::cerr << "allocsim: error: " << line(e) << "\n";
    return 2;
  } catch (const boost::program_options::error& e) {
    std::cerr << "allocsim: error: " << line(e) << " (try 'allocsim help "
              << allocsim::util::printable(args.front()) << "')\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "allocsim: failed: " << line(e) << "\n";
    return 1;
  }
}
