#pragma once
// machine.yaml of a recording: the recorded machine as an allocsim config,
// built from the "before" snapshot alone (so it can be rebuilt from the
// recording) through io/machine_import: nodes and zones from zoneinfo,
// distances and CPUs from node/, min_free_kbytes, caches from cpu_caches.tsv,
// the flavour closest to kernel_release.
#include <string>

namespace allocsim::io::recording {

// The config text; it loads (checked) or this throws.
std::string recorded_machine_yaml(const std::string& before_dir, const std::string& name);

// A machine.name from any text: letters, digits, '.', '_' and '-' kept, others '_'.
std::string machine_name(const std::string& text);

}  // namespace allocsim::io::recording
