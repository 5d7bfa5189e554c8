#pragma once
// `allocsim machine import`: reads a machine's /proc/zoneinfo (either era's
// format), /sys/devices/system/node/node*/{distance,cpulist},
// /proc/sys/vm/min_free_kbytes and the CPU count, and writes a config that
// reproduces its nodes and zones page for page.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace allocsim::io {

struct ImportedZone {
  unsigned node = 0;
  std::string zone;  // DMA, DMA32, Normal, HighMem, Movable
  std::uint64_t start_pfn = 0, spanned = 0, present = 0;
  std::optional<std::uint64_t> managed;  // 2.6 kernels do not print it
};

// CPU caches as sysfs reports them (`allocsim record` reads them); each
// level left out keeps the embedded default's.
struct ImportedCache {
  std::uint64_t size = 0;  // bytes
  unsigned ways = 0;
};
struct ImportedCaches {
  unsigned line = 0;  // 0: the default's
  std::optional<ImportedCache> l1d, l2, llc;
  unsigned llc_shared_by = 0;  // CPUs per LLC; 0: one per node
};

struct ImportedMachine {
  std::vector<ImportedZone> zones;              // populated zones only
  std::vector<std::vector<unsigned>> distance;  // empty: not read
  std::vector<int> cpu_node;                    // empty: not read
  unsigned cpus = 0;
  std::optional<std::uint64_t> min_free_kbytes;
  bool has_managed = false;                   // the zoneinfo printed `managed` (a 3.x+ kernel)
  std::optional<ImportedCaches> caches;       // nothing: the default's
  std::optional<std::string> kernel_release;  // `uname -r`, when known
};

// The flavour closest to a kernel: from its release ("6.18.4-...") when
// known, else from whether its zoneinfo printed `managed` (3.x and later).
// The one place that maps recorded kernels to flavours.
std::string closest_flavour(const std::optional<std::string>& kernel_release, bool has_managed);

// Parsers; each throws ConfigError naming the file and line of bad input.
std::vector<ImportedZone> parse_zoneinfo(const std::string& text, const std::string& name);
std::vector<unsigned> parse_distance_line(const std::string& text, const std::string& name);
std::vector<unsigned> parse_cpulist(const std::string& text,
                                    const std::string& name);  // "0-3,8,10-11"
unsigned count_cpuinfo_processors(const std::string& text);

struct ImportSources {
  std::string zoneinfo = "/proc/zoneinfo";
  std::string distance_dir = "/sys/devices/system/node";  // node<N>/distance and node<N>/cpulist
  std::string min_free_kbytes = "/proc/sys/vm/min_free_kbytes";
  std::string cpuinfo = "/proc/cpuinfo";
};
ImportedMachine import_machine(const ImportSources& sources);

// The config text: machine (nodes, memory ranges, zones, distances, CPUs,
// caches when known) and kernel (closest_flavour, min_free_kbytes).
// Latencies keep the embedded default's values: /proc and /sys do not tell them.
// `by` names the writer in the first comment line.
std::string machine_yaml(const ImportedMachine& m, const std::string& name,
                         const std::string& origin,
                         const std::string& by = "allocsim machine import");

}  // namespace allocsim::io
