#include "io/recording/recorded_machine.hpp"

#include <cctype>
#include <filesystem>

#include "io/config/load.hpp"
#include "io/machine_import/machine_import.hpp"
#include "io/recording/cpu_caches.hpp"
#include "io/recording/files.hpp"

namespace allocsim::io::recording {
namespace fs = std::filesystem;

std::string recorded_machine_yaml(const std::string& before_dir, const std::string& name) {
  ImportSources src;
  src.zoneinfo = before_dir + "/zoneinfo";
  src.distance_dir = before_dir + "/node";
  src.min_free_kbytes = before_dir + "/vm/min_free_kbytes";
  src.cpuinfo.clear();
  ImportedMachine m = import_machine(src);
  if (m.cpu_node.empty())  // no NUMA sysfs: the online CPUs
    if (const std::optional<std::string> online = read_text(before_dir + "/cpu/online"))
      m.cpus = static_cast<unsigned>(parse_cpulist(*online, before_dir + "/cpu/online").size());
  if (const std::optional<std::string> release = read_text(before_dir + "/kernel_release"))
    m.kernel_release = trimmed(*release);
  if (const std::optional<std::string> tsv = read_text(before_dir + "/cpu_caches.tsv"))
    m.caches =
        machine_caches(parse_cpu_caches_tsv(*tsv, before_dir + "/cpu_caches.tsv"), m.cpu_node);
  const std::string yaml = machine_yaml(
      m, machine_name(name), "the before/ snapshot of this recording", "allocsim record");
  load_config_text(yaml, fs::path(before_dir).parent_path().string() + "/machine.yaml");
  return yaml;
}

std::string machine_name(const std::string& text) {
  std::string out;
  for (char c : text)
    out +=
        (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') ? c : '_';
  return out.empty() ? "recorded" : out;
}

}  // namespace allocsim::io::recording
