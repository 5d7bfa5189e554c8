#pragma once
// The CPU cache topology of /sys/devices/system/cpu/cpu<N>/cache/index<M>/
// (Documentation/ABI/testing/sysfs-devices-system-cpu, drivers/base/cacheinfo.c)
// as the table cpu_caches.tsv, and what a machine config takes from it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/machine_import/machine_import.hpp"

namespace allocsim::io::recording {

struct CpuCache {
  unsigned cpu = 0, index = 0, level = 0;
  std::string type;             // Data, Instruction, Unified
  std::uint64_t size = 0;       // bytes; sysfs prints "32K"
  unsigned ways = 0;            // ways_of_associativity (0: fully associative)
  unsigned line = 0;            // coherency_line_size
  std::string shared_cpu_list;  // "0-3,8-11"
};

// The columns of cpu_caches.tsv, in order.
const std::vector<std::string>& cpu_cache_columns();

// "32K" -> 32768 (K, M, G binary, as cacheinfo prints); throws std::runtime_error.
std::uint64_t parse_cache_size(std::string_view text, const std::string& name);

// Every cpu<N>/cache/index<M> under `cpu_dir`; empty when the kernel does not
// export cache information (as in some virtual machines).
std::vector<CpuCache> read_cpu_caches(const std::string& cpu_dir);
std::string cpu_caches_tsv(const std::vector<CpuCache>& caches);
// The rows of a cpu_caches.tsv; throws std::runtime_error naming `name` and
// the line of a malformed row.
std::vector<CpuCache> parse_cpu_caches_tsv(std::string_view text, const std::string& name);

// machine.caches for a config, from CPU 0's caches (level 1 Data, level 2,
// level 3); each cache whose size is not a whole number of sets (size a
// multiple of line x ways) is left out, and so the embedded default's. The
// LLC's shared_by is "node" when it spans the whole of CPU 0's node, else
// its CPU count. Nothing when CPU 0 has no cache information.
std::optional<ImportedCaches> machine_caches(const std::vector<CpuCache>& caches,
                                             const std::vector<int>& cpu_node);

}  // namespace allocsim::io::recording
