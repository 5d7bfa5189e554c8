#include "model/gfp.hpp"

#include <array>
#include <charconv>
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

// 2.6.32 include/linux/gfp.h.
namespace v26 {
constexpr std::uint32_t DMA = 0x01, HIGHMEM = 0x02, DMA32 = 0x04, MOVABLE = 0x08, WAIT = 0x10,
                        HIGH = 0x20, IO = 0x40, FS = 0x80, COLD = 0x100, NOWARN = 0x200,
                        REPEAT = 0x400, NOFAIL = 0x800, NORETRY = 0x1000, COMP = 0x4000,
                        ZERO = 0x8000, NOMEMALLOC = 0x10000, HARDWALL = 0x20000, THISNODE = 0x40000,
                        RECLAIMABLE = 0x80000, NOTRACK = 0x200000;
constexpr std::uint32_t KERNEL = WAIT | IO | FS, USER = KERNEL | HARDWALL;
const std::vector<Name> kParse{
    {"GFP_NOWAIT", 0},
    {"GFP_ATOMIC", HIGH},
    {"GFP_NOIO", WAIT},
    {"GFP_NOFS", WAIT | IO},
    {"GFP_KERNEL", KERNEL},
    {"GFP_TEMPORARY", KERNEL | RECLAIMABLE},
    {"GFP_USER", USER},
    {"GFP_HIGHUSER", USER | HIGHMEM},
    {"GFP_HIGHUSER_MOVABLE", USER | HIGHMEM | MOVABLE},
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
// include/trace/events/gfpflags.h (2.6.32): composites first, bits named GFP_*.
const std::vector<Name> kShow{
    {"GFP_HIGHUSER_MOVABLE", USER | HIGHMEM | MOVABLE},
    {"GFP_HIGHUSER", USER | HIGHMEM},
    {"GFP_USER", USER},
    {"GFP_TEMPORARY", KERNEL | RECLAIMABLE},
    {"GFP_KERNEL", KERNEL},
    {"GFP_NOFS", WAIT | IO},
    {"GFP_ATOMIC", HIGH},
    {"GFP_NOIO", WAIT},
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
}  // namespace v26

// 6.8 include/linux/gfp_types.h (no KASAN hardware tags: SKIP_ZERO/SKIP_KASAN are 0).
namespace v6 {
constexpr std::uint32_t DMA = 0x01, HIGHMEM = 0x02, DMA32 = 0x04, MOVABLE = 0x08,
                        RECLAIMABLE = 0x10, HIGH = 0x20, IO = 0x40, FS = 0x80, ZERO = 0x100,
                        DIRECT_RECLAIM = 0x400, KSWAPD_RECLAIM = 0x800, WRITE = 0x1000,
                        NOWARN = 0x2000, RETRY_MAYFAIL = 0x4000, NOFAIL = 0x8000, NORETRY = 0x10000,
                        MEMALLOC = 0x20000, COMP = 0x40000, NOMEMALLOC = 0x80000,
                        HARDWALL = 0x100000, THISNODE = 0x200000, ACCOUNT = 0x400000,
                        ZEROTAGS = 0x800000;
constexpr std::uint32_t RECLAIM = DIRECT_RECLAIM | KSWAPD_RECLAIM;
constexpr std::uint32_t KERNEL = RECLAIM | IO | FS, USER = KERNEL | HARDWALL;
constexpr std::uint32_t HIGHUSER_MOVABLE = USER | HIGHMEM | MOVABLE;
constexpr std::uint32_t TRANSHUGE_LIGHT =
    (HIGHUSER_MOVABLE | COMP | NOMEMALLOC | NOWARN) & ~RECLAIM;
constexpr std::uint32_t TRANSHUGE = TRANSHUGE_LIGHT | DIRECT_RECLAIM;
const std::vector<Name> kParse{
    {"GFP_ATOMIC", HIGH | KSWAPD_RECLAIM},
    {"GFP_KERNEL", KERNEL},
    {"GFP_KERNEL_ACCOUNT", KERNEL | ACCOUNT},
    {"GFP_NOWAIT", KSWAPD_RECLAIM | NOWARN},
    {"GFP_NOIO", RECLAIM},
    {"GFP_NOFS", RECLAIM | IO},
    {"GFP_USER", USER},
    {"GFP_DMA", DMA},
    {"GFP_DMA32", DMA32},
    {"GFP_HIGHUSER", USER | HIGHMEM},
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
};
// include/trace/events/mmflags.h __def_gfpflag_names (6.8).
const std::vector<Name> kShow{
    {"GFP_TRANSHUGE", TRANSHUGE},
    {"GFP_TRANSHUGE_LIGHT", TRANSHUGE_LIGHT},
    {"GFP_HIGHUSER_MOVABLE", HIGHUSER_MOVABLE},
    {"GFP_HIGHUSER", USER | HIGHMEM},
    {"GFP_USER", USER},
    {"GFP_KERNEL_ACCOUNT", KERNEL | ACCOUNT},
    {"GFP_KERNEL", KERNEL},
    {"GFP_NOFS", RECLAIM | IO},
    {"GFP_ATOMIC", HIGH | KSWAPD_RECLAIM},
    {"GFP_NOIO", RECLAIM},
    {"GFP_NOWAIT", KSWAPD_RECLAIM | NOWARN},
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
}  // namespace v6

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Gfp parse_gfp(Flavour f, std::string_view text) {
  const std::vector<Name>& names = f == Flavour::linux_2_6 ? v26::kParse : v6::kParse;
  const std::string_view flavour = to_string(f);
  Gfp g;
  if (trim(text).empty()) throw std::invalid_argument("empty GFP flags");
  while (!text.empty()) {
    const std::size_t bar = text.find('|');
    const std::string_view token = trim(text.substr(0, bar));
    text = bar == std::string_view::npos ? std::string_view{} : text.substr(bar + 1);
    if (token.empty()) throw std::invalid_argument("empty flag between '|'");
    if (token[0] >= '0' && token[0] <= '9') {
      const bool hex = token.size() > 2 && (token[1] == 'x' || token[1] == 'X');
      std::uint32_t v = 0;
      const char* b = token.data() + (hex ? 2 : 0);
      const auto [p, ec] = std::from_chars(b, token.data() + token.size(), v, hex ? 16 : 10);
      if (ec != std::errc{} || p != token.data() + token.size())
        throw std::invalid_argument("bad GFP number '" + std::string(token) + "'");
      g.bits |= v;
      continue;
    }
    bool found = false;
    for (const Name& n : names)
      if (n.name == token) {
        g.bits |= n.mask;
        found = true;
        break;
      }
    if (!found)
      throw std::invalid_argument("unknown GFP flag '" + std::string(token) + "' in " +
                                  std::string(flavour));
  }
  return g;
}

std::string format_gfp(Flavour f, Gfp gfp) {
  if (gfp.bits == 0) return f == Flavour::linux_2_6 ? "GFP_NOWAIT" : "none";
  const std::vector<Name>& names = f == Flavour::linux_2_6 ? v26::kShow : v6::kShow;
  std::string out;
  std::uint32_t rest = gfp.bits;
  // __print_flags: each mask fully present is printed and consumed, in table order.
  for (const Name& n : names) {
    if (n.mask == 0 || (rest & n.mask) != n.mask) continue;
    if (!out.empty()) out += '|';
    out += n.name;
    rest &= ~n.mask;
  }
  if (rest) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", rest);
    if (!out.empty()) out += '|';
    out += buf;
  }
  return out;
}

int gfp_zone(Flavour, sim::Arch arch, Gfp gfp) {
  // GFP_ZONE_TABLE: the zone bits (same values in both generations).
  const std::uint32_t bits = gfp.bits & 0x0f;
  ZoneType t;
  switch (bits) {
    case 0x0:
    case 0x8:
      t = ZoneType::normal;
      break;
    case 0x1:
    case 0x9:
      t = ZoneType::dma;
      break;
    case 0x2:
      t = ZoneType::highmem;
      break;
    case 0x4:
    case 0xc:
      t = ZoneType::dma32;
      break;
    case 0xa:
      t = ZoneType::movable;
      break;
    default:
      throw std::invalid_argument(
          "GFP zone bits 0x" + std::to_string(bits) +
          " combine more than one of DMA, DMA32 and HIGHMEM (a kernel BUG)");
  }
  // Zones the architecture lacks fall back to Normal (no HighMem on x86_64,
  // no DMA32 on i386).
  int idx = zone_index(arch, t);
  if (idx < 0) idx = zone_index(arch, ZoneType::normal);
  return idx;
}

unsigned gfp_migratetype(Flavour f, Gfp gfp) {
  if (f ==
      Flavour::linux_2_6)  // ((gfp & __GFP_MOVABLE) != 0) << 1 | ((gfp & __GFP_RECLAIMABLE) != 0)
    return (((gfp.bits & v26::MOVABLE) != 0) << 1) | ((gfp.bits & v26::RECLAIMABLE) != 0);
  return (gfp.bits & (v6::MOVABLE | v6::RECLAIMABLE)) >> 3;  // GFP_MOVABLE_SHIFT
}

GfpTraits gfp_traits(Flavour f, Gfp gfp) {
  const std::uint32_t b = gfp.bits;
  GfpTraits t;
  if (f == Flavour::linux_2_6) {
    t.direct_reclaim = b & v26::WAIT;
    t.kswapd_reclaim = true;  // 2.6.32 wakes kswapd on every slow path
    t.high = b & v26::HIGH, t.io = b & v26::IO, t.fs = b & v26::FS, t.cold = b & v26::COLD;
    t.zero = b & v26::ZERO, t.comp = b & v26::COMP, t.nowarn = b & v26::NOWARN;
    t.noretry = b & v26::NORETRY, t.nofail = b & v26::NOFAIL, t.nomemalloc = b & v26::NOMEMALLOC;
    t.thisnode = b & v26::THISNODE, t.hardwall = b & v26::HARDWALL;
  } else {
    t.direct_reclaim = b & v6::DIRECT_RECLAIM;
    t.kswapd_reclaim = b & v6::KSWAPD_RECLAIM;
    t.high = b & v6::HIGH, t.io = b & v6::IO, t.fs = b & v6::FS;
    t.zero = b & v6::ZERO, t.comp = b & v6::COMP, t.nowarn = b & v6::NOWARN;
    t.noretry = b & v6::NORETRY, t.nofail = b & v6::NOFAIL, t.memalloc = b & v6::MEMALLOC;
    t.nomemalloc = b & v6::NOMEMALLOC, t.thisnode = b & v6::THISNODE, t.hardwall = b & v6::HARDWALL;
  }
  return t;
}

}  // namespace allocsim::model
