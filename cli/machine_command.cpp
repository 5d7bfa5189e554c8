// allocsim machine import: a config that reproduces this machine's (or saved
// copies') nodes and zones.
#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "io/config/load.hpp"
#include "io/machine_import/machine_import.hpp"

namespace allocsim::cli {

namespace {

// Write to a temporary file beside the target, then rename: never a partial file.
void write_atomically(const std::string& path, const std::string& text) {
  const std::filesystem::path target(path);
  const std::filesystem::path tmp = target.string() + ".tmp-allocsim";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw UsageError("cannot write " + tmp.string());
    out << text;
    if (!out.flush()) throw UsageError("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, target);
}

}  // namespace

int machine_command(const std::vector<std::string>& args) {
  namespace po = boost::program_options;
  io::ImportSources src;
  std::string out_path, name = "imported";
  po::options_description desc("machine import options");
  desc.add_options()("zoneinfo", po::value(&src.zoneinfo)->default_value(src.zoneinfo),
                     "a saved /proc/zoneinfo")(
      "distance-dir", po::value(&src.distance_dir)->default_value(src.distance_dir),
      "directory with node<N>/distance and node<N>/cpulist")(
      "min-free-kbytes", po::value(&src.min_free_kbytes)->default_value(src.min_free_kbytes),
      "a saved /proc/sys/vm/min_free_kbytes")("cpuinfo",
                                              po::value(&src.cpuinfo)->default_value(src.cpuinfo),
                                              "a saved /proc/cpuinfo (CPU count when no cpulists)")(
      "name", po::value(&name)->default_value(name), "machine.name of the result")(
      "output,o", po::value(&out_path), "write the config here (default: standard output)")(
      "force", "overwrite an existing output")("help,h", "show this help");
  auto help = [&](std::ostream& out) {
    out << "usage: allocsim machine import [options]\n\n"
        << "Writes a config whose nodes, zones (start_pfn, spanned, present, managed),\n"
        << "distances, CPUs and min_free_kbytes reproduce this machine, read from\n"
        << "/proc and /sys or from saved copies of those files.\n\n"
        << desc << "\n";
  };
  if (args.empty()) {  // the verb is missing: the usage, as for a bad command line
    help(std::cerr);
    return 2;
  }
  if (args.front() == "--help" || args.front() == "-h") {
    help(std::cout);
    return 0;
  }
  if (args.front() != "import")
    throw UsageError("unknown machine command '" + args.front() + "' (try 'import')");
  po::variables_map vm;
  po::store(po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end()))
                .options(desc)
                .run(),
            vm);
  if (vm.count("help")) {
    help(std::cout);
    return 0;
  }
  po::notify(vm);
  const io::ImportedMachine m = io::import_machine(src);
  const std::string yaml = io::machine_yaml(m, name, src.zoneinfo);
  io::load_config_text(yaml, out_path.empty() ? "<imported>" : out_path);  // must load back
  if (out_path.empty()) {
    std::cout << yaml;
    return 0;
  }
  if (std::filesystem::exists(out_path) && !vm.count("force"))
    throw UsageError(out_path + " exists (use --force to overwrite)");
  write_atomically(out_path, yaml);
  return 0;
}

}  // namespace allocsim::cli
