#include "model/slab_tunables.hpp"

#include <cerrno>

#include "model/slab_layout.hpp"

namespace allocsim::model {
namespace {

constexpr std::size_t kMaxSlabinfoWrite = 128;         // MAX_SLABINFO_WRITE
constexpr std::uint64_t kPcpuMinUnitSize = 32 << 10;   // PCPU_MIN_UNIT_SIZE (6.x)
constexpr std::uint64_t kKmallocMaxSize = 4ull << 20;  // SLAB's KMALLOC_MAX_SIZE (both)
constexpr std::uint64_t kArrayHeader26 = 24;           // 2.6.32 struct array_cache, entry[]
constexpr std::uint64_t kArrayHeader6 = 16;            // 6.5 struct array_cache, entry[]
constexpr std::uint64_t kEntry = ArrayCacheLayout::entry_bytes;  // void * on x86_64

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// vsscanf's %d: skips white space, an optional sign, digits (simple_strtol,
// whose value wraps like the kernel's int assignment). False without a digit.
bool scan_int(std::string_view& s, std::int32_t& out) {
  std::size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  const std::size_t first = i;
  std::uint64_t v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9')
    v = v * 10 + static_cast<unsigned>(s[i++] - '0');
  if (i == first) return false;
  out = static_cast<std::int32_t>(static_cast<std::uint32_t>(neg ? 0 - v : v));
  s.remove_prefix(i);
  return true;
}

}  // namespace

SlabTuneError::SlabTuneError(int e, const std::string& what)
    : std::invalid_argument(std::string(errno_name(e)) + ": " + what), err(e) {}

std::string_view errno_name(int err) {
  switch (err) {
    case EINVAL:
      return "EINVAL";
    case ERANGE:
      return "ERANGE";
    case ENOENT:
      return "ENOENT";
    case EACCES:
      return "EACCES";
    case ENOMEM:
      return "ENOMEM";
    default:
      return "EIO";
  }
}

std::uint64_t kstrtoul(std::string_view text, std::uint64_t max) {
  // lib/kstrtox.c:_kstrtoull: one trailing newline, an optional '+', base 10.
  std::string_view s = text;
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) throw SlabTuneError(EINVAL, "'" + std::string(text) + "' is not a number");
  std::uint64_t v = 0;
  bool overflow = false;
  for (char c : s) {
    if (c < '0' || c > '9')
      throw SlabTuneError(EINVAL, "'" + std::string(text) + "' is not a decimal number");
    const unsigned d = static_cast<unsigned>(c - '0');
    if (v > (max - d) / 10) overflow = true;
    if (!overflow) v = v * 10 + d;
  }
  if (overflow) throw SlabTuneError(ERANGE, std::string(text) + " is out of range");
  return v;
}

SlabinfoWrite parse_slabinfo_write(std::string_view text) {
  // mm/slab.c:slabinfo_write
  if (text.size() > kMaxSlabinfoWrite)
    throw SlabTuneError(EINVAL, "a slabinfo write is at most 128 bytes (MAX_SLABINFO_WRITE)");
  const std::size_t space = text.find(' ');
  if (space == std::string_view::npos)
    throw SlabTuneError(EINVAL, "expected 'name limit batchcount shared'");
  SlabinfoWrite w;
  w.name = std::string(text.substr(0, space));
  std::string_view rest = text.substr(space + 1);
  if (!scan_int(rest, w.limit) || !scan_int(rest, w.batchcount) || !scan_int(rest, w.shared))
    throw SlabTuneError(EINVAL, "expected three integers after the name: limit batchcount shared");
  return w;
}

std::string slabinfo_write_ignored(const SlabinfoWrite& w) {
  if (w.limit < 1) return "limit < 1";
  if (w.batchcount < 1) return "batchcount < 1";
  if (w.batchcount > w.limit) return "batchcount > limit";
  if (w.shared < 0) return "shared < 0";
  return {};
}

std::uint32_t max_cpucache_limit(Flavour f) {
  // 6.x alloc_kmem_cache_cpus: __alloc_percpu fails above one unit; 2.6.32 alloc_arraycache:
  // kmalloc.
  return f == Flavour::linux_2_6
             ? static_cast<std::uint32_t>((kKmallocMaxSize - kArrayHeader26) / kEntry)
             : static_cast<std::uint32_t>((kPcpuMinUnitSize - kArrayHeader6) / kEntry);
}

std::uint64_t max_shared_entries() {
  return (kKmallocMaxSize - kArrayHeader6) / kEntry;  // alloc_arraycache's kmalloc
}

std::string resolve_cpucache(const CacheTunables& t, Flavour f, CpucacheTunables& a) {
  if (t.limit) {
    a.limit = *t.limit;
    a.batchcount = t.batchcount ? *t.batchcount : (a.limit + 1) / 2;  // enable_cpucache's rule
  } else if (t.batchcount) {
    a.batchcount = *t.batchcount;
  }
  if (t.shared) a.shared = *t.shared;
  if (a.limit == 0) {
    if (t.batchcount && *t.batchcount)
      return "batchcount must be 0 with limit 0 (no per-CPU array)";
    if (t.shared && *t.shared) return "shared must be 0 with limit 0 (no per-CPU array)";
    a.batchcount = a.shared = 0;
    return {};
  }
  if (a.batchcount < 1) return "batchcount must be at least 1 (slabinfo_write)";
  if (a.batchcount > a.limit) return "batchcount must not exceed limit (slabinfo_write)";
  if (a.limit > max_cpucache_limit(f))
    return "limit above " + std::to_string(max_cpucache_limit(f)) +
           ": the per-CPU array could not be allocated (ENOMEM)";
  if (std::uint64_t{a.shared} * a.batchcount > max_shared_entries())
    return "shared x batchcount above " + std::to_string(max_shared_entries()) +
           ": the shared array could not be allocated (ENOMEM)";
  return {};
}

}  // namespace allocsim::model
