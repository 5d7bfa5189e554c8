#include "model/gfp.hpp"

#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "model/migratetype.hpp"
#include "model/zone_type.hpp"

namespace allocsim::model {

namespace {

struct Name {
  std::string_view name;
  std::uint32_t mask;
};

// 2.6.32 include/linux/gfp.h. __GFP_NOTRACK as that file defines it
// (0x200000, CONFIG_KMEMCHECK).
namespace v26 {
constexpr std::uint32_t DMA = 0x01, HIGHMEM = 0x02, DMA32 = 0x04, MOVABLE = 0x08, WAIT = 0x10,
                        HIGH = 0x20, IO = 0x40, FS = 0x80, COLD = 0x100, NOWARN = 0x200,
                        REPEAT = 0x400, NOFAIL = 0x800, NORETRY = 0x1000, COMP = 0x4000,
                        ZERO = 0x8000, NOMEMALLOC = 0x10000, HARDWALL = 0x20000, THISNODE = 0x40000,
                        RECLAIMABLE = 0x80000, NOTRACK = 0x200000;
constexpr std::uint32_t ATOMIC = HIGH, NOIO = WAIT, NOFS = WAIT | IO, KERNEL = WAIT | IO | FS;
constexpr std::uint32_t TEMPORARY = KERNEL | RECLAIMABLE, USER = KERNEL | HARDWALL;
constexpr std::uint32_t HIGHUSER = USER | HIGHMEM, HIGHUSER_MOVABLE = HIGHUSER | MOVABLE;
constexpr std::uint32_t THISNODE_COMPOSITE = THISNODE | NOWARN | NORETRY;  // GFP_THISNODE (NUMA)

// include/trace/events/gfpflags.h show_gfp_flags (2.6.32): composites first,
// then single bits spelled without the leading "__"; 0 prints "GFP_NOWAIT".
const std::vector<Name> kShow{
    {"GFP_HIGHUSER_MOVABLE", HIGHUSER_MOVABLE},
    {"GFP_HIGHUSER", HIGHUSER},
    {"GFP_USER", USER},
    {"GFP_TEMPORARY", TEMPORARY},
    {"GFP_KERNEL", KERNEL},
    {"GFP_NOFS", NOFS},
    {"GFP_ATOMIC", ATOMIC},
    {"GFP_NOIO", NOIO},
    {"GFP_HIGH", HIGH},
    {"GFP_WAIT", WAIT},
    {"GFP_IO", IO},
    {"GFP_COLD", COLD},
    {"GFP_NOWARN", NOWARN},
    {"GFP_REPEAT", REPEAT},
    {"GFP_NOFAIL", NOFAIL},
    {"GFP_NORETRY", NORETRY},
    {"GFP_COMP", COMP},
    {"GFP_ZERO", ZERO},
    {"GFP_NOMEMALLOC", NOMEMALLOC},
    {"GFP_HARDWALL", HARDWALL},
    {"GFP_THISNODE", THISNODE},
    {"GFP_RECLAIMABLE", RECLAIMABLE},
    {"GFP_MOVABLE", MOVABLE},
};

// Names accepted by parse_gfp: the kernel macros, then the trace spellings
// (first match wins, so "GFP_THISNODE" is the gfp.h composite, not the trace's
// single __GFP_THISNODE bit).
const std::vector<Name> kParse = [] {
  std::vector<Name> v{
      {"GFP_NOWAIT", 0},  // GFP_ATOMIC & ~__GFP_HIGH
      {"GFP_ATOMIC", ATOMIC},
      {"GFP_NOIO", NOIO},
      {"GFP_NOFS", NOFS},
      {"GFP_KERNEL", KERNEL},
      {"GFP_TEMPORARY", TEMPORARY},
      {"GFP_USER", USER},
      {"GFP_HIGHUSER", HIGHUSER},
      {"GFP_HIGHUSER_MOVABLE", HIGHUSER_MOVABLE},
      {"GFP_THISNODE", THISNODE_COMPOSITE},
      {"GFP_DMA", DMA},
      {"GFP_DMA32", DMA32},
      {"__GFP_DMA", DMA},
      {"__GFP_HIGHMEM", HIGHMEM},
      {"__GFP_DMA32", DMA32},
      {"__GFP_MOVABLE", MOVABLE},
      {"__GFP_WAIT", WAIT},
      {"__GFP_HIGH", HIGH},
      {"__GFP_IO", IO},
      {"__GFP_FS", FS},
      {"__GFP_COLD", COLD},
      {"__GFP_NOWARN", NOWARN},
      {"__GFP_REPEAT", REPEAT},
      {"__GFP_NOFAIL", NOFAIL},
      {"__GFP_NORETRY", NORETRY},
      {"__GFP_COMP", COMP},
      {"__GFP_ZERO", ZERO},
      {"__GFP_NOMEMALLOC", NOMEMALLOC},
      {"__GFP_HARDWALL", HARDWALL},
      {"__GFP_THISNODE", THISNODE},
      {"__GFP_RECLAIMABLE", RECLAIMABLE},
      {"__GFP_NOTRACK", NOTRACK},
  };
  v.insert(v.end(), kShow.begin(), kShow.end());
  return v;
}();
}  // namespace v26

// 6.8 include/linux/gfp_types.h on x86: no
// CONFIG_KASAN_HW_TAGS (__GFP_SKIP_ZERO, __GFP_SKIP_KASAN are 0) and no
// CONFIG_LOCKDEP (__GFP_NOLOCKDEP is 0). ZEROTAGS is the one bit above
// ACCOUNT that the trace table names (§8.5).
namespace v6 {
constexpr std::uint32_t DMA = 0x01, HIGHMEM = 0x02, DMA32 = 0x04, MOVABLE = 0x08,
                        RECLAIMABLE = 0x10, HIGH = 0x20, IO = 0x40, FS = 0x80, ZERO = 0x100,
                        DIRECT_RECLAIM = 0x400, KSWAPD_RECLAIM = 0x800, WRITE = 0x1000,
                        NOWARN = 0x2000, RETRY_MAYFAIL = 0x4000, NOFAIL = 0x8000, NORETRY = 0x10000,
                        MEMALLOC = 0x20000, COMP = 0x40000, NOMEMALLOC = 0x80000,
                        HARDWALL = 0x100000, THISNODE = 0x200000, ACCOUNT = 0x400000,
                        ZEROTAGS = 0x800000;
constexpr std::uint32_t RECLAIM = DIRECT_RECLAIM | KSWAPD_RECLAIM;
constexpr std::uint32_t ATOMIC = HIGH | KSWAPD_RECLAIM, NOWAIT = KSWAPD_RECLAIM | NOWARN;
constexpr std::uint32_t NOIO = RECLAIM, NOFS = RECLAIM | IO, KERNEL = RECLAIM | IO | FS;
constexpr std::uint32_t KERNEL_ACCOUNT = KERNEL | ACCOUNT, USER = KERNEL | HARDWALL;
constexpr std::uint32_t HIGHUSER = USER | HIGHMEM, HIGHUSER_MOVABLE = HIGHUSER | MOVABLE;
constexpr std::uint32_t TRANSHUGE_LIGHT =
    (HIGHUSER_MOVABLE | COMP | NOMEMALLOC | NOWARN) & ~RECLAIM;
constexpr std::uint32_t TRANSHUGE = TRANSHUGE_LIGHT | DIRECT_RECLAIM;

// include/trace/events/mmflags.h __def_gfpflag_names (6.8); 0 prints "none".
const std::vector<Name> kShow{
    {"GFP_TRANSHUGE", TRANSHUGE},
    {"GFP_TRANSHUGE_LIGHT", TRANSHUGE_LIGHT},
    {"GFP_HIGHUSER_MOVABLE", HIGHUSER_MOVABLE},
    {"GFP_HIGHUSER", HIGHUSER},
    {"GFP_USER", USER},
    {"GFP_KERNEL_ACCOUNT", KERNEL_ACCOUNT},
    {"GFP_KERNEL", KERNEL},
    {"GFP_NOFS", NOFS},
    {"GFP_ATOMIC", ATOMIC},
    {"GFP_NOIO", NOIO},
    {"GFP_NOWAIT", NOWAIT},
    {"GFP_DMA", DMA},
    {"__GFP_HIGHMEM", HIGHMEM},
    {"GFP_DMA32", DMA32},
    {"__GFP_HIGH", HIGH},
    {"__GFP_IO", IO},
    {"__GFP_FS", FS},
    {"__GFP_NOWARN", NOWARN},
    {"__GFP_RETRY_MAYFAIL", RETRY_MAYFAIL},
    {"__GFP_NOFAIL", NOFAIL},
    {"__GFP_NORETRY", NORETRY},
    {"__GFP_COMP", COMP},
    {"__GFP_ZERO", ZERO},
    {"__GFP_NOMEMALLOC", NOMEMALLOC},
    {"__GFP_MEMALLOC", MEMALLOC},
    {"__GFP_HARDWALL", HARDWALL},
    {"__GFP_THISNODE", THISNODE},
    {"__GFP_RECLAIMABLE", RECLAIMABLE},
    {"__GFP_MOVABLE", MOVABLE},
    {"__GFP_ACCOUNT", ACCOUNT},
    {"__GFP_WRITE", WRITE},
    {"__GFP_RECLAIM", RECLAIM},
    {"__GFP_DIRECT_RECLAIM", DIRECT_RECLAIM},
    {"__GFP_KSWAPD_RECLAIM", KSWAPD_RECLAIM},
    {"__GFP_ZEROTAGS", ZEROTAGS},
};

const std::vector<Name> kParse{
    {"none", 0},  // the trace's spelling of 0
    {"GFP_ATOMIC", ATOMIC},
    {"GFP_KERNEL", KERNEL},
    {"GFP_KERNEL_ACCOUNT", KERNEL_ACCOUNT},
    {"GFP_NOWAIT", NOWAIT},
    {"GFP_NOIO", NOIO},
    {"GFP_NOFS", NOFS},
    {"GFP_USER", USER},
    {"GFP_DMA", DMA},
    {"GFP_DMA32", DMA32},
    {"GFP_HIGHUSER", HIGHUSER},
    {"GFP_HIGHUSER_MOVABLE", HIGHUSER_MOVABLE},
    {"GFP_TRANSHUGE_LIGHT", TRANSHUGE_LIGHT},
    {"GFP_TRANSHUGE", TRANSHUGE},
    {"__GFP_DMA", DMA},
    {"__GFP_HIGHMEM", HIGHMEM},
    {"__GFP_DMA32", DMA32},
    {"__GFP_MOVABLE", MOVABLE},
    {"__GFP_RECLAIMABLE", RECLAIMABLE},
    {"__GFP_HIGH", HIGH},
    {"__GFP_IO", IO},
    {"__GFP_FS", FS},
    {"__GFP_ZERO", ZERO},
    {"__GFP_DIRECT_RECLAIM", DIRECT_RECLAIM},
    {"__GFP_KSWAPD_RECLAIM", KSWAPD_RECLAIM},
    {"__GFP_RECLAIM", RECLAIM},
    {"__GFP_WRITE", WRITE},
    {"__GFP_NOWARN", NOWARN},
    {"__GFP_RETRY_MAYFAIL", RETRY_MAYFAIL},
    {"__GFP_NOFAIL", NOFAIL},
    {"__GFP_NORETRY", NORETRY},
    {"__GFP_MEMALLOC", MEMALLOC},
    {"__GFP_COMP", COMP},
    {"__GFP_NOMEMALLOC", NOMEMALLOC},
    {"__GFP_HARDWALL", HARDWALL},
    {"__GFP_THISNODE", THISNODE},
    {"__GFP_ACCOUNT", ACCOUNT},
    {"__GFP_ZEROTAGS", ZEROTAGS},
    {"__GFP_SKIP_ZERO", 0},
    {"__GFP_SKIP_KASAN", 0},
    {"__GFP_NOLOCKDEP", 0},
};
}  // namespace v6

const std::vector<Name>& parse_names(Flavour f) {
  return f == Flavour::linux_2_6 ? v26::kParse : v6::kParse;
}

const Name* find_name(const std::vector<Name>& names, std::string_view token) {
  for (const Name& n : names)
    if (n.name == token) return &n;
  return nullptr;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string hex(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

// A number token: "0x..." (hex) or decimal, at most 32 bits.
std::uint32_t parse_number(std::string_view token) {
  const bool is_hex = token.size() > 1 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X');
  const char* first = token.data() + (is_hex ? 2 : 0);
  const char* last = token.data() + token.size();
  std::uint32_t v = 0;
  const auto [p, ec] = std::from_chars(first, last, v, is_hex ? 16 : 10);
  if (first == last || ec != std::errc{} || p != last)
    throw std::invalid_argument("bad GFP number '" + std::string(token) +
                                "' (expected 0x-hex or decimal, at most 32 bits)");
  return v;
}

}  // namespace

Gfp parse_gfp(Flavour f, std::string_view text) {
  const Flavour other = f == Flavour::linux_2_6 ? Flavour::linux_6 : Flavour::linux_2_6;
  if (trim(text).empty()) throw std::invalid_argument("empty GFP flags");
  Gfp g;
  for (;;) {
    const std::size_t bar = text.find('|');
    const std::string_view token = trim(text.substr(0, bar));
    if (token.empty()) throw std::invalid_argument("empty GFP flag between '|'");
    if (token[0] >= '0' && token[0] <= '9') {
      g.bits |= parse_number(token);
    } else if (const Name* n = find_name(parse_names(f), token)) {
      g.bits |= n->mask;
    } else if (find_name(parse_names(other), token)) {
      throw std::invalid_argument("GFP flag '" + std::string(token) + "' does not exist in " +
                                  std::string(to_string(f)) + " (it is a " +
                                  std::string(to_string(other)) + " flag)");
    } else {
      throw std::invalid_argument("unknown GFP flag '" + std::string(token) + "' in " +
                                  std::string(to_string(f)));
    }
    if (bar == std::string_view::npos) break;
    text.remove_prefix(bar + 1);
  }
  return g;
}

std::string format_gfp(Flavour f, Gfp gfp) {
  // show_gfp_flags: "(flags) ? __print_flags(flags, "|", ...) : <zero name>".
  if (gfp.bits == 0) return f == Flavour::linux_2_6 ? "GFP_NOWAIT" : "none";
  const std::vector<Name>& names = f == Flavour::linux_2_6 ? v26::kShow : v6::kShow;
  std::string out;
  std::uint32_t rest = gfp.bits;
  // trace_print_flags_seq: in table order, while bits remain, print each mask
  // that is fully present and consume it; leftover bits follow as "0x%lx".
  for (const Name& n : names) {
    if (rest == 0) break;
    if ((rest & n.mask) != n.mask) continue;
    if (!out.empty()) out += '|';
    out += n.name;
    rest &= ~n.mask;
  }
  if (rest) {
    if (!out.empty()) out += '|';
    out += hex(rest);
  }
  return out;
}

int gfp_zone(Flavour, sim::Arch arch, Gfp gfp) {
  // include/linux/gfp.h:gfp_zone via GFP_ZONE_TABLE / GFP_ZONE_BAD (2.6.32
  // and 6.8 alike): the four zone bits DMA 0x1, HIGHMEM 0x2, DMA32 0x4, MOVABLE 0x8.
  const std::uint32_t bits = gfp.bits & 0x0f;  // GFP_ZONEMASK
  ZoneType t;
  switch (bits) {
    case 0x0:  // none
    case 0x8:  // MOVABLE alone
      t = ZoneType::normal;
      break;
    case 0x1:  // DMA
    case 0x9:  // MOVABLE|DMA
      t = ZoneType::dma;
      break;
    case 0x2:  // HIGHMEM (OPT_ZONE_HIGHMEM)
      t = ZoneType::highmem;
      break;
    case 0x4:  // DMA32 (OPT_ZONE_DMA32)
    case 0xc:  // MOVABLE|DMA32
      t = ZoneType::dma32;
      break;
    case 0xa:  // MOVABLE|HIGHMEM
      t = ZoneType::movable;
      break;
    default:
      throw std::invalid_argument("GFP zone bits " + hex(bits) +
                                  " combine two of __GFP_DMA, __GFP_DMA32 and __GFP_HIGHMEM "
                                  "(GFP_ZONE_BAD: a kernel BUG)");
  }
  // OPT_ZONE_*: a zone the architecture lacks means ZONE_NORMAL (no HighMem
  // on x86_64, no DMA32 on i386).
  int idx = zone_index(arch, t);
  if (idx < 0) idx = zone_index(arch, ZoneType::normal);
  return idx;
}

unsigned gfp_migratetype(Flavour f, Gfp gfp, bool group_by_mobility_disabled) {
  const bool movable = gfp.bits & (f == Flavour::linux_2_6 ? v26::MOVABLE : v6::MOVABLE);
  const bool reclaimable =
      gfp.bits & (f == Flavour::linux_2_6 ? v26::RECLAIMABLE : v6::RECLAIMABLE);
  // Both: WARN_ON((gfp & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK) in both kernels.
  if (movable && reclaimable)
    throw std::invalid_argument("GFP flags " + hex(gfp.bits) +
                                " set both __GFP_MOVABLE and __GFP_RECLAIMABLE (a kernel WARN)");
  // Both kernels, after the WARN: "if (unlikely(page_group_by_mobility_disabled))
  // return MIGRATE_UNMOVABLE;".
  if (group_by_mobility_disabled) return migrate_types(f).unmovable;
  if (f == Flavour::linux_2_6)  // mm/page_alloc.c:allocflags_to_migratetype (2.6.32)
    return (static_cast<unsigned>(movable) << 1) | static_cast<unsigned>(reclaimable);
  // include/linux/gfp.h:gfp_migratetype (6.8): (gfp & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT.
  return (gfp.bits & (v6::MOVABLE | v6::RECLAIMABLE)) >> 3;
}

GfpTraits gfp_traits(Flavour f, Gfp gfp) {
  const std::uint32_t b = gfp.bits;
  GfpTraits t;
  if (f == Flavour::linux_2_6) {
    t.direct_reclaim = b & v26::WAIT;
    // __alloc_pages_slowpath (2.6.32): with CONFIG_NUMA a request carrying
    // all of GFP_THISNODE gives up before wake_all_kswapd; all others wake it.
    t.kswapd_reclaim = (b & v26::THISNODE_COMPOSITE) != v26::THISNODE_COMPOSITE;
    t.high = b & v26::HIGH, t.io = b & v26::IO, t.fs = b & v26::FS, t.cold = b & v26::COLD;
    t.zero = b & v26::ZERO, t.comp = b & v26::COMP, t.nowarn = b & v26::NOWARN;
    t.noretry = b & v26::NORETRY, t.nofail = b & v26::NOFAIL, t.nomemalloc = b & v26::NOMEMALLOC;
    t.thisnode = b & v26::THISNODE, t.hardwall = b & v26::HARDWALL;
    // No __GFP_MEMALLOC in 2.6.32 (PF_MEMALLOC only): memalloc stays false.
  } else {
    t.direct_reclaim = b & v6::DIRECT_RECLAIM;
    t.kswapd_reclaim = b & v6::KSWAPD_RECLAIM;
    t.high = b & v6::HIGH, t.io = b & v6::IO, t.fs = b & v6::FS;
    t.zero = b & v6::ZERO, t.comp = b & v6::COMP, t.nowarn = b & v6::NOWARN;
    t.noretry = b & v6::NORETRY, t.nofail = b & v6::NOFAIL, t.memalloc = b & v6::MEMALLOC;
    t.nomemalloc = b & v6::NOMEMALLOC, t.thisnode = b & v6::THISNODE, t.hardwall = b & v6::HARDWALL;
    // No __GFP_COLD since 4.15: cold stays false.
  }
  return t;
}

}  // namespace allocsim::model
