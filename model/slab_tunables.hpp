#pragma once
// The object allocators' run-time tunables, written the way the kernel's own
// interfaces take them: SLUB's /sys/kernel/slab/<cache>/ attributes
// (cpu_partial, min_partial, shrink) and SLAB's /proc/slabinfo write
// ("name limit batchcount shared"). Also the per-cache study knobs a config
// or a workload gives a cache (docs/config.md, "Object-allocator tunables").
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "model/flavour.hpp"

namespace allocsim::model {

// A write the kernel refuses: `err` is its errno (EINVAL, ERANGE, ENOENT,
// EACCES, ENOMEM), named at the start of the message.
struct SlabTuneError : std::invalid_argument {
  SlabTuneError(int err, const std::string& what);
  int err;
};

// The name of an errno value the tunables return ("EINVAL").
std::string_view errno_name(int err);

// kstrtoul(buf, 10, &v) (2.6.32: strict_strtoul): decimal digits with an
// optional leading '+' and one trailing newline; EINVAL for anything else,
// ERANGE above `max` (ULONG_MAX or UINT_MAX of the architecture).
std::uint64_t kstrtoul(std::string_view text, std::uint64_t max);

// SLAB's per-CPU array sizes: cachep->limit, batchcount, shared.
struct CpucacheTunables {
  std::uint32_t limit = 0, batchcount = 0, shared = 0;
};

// A parsed /proc/slabinfo write (mm/slab.c:slabinfo_write).
struct SlabinfoWrite {
  std::string name;
  std::int32_t limit = 0, batchcount = 0, shared = 0;
};
// The parsing half of slabinfo_write: EINVAL for more than
// MAX_SLABINFO_WRITE (128) bytes, no space after the name, or fewer than
// three integers (sscanf " %d %d %d").
SlabinfoWrite parse_slabinfo_write(std::string_view text);
// slabinfo_write's range check: the reason the kernel ignores the values
// (it returns success and changes nothing), or "" when it applies them.
std::string slabinfo_write_ignored(const SlabinfoWrite& w);

// do_tune_cpucache's allocation limits: ENOMEM when the per-CPU array
// (6.x: one percpu unit, PCPU_MIN_UNIT_SIZE = 32 KiB; 2.6.32: a kmalloc,
// at most 4 MiB) or the shared array (a kmalloc) would be larger.
std::uint32_t max_cpucache_limit(Flavour f);
std::uint64_t max_shared_entries();

// SLAB colouring of one cache (a study knob): the kernel's (`on`), none, or
// `forced`: when the leftover gives fewer than two colours, the slab gives up
// objects until it has two (docs/workloads.md; Bonwick 1994, section 4.1).
enum class SlabColouring : std::uint8_t { on, off, forced };

// The tunables one cache may be given (unset: the kernel's own rule).
struct CacheTunables {
  // SLAB: the per-CPU arrays. limit 0: none at all (every allocation and free
  // goes to the node lists under the list_lock).
  std::optional<std::uint32_t> limit, batchcount, shared;
  // SLUB: the sysfs attributes.
  std::optional<std::uint32_t> cpu_partial;
  std::optional<std::uint64_t> min_partial;
  bool any() const { return limit || batchcount || shared || cpu_partial || min_partial; }
};

// SLAB's array sizes for a cache whose kernel default is `dflt`, with `t`'s
// limit/batchcount/shared applied: a limit without a batchcount gets
// (limit + 1) / 2 as enable_cpucache does; limit 0 takes batchcount and
// shared 0. An empty string or the reason the combination is invalid.
std::string resolve_cpucache(const CacheTunables& t, Flavour f, CpucacheTunables& dflt);

}  // namespace allocsim::model
