#pragma once
// The SLUB caches of /sys/kernel/slab (Documentation/ABI/testing/sysfs-kernel-slab,
// mm/slub.c) as one table, slab_caches.tsv: a row per real cache (a directory;
// the symlinks are aliases, names of caches merged into it), its geometry,
// flags and usage.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace allocsim::io::recording {

// The columns of slab_caches.tsv, in order.
const std::vector<std::string>& slab_cache_columns();

// A count attribute (objects, slabs, partial, total_objects): the total and,
// with CONFIG_NUMA, the per-node part as printed ("2290 N0=2290" gives 2290
// and "N0=2290"). Throws std::runtime_error naming `name` when the total is
// not a number.
struct SysfsCount {
  std::uint64_t total = 0;
  std::string per_node;
};
SysfsCount parse_sysfs_count(std::string_view text, const std::string& name);

// The table for the caches under `slab_dir` (/sys/kernel/slab), sorted by
// name: the header alone when the directory does not exist (a SLAB or SLOB
// kernel). An attribute this kernel does not have is "-".
std::string slab_caches_tsv(const std::string& slab_dir);

}  // namespace allocsim::io::recording
