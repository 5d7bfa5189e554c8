#include "io/config/load.hpp"

#include <filesystem>

#include "io/config/override.hpp"
#include "io/config/sections.hpp"
#include "io/config/yaml_emit.hpp"
#include "io/config/yaml_parse.hpp"

namespace allocsim::io {
namespace {

// Overrides come after the files, one layer each, so later ones win.
Config finish(Node root, int layer, const std::vector<std::string>& set_overrides,
              std::optional<std::uint64_t> seed_override) {
  for (const std::string& assignment : set_overrides) apply_set(root, assignment, layer++);
  if (seed_override) apply_set(root, "run.seed=" + std::to_string(*seed_override), layer, "--seed");
  return build_config(root);
}

// A file that gives workload.generator replaces the one before it as a whole:
// a workload never inherits threads, caches or pools from the default. --set
// still edits single keys inside it.
void merge_file(Node& root, const Node& file) {
  const Node* workload = file.find("workload");
  if (workload && workload->find("generator"))
    if (Node* base = root.find("workload")) base->erase("generator");
  merge_into(root, file);
}

// `allocsim run DIR`: a recording directory in the list of files stands for
// its machine.yaml, then workload.trace: DIR, both at DIR's place in the list.
void merge_recording(Node& root, const std::string& dir, int& layer) {
  const std::filesystem::path machine = std::filesystem::path(dir) / "machine.yaml";
  if (!std::filesystem::is_regular_file(machine))
    throw ConfigError(Origin{dir, 0, 0, layer}, "",
                      "a directory but not a recording of allocsim record: it has no machine.yaml");
  merge_file(root, parse_yaml_file(machine.string(), layer++));
  const Origin origin{dir, 0, 0, layer++};
  std::filesystem::path path = std::filesystem::absolute(dir).lexically_normal();
  if (path.filename().empty()) path = path.parent_path();  // "DIR/"
  Node workload = Node::map(origin);
  workload.set("trace", Node::scalar(path.string(), origin), origin);
  Node layer_root = Node::map(origin);
  layer_root.set("workload", std::move(workload), origin);
  merge_file(root, layer_root);
}

}  // namespace

Node default_config_tree() {
  return parse_yaml(default_config_yaml(), kDefaultConfigName, 0);
}

Config build_config(const Node& root) {
  Node resolved = Node::map();
  MapReader top(&root, "", Origin{"<config>", 0, 0, 0}, &resolved,
                {"machine", "kernel", "workload", "run"});
  Config config;
  std::vector<model::ZoneSpec> zones;
  config.machine = read_machine(top, &zones);
  config.kernel = read_kernel(top, config.machine.arch, config.machine.ghz, std::move(zones));
  read_workload(top, config.machine, config.kernel, config);
  config.run = read_run(top, config.machine.ghz);
  top.done();
  config.resolved_yaml = emit_yaml(resolved,
                                   "allocsim resolved config: every key explicit, times in cycles, "
                                   "bandwidth in bytes per cycle");
  return config;
}

Config load_config(const std::vector<std::string>& files,
                   const std::vector<std::string>& set_overrides,
                   std::optional<std::uint64_t> seed_override) {
  Node root = default_config_tree();
  int layer = 1;
  for (const std::string& file : files) {
    if (std::filesystem::is_directory(file))
      merge_recording(root, file, layer);
    else
      merge_file(root, parse_yaml_file(file, layer++));
  }
  return finish(std::move(root), layer, set_overrides, seed_override);
}

Config load_config_text(std::string_view yaml, std::string_view name,
                        const std::vector<std::string>& set_overrides,
                        std::optional<std::uint64_t> seed_override) {
  Node root = default_config_tree();
  merge_file(root, parse_yaml(yaml, std::string(name), 1));
  return finish(std::move(root), 2, set_overrides, seed_override);
}

}  // namespace allocsim::io
