// GFP flags of both flavours (include/linux/gfp.h, show_gfp_flags, gfp_to_alloc_flags): parsing,
// the trace rendering, gfp_zone, the migratetype, the behaviour bits and the
// slow path's ALLOC_* flags. Every value is worked out from the bit values.
#include <gtest/gtest.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#include "model/alloc_flags.hpp"
#include "model/gfp.hpp"
#include "model/migratetype.hpp"

namespace allocsim::model {
namespace {

constexpr auto k26 = Flavour::linux_2_6;
constexpr auto k6 = Flavour::linux_6;
using sim::Arch;

std::uint32_t bits(Flavour f, const char* s) {
  return parse_gfp(f, s).bits;
}

// The message of the std::invalid_argument that parse_gfp throws.
std::string parse_error(Flavour f, const char* s) {
  try {
    parse_gfp(f, s);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(GfpParse, Composites26) {
  // 2.6.32: WAIT 0x10, HIGH 0x20, IO 0x40, FS 0x80, HARDWALL 0x20000, RECLAIMABLE 0x80000.
  EXPECT_EQ(bits(k26, "GFP_ATOMIC"), 0x20u);  // __GFP_HIGH
  EXPECT_EQ(bits(k26, "GFP_NOWAIT"), 0x0u);   // GFP_ATOMIC & ~__GFP_HIGH
  EXPECT_EQ(bits(k26, "GFP_NOIO"), 0x10u);    // WAIT
  EXPECT_EQ(bits(k26, "GFP_NOFS"), 0x50u);    // WAIT|IO
  EXPECT_EQ(bits(k26, "GFP_KERNEL"), 0xd0u);  // WAIT|IO|FS
  EXPECT_EQ(bits(k26, "GFP_TEMPORARY"), 0x800d0u);
  EXPECT_EQ(bits(k26, "GFP_USER"), 0x200d0u);
  EXPECT_EQ(bits(k26, "GFP_HIGHUSER"), 0x200d2u);          // + HIGHMEM 0x02
  EXPECT_EQ(bits(k26, "GFP_HIGHUSER_MOVABLE"), 0x200dau);  // + MOVABLE 0x08
  EXPECT_EQ(bits(k26, "GFP_DMA"), 0x1u);
  EXPECT_EQ(bits(k26, "GFP_DMA32"), 0x4u);
  EXPECT_EQ(bits(k26, "GFP_THISNODE"), 0x41200u);  // THISNODE 0x40000|NOWARN 0x200|NORETRY 0x1000
}

TEST(GfpParse, Composites6) {
  // 6.8: IO 0x40, FS 0x80, DIRECT_RECLAIM 0x400, KSWAPD_RECLAIM 0x800, HARDWALL 0x100000.
  EXPECT_EQ(bits(k6, "GFP_ATOMIC"), 0x820u);   // HIGH|KSWAPD_RECLAIM (the trace's "0x820")
  EXPECT_EQ(bits(k6, "GFP_NOWAIT"), 0x2800u);  // KSWAPD_RECLAIM|NOWARN
  EXPECT_EQ(bits(k6, "GFP_NOIO"), 0xc00u);     // __GFP_RECLAIM
  EXPECT_EQ(bits(k6, "GFP_NOFS"), 0xc40u);
  EXPECT_EQ(bits(k6, "GFP_KERNEL"), 0xcc0u);
  EXPECT_EQ(bits(k6, "GFP_KERNEL_ACCOUNT"), 0x400cc0u);
  EXPECT_EQ(bits(k6, "GFP_USER"), 0x100cc0u);
  EXPECT_EQ(bits(k6, "GFP_HIGHUSER"), 0x100cc2u);
  EXPECT_EQ(bits(k6, "GFP_HIGHUSER_MOVABLE"), 0x100ccau);  // __GFP_SKIP_KASAN is 0 on x86
  // (HIGHUSER_MOVABLE|COMP 0x40000|NOMEMALLOC 0x80000|NOWARN 0x2000) & ~RECLAIM 0xc00.
  EXPECT_EQ(bits(k6, "GFP_TRANSHUGE_LIGHT"), 0x1c20cau);
  EXPECT_EQ(bits(k6, "GFP_TRANSHUGE"), 0x1c24cau);  // + DIRECT_RECLAIM
  EXPECT_EQ(bits(k6, "GFP_DMA"), 0x1u);
  EXPECT_EQ(bits(k6, "GFP_DMA32"), 0x4u);
  EXPECT_EQ(bits(k6, "none"), 0x0u);  // the trace's spelling of 0
}

TEST(GfpParse, EverySingleFlag26) {
  const std::pair<const char*, std::uint32_t> flags[] = {{"__GFP_DMA", 0x01},
                                                         {"__GFP_HIGHMEM", 0x02},
                                                         {"__GFP_DMA32", 0x04},
                                                         {"__GFP_MOVABLE", 0x08},
                                                         {"__GFP_WAIT", 0x10},
                                                         {"__GFP_HIGH", 0x20},
                                                         {"__GFP_IO", 0x40},
                                                         {"__GFP_FS", 0x80},
                                                         {"__GFP_COLD", 0x100},
                                                         {"__GFP_NOWARN", 0x200},
                                                         {"__GFP_REPEAT", 0x400},
                                                         {"__GFP_NOFAIL", 0x800},
                                                         {"__GFP_NORETRY", 0x1000},
                                                         {"__GFP_COMP", 0x4000},
                                                         {"__GFP_ZERO", 0x8000},
                                                         {"__GFP_NOMEMALLOC", 0x10000},
                                                         {"__GFP_HARDWALL", 0x20000},
                                                         {"__GFP_THISNODE", 0x40000},
                                                         {"__GFP_RECLAIMABLE", 0x80000},
                                                         {"__GFP_NOTRACK", 0x200000}};
  for (auto [name, v] : flags) EXPECT_EQ(bits(k26, name), v) << name;
}

TEST(GfpParse, EverySingleFlag6) {
  const std::pair<const char*, std::uint32_t> flags[] = {
      {"__GFP_DMA", 0x01},
      {"__GFP_HIGHMEM", 0x02},
      {"__GFP_DMA32", 0x04},
      {"__GFP_MOVABLE", 0x08},
      {"__GFP_RECLAIMABLE", 0x10},
      {"__GFP_HIGH", 0x20},
      {"__GFP_IO", 0x40},
      {"__GFP_FS", 0x80},
      {"__GFP_ZERO", 0x100},
      {"__GFP_DIRECT_RECLAIM", 0x400},
      {"__GFP_KSWAPD_RECLAIM", 0x800},
      {"__GFP_RECLAIM", 0xc00},
      {"__GFP_WRITE", 0x1000},
      {"__GFP_NOWARN", 0x2000},
      {"__GFP_RETRY_MAYFAIL", 0x4000},
      {"__GFP_NOFAIL", 0x8000},
      {"__GFP_NORETRY", 0x10000},
      {"__GFP_MEMALLOC", 0x20000},
      {"__GFP_COMP", 0x40000},
      {"__GFP_NOMEMALLOC", 0x80000},
      {"__GFP_HARDWALL", 0x100000},
      {"__GFP_THISNODE", 0x200000},
      {"__GFP_ACCOUNT", 0x400000},
      {"__GFP_ZEROTAGS", 0x800000},
      {"__GFP_SKIP_ZERO", 0},  // CONFIG_KASAN_HW_TAGS only (arm64)
      {"__GFP_SKIP_KASAN", 0},
      {"__GFP_NOLOCKDEP", 0},  // CONFIG_LOCKDEP only
  };
  for (auto [name, v] : flags) EXPECT_EQ(bits(k6, name), v) << name;
}

TEST(GfpParse, SyntaxAndNumbers) {
  EXPECT_EQ(bits(k26, "GFP_KERNEL|__GFP_ZERO"), 0x80d0u);  // 0xd0 | 0x8000
  EXPECT_EQ(bits(k6, "GFP_KERNEL|__GFP_ZERO"), 0xdc0u);    // 0xcc0 | 0x100
  EXPECT_EQ(bits(k6, " GFP_KERNEL | __GFP_ZERO "), 0xdc0u);
  EXPECT_EQ(bits(k6, "\tGFP_KERNEL|\t__GFP_ZERO"), 0xdc0u);
  EXPECT_EQ(bits(k6, "0xdc0"), 0xdc0u);
  EXPECT_EQ(bits(k6, "0XDC0"), 0xdc0u);
  EXPECT_EQ(bits(k6, "3520"), 0xdc0u);  // decimal
  EXPECT_EQ(bits(k6, "GFP_KERNEL|0x100"), 0xdc0u);
  EXPECT_EQ(bits(k6, "0x4000000"), 0x4000000u);  // unnamed bits pass through
  EXPECT_EQ(bits(k6, "4294967295"), 0xffffffffu);
  EXPECT_EQ(bits(k26, "0"), 0u);
  EXPECT_EQ(bits(k26, "GFP_KERNEL|GFP_KERNEL"), 0xd0u);
  // The 2.6.32 trace spellings parse back (GFP_ZERO = __GFP_ZERO, ...).
  EXPECT_EQ(bits(k26, "GFP_KERNEL|GFP_ZERO"), 0x80d0u);
  EXPECT_EQ(bits(k26, "GFP_WAIT|GFP_IO|GFP_COLD|GFP_MOVABLE"), 0x158u);
}

TEST(GfpParse, FlagsOfTheOtherFlavour) {
  for (const char* gone : {"__GFP_COLD", "__GFP_WAIT", "__GFP_REPEAT", "__GFP_NOTRACK",
                           "GFP_TEMPORARY", "GFP_THISNODE", "GFP_ZERO"}) {
    const std::string e = parse_error(k6, gone);
    EXPECT_NE(e.find(std::string("'") + gone + "'"), std::string::npos) << e;
    EXPECT_NE(e.find("does not exist in linux-6"), std::string::npos) << e;
  }
  EXPECT_EQ(parse_error(k6, "GFP_KERNEL|__GFP_COLD"),
            "GFP flag '__GFP_COLD' does not exist in linux-6 (it is a linux-2.6 flag)");
  for (const char* newer :
       {"__GFP_DIRECT_RECLAIM", "__GFP_KSWAPD_RECLAIM", "__GFP_RECLAIM", "__GFP_MEMALLOC",
        "__GFP_ACCOUNT", "__GFP_WRITE", "__GFP_RETRY_MAYFAIL", "__GFP_ZEROTAGS",
        "GFP_KERNEL_ACCOUNT", "GFP_TRANSHUGE", "GFP_TRANSHUGE_LIGHT", "none"}) {
    const std::string e = parse_error(k26, newer);
    EXPECT_NE(e.find(std::string("'") + newer + "'"), std::string::npos) << e;
    EXPECT_NE(e.find("does not exist in linux-2.6"), std::string::npos) << e;
  }
}

TEST(GfpParse, Errors) {
  EXPECT_EQ(parse_error(k6, "GFP_FOO"), "unknown GFP flag 'GFP_FOO' in linux-6");
  EXPECT_EQ(parse_error(k26, "GFP_KERNEL|__GFP_BOGUS"),
            "unknown GFP flag '__GFP_BOGUS' in linux-2.6");
  EXPECT_EQ(parse_error(k6, "gfp_kernel"), "unknown GFP flag 'gfp_kernel' in linux-6");
  EXPECT_EQ(parse_error(k6, "GFP_KERNEL __GFP_ZERO"),
            "unknown GFP flag 'GFP_KERNEL __GFP_ZERO' in linux-6");
  EXPECT_EQ(parse_error(k6, "-1"), "unknown GFP flag '-1' in linux-6");
  EXPECT_EQ(parse_error(k6, ""), "empty GFP flags");
  EXPECT_EQ(parse_error(k26, "  "), "empty GFP flags");
  for (const char* s : {"GFP_KERNEL|", "|GFP_KERNEL", "GFP_KERNEL||__GFP_ZERO", "GFP_KERNEL| |0"})
    EXPECT_EQ(parse_error(k6, s), "empty GFP flag between '|'") << s;
  for (const char* s : {"0x", "0xzz", "12ab", "0x100000000", "4294967296", "0x1g"}) {
    const std::string e = parse_error(k6, s);
    EXPECT_NE(e.find(std::string("bad GFP number '") + s + "'"), std::string::npos) << e;
  }
}

TEST(GfpFormat, Linux26ShowGfpFlags) {
  auto fmt = [](std::uint32_t b) { return format_gfp(k26, Gfp{b}); };
  EXPECT_EQ(fmt(0), "GFP_NOWAIT");                // show_gfp_flags: (flags) ? ... : "GFP_NOWAIT"
  EXPECT_EQ(fmt(0xd0), "GFP_KERNEL");             // the 2.6.3x mm_page_alloc sample
  EXPECT_EQ(fmt(0x80d0), "GFP_KERNEL|GFP_ZERO");  // the 3.x kmem_cache_alloc sample
  EXPECT_EQ(fmt(0x20), "GFP_ATOMIC");
  EXPECT_EQ(fmt(0x220), "GFP_ATOMIC|GFP_NOWARN");
  EXPECT_EQ(fmt(0x800d0), "GFP_TEMPORARY");  // before GFP_KERNEL in the table
  EXPECT_EQ(fmt(0x200da), "GFP_HIGHUSER_MOVABLE");
  EXPECT_EQ(fmt(0x200da | 0x100), "GFP_HIGHUSER_MOVABLE|GFP_COLD");
  EXPECT_EQ(fmt(0x200d2 | 0x4000), "GFP_HIGHUSER|GFP_COMP");
  // GFP_NOFS|__GFP_HIGH = 0x70: GFP_NOFS (0x50) consumed, then GFP_ATOMIC (0x20).
  EXPECT_EQ(fmt(0x70), "GFP_NOFS|GFP_ATOMIC");
  // GFP_THISNODE has no composite entry: its three bits in table order.
  EXPECT_EQ(fmt(0x41200), "GFP_NOWARN|GFP_NORETRY|GFP_THISNODE");
  EXPECT_EQ(fmt(0x10 | 0x8), "GFP_NOIO|GFP_MOVABLE");
  // No entry names __GFP_FS, DMA, HIGHMEM, DMA32 or NOTRACK: leftovers in hex.
  EXPECT_EQ(fmt(0x80), "0x80");
  EXPECT_EQ(fmt(0xd0 | 0x1), "GFP_KERNEL|0x1");
  EXPECT_EQ(fmt(0x20 | 0x4 | 0x200000), "GFP_ATOMIC|0x200004");
  EXPECT_EQ(fmt(0x2000), "0x2000");  // unused bit
}

TEST(GfpFormat, Linux6ShowGfpFlags) {
  auto fmt = [](std::uint32_t b) { return format_gfp(k6, Gfp{b}); };
  EXPECT_EQ(fmt(0), "none");
  EXPECT_EQ(fmt(0xdc0), "GFP_KERNEL|__GFP_ZERO");  // the 6.x kmem_cache_alloc sample
  EXPECT_EQ(fmt(0x820), "GFP_ATOMIC");
  EXPECT_EQ(fmt(0x2820), "GFP_ATOMIC|__GFP_NOWARN");  // KSWAPD consumed: not GFP_NOWAIT
  EXPECT_EQ(fmt(0x2800), "GFP_NOWAIT");
  EXPECT_EQ(fmt(0x400cc0), "GFP_KERNEL_ACCOUNT");
  EXPECT_EQ(fmt(0x140cca), "GFP_HIGHUSER_MOVABLE|__GFP_COMP");  // the 5.x/6.x mm_page_alloc sample
  EXPECT_EQ(fmt(0x1c24ca), "GFP_TRANSHUGE");
  EXPECT_EQ(fmt(0x1c20ca), "GFP_TRANSHUGE_LIGHT");
  EXPECT_EQ(fmt(0xc00), "GFP_NOIO");  // __GFP_RECLAIM == GFP_NOIO, which comes first
  EXPECT_EQ(fmt(0x400), "__GFP_DIRECT_RECLAIM");
  EXPECT_EQ(fmt(0x800), "__GFP_KSWAPD_RECLAIM");
  EXPECT_EQ(fmt(0xcc1), "GFP_KERNEL|GFP_DMA");
  EXPECT_EQ(fmt(0x4), "GFP_DMA32");
  EXPECT_EQ(fmt(0x800000), "__GFP_ZEROTAGS");
  // The "gfp_flags=0x152c4a" of a 6.x mm_page_alloc sample (a page-cache read
  // without __GFP_FS): HARDWALL|COMP|NORETRY|NOWARN|RECLAIM|IO|MOVABLE|HIGHMEM.
  // GFP_NOFS (0xc40) is the largest composite contained; the rest in table order.
  EXPECT_EQ(fmt(0x152c4a),
            "GFP_NOFS|__GFP_HIGHMEM|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_HARDWALL|"
            "__GFP_MOVABLE");
  EXPECT_EQ(fmt(0xcc0 | 0x200), "GFP_KERNEL|0x200");  // 0x200 (old __GFP_ATOMIC) is unnamed
  EXPECT_EQ(fmt(0x1000000), "0x1000000");
}

TEST(GfpFormat, RoundTrips) {
  for (std::uint32_t b : {0u, 0x820u, 0x2820u, 0xdc0u, 0x140ccau, 0x152c4au, 0x1c24cau, 0xcc1u,
                          0x1000cc0u, 0xffffffu})
    EXPECT_EQ(parse_gfp(k6, format_gfp(k6, Gfp{b})).bits, b) << std::hex << b;
  // 2.6: all but a lone __GFP_THISNODE, whose trace name is also gfp.h's composite.
  for (std::uint32_t b :
       {0u, 0x20u, 0x80d0u, 0x200dau, 0x800d0u, 0x70u, 0x80u, 0x3fffffu & ~0x40000u})
    EXPECT_EQ(parse_gfp(k26, format_gfp(k26, Gfp{b})).bits, b) << std::hex << b;
  EXPECT_EQ(parse_gfp(k26, format_gfp(k26, Gfp{0x40000})).bits, 0x41200u);
}

TEST(GfpZone, AllSixteenZoneBitCombinations) {
  // GFP_ZONE_TABLE by (flags & 0xf), as zone indices: x86_64 DMA 0, DMA32 1,
  // Normal 2, Movable 3; i386 DMA 0, Normal 1, HighMem 2, Movable 3. OPT_ZONE_*
  // of a zone the arch lacks is ZONE_NORMAL.
  struct Row {
    std::uint32_t bits;
    int x86_64, i386;
  };
  const Row table[] = {
      {0x0, 2, 1},  // Normal
      {0x1, 0, 0},  // DMA
      {0x2, 2, 2},  // HighMem: Normal on x86_64
      {0x4, 1, 1},  // DMA32: Normal on i386
      {0x8, 2, 1},  // MOVABLE alone: Normal
      {0x9, 0, 0},  // MOVABLE|DMA: DMA
      {0xa, 3, 3},  // MOVABLE|HIGHMEM: Movable
      {0xc, 1, 1},  // MOVABLE|DMA32: DMA32 (Normal on i386)
  };
  for (Flavour f : {k26, k6})
    for (const Row& r : table) {
      EXPECT_EQ(gfp_zone(f, Arch::x86_64, Gfp{r.bits | 0x40}), r.x86_64) << r.bits;  // + __GFP_IO
      EXPECT_EQ(gfp_zone(f, Arch::i386, Gfp{r.bits}), r.i386) << r.bits;
    }
  // GFP_ZONE_BAD: two of DMA, DMA32, HIGHMEM.
  for (std::uint32_t bad : {0x3u, 0x5u, 0x6u, 0x7u, 0xbu, 0xdu, 0xeu, 0xfu})
    for (Arch a : {Arch::x86_64, Arch::i386}) {
      try {
        gfp_zone(k6, a, Gfp{bad | 0xcc0});
        ADD_FAILURE() << bad;
      } catch (const std::invalid_argument& e) {
        char want[16];
        std::snprintf(want, sizeof want, "0x%x ", bad);
        EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
      }
    }
}

TEST(GfpZone, NamedRequests) {
  EXPECT_EQ(gfp_zone(k6, Arch::x86_64, parse_gfp(k6, "GFP_KERNEL")), 2);  // Normal
  EXPECT_EQ(gfp_zone(k6, Arch::x86_64, parse_gfp(k6, "GFP_DMA32")), 1);
  EXPECT_EQ(gfp_zone(k6, Arch::x86_64, parse_gfp(k6, "GFP_KERNEL|GFP_DMA")), 0);
  EXPECT_EQ(gfp_zone(k6, Arch::x86_64, parse_gfp(k6, "GFP_HIGHUSER")), 2);  // no HighMem
  EXPECT_EQ(gfp_zone(k6, Arch::x86_64, parse_gfp(k6, "GFP_HIGHUSER_MOVABLE")), 3);
  EXPECT_EQ(gfp_zone(k6, Arch::x86_64, parse_gfp(k6, "GFP_TRANSHUGE")), 3);
  EXPECT_EQ(gfp_zone(k26, Arch::i386, parse_gfp(k26, "GFP_KERNEL")), 1);    // Normal
  EXPECT_EQ(gfp_zone(k26, Arch::i386, parse_gfp(k26, "GFP_HIGHUSER")), 2);  // HighMem
  EXPECT_EQ(gfp_zone(k26, Arch::i386, parse_gfp(k26, "GFP_HIGHUSER_MOVABLE")), 3);
  EXPECT_EQ(gfp_zone(k26, Arch::i386, parse_gfp(k26, "GFP_DMA32")), 1);  // no DMA32: Normal
  EXPECT_EQ(gfp_zone(k26, Arch::x86_64, parse_gfp(k26, "GFP_TEMPORARY")), 2);
}

TEST(GfpMigratetype, BothNumberings) {
  // 2.6.32 allocflags_to_migratetype: (MOVABLE != 0) << 1 | (RECLAIMABLE != 0):
  // Unmovable 0, Reclaimable 1, Movable 2.
  EXPECT_EQ(gfp_migratetype(k26, parse_gfp(k26, "GFP_KERNEL")), 0u);
  EXPECT_EQ(gfp_migratetype(k26, parse_gfp(k26, "GFP_TEMPORARY")), 1u);
  EXPECT_EQ(gfp_migratetype(k26, parse_gfp(k26, "GFP_HIGHUSER_MOVABLE")), 2u);
  EXPECT_EQ(gfp_migratetype(k26, parse_gfp(k26, "__GFP_MOVABLE")), migrate_types(k26).movable);
  // 6.8 gfp_migratetype: (gfp & 0x18) >> 3: Unmovable 0, Movable 1, Reclaimable 2.
  EXPECT_EQ(gfp_migratetype(k6, parse_gfp(k6, "GFP_KERNEL")), 0u);
  EXPECT_EQ(gfp_migratetype(k6, parse_gfp(k6, "GFP_HIGHUSER_MOVABLE")), 1u);
  EXPECT_EQ(gfp_migratetype(k6, parse_gfp(k6, "GFP_KERNEL|__GFP_RECLAIMABLE")), 2u);
  EXPECT_EQ(migratetype_name(k6, gfp_migratetype(k6, Gfp{0x08})), "Movable");
  EXPECT_EQ(migratetype_name(k26, gfp_migratetype(k26, Gfp{0x80000})), "Reclaimable");
  // Both mobility bits: a kernel WARN, refused here.
  EXPECT_THROW(gfp_migratetype(k26, Gfp{0x08 | 0x80000}), std::invalid_argument);
  EXPECT_THROW(gfp_migratetype(k6, Gfp{0x08 | 0x10}), std::invalid_argument);
  // Each flavour reads its own bits: 0x10 is __GFP_WAIT in 2.6, RECLAIMABLE in 6.x.
  EXPECT_EQ(gfp_migratetype(k26, Gfp{0x10}), 0u);
  EXPECT_EQ(gfp_migratetype(k6, Gfp{0x10}), 2u);
  // page_group_by_mobility_disabled: MIGRATE_UNMOVABLE for every request.
  for (const char* g : {"GFP_KERNEL", "GFP_HIGHUSER_MOVABLE", "GFP_TEMPORARY"})
    EXPECT_EQ(gfp_migratetype(k26, parse_gfp(k26, g), true), 0u) << g;
  for (const char* g : {"GFP_KERNEL", "GFP_HIGHUSER_MOVABLE", "GFP_KERNEL|__GFP_RECLAIMABLE"})
    EXPECT_EQ(gfp_migratetype(k6, parse_gfp(k6, g), true), 0u) << g;
}

TEST(GfpTraits, Linux26) {
  const GfpTraits kernel = gfp_traits(k26, parse_gfp(k26, "GFP_KERNEL"));
  EXPECT_TRUE(kernel.direct_reclaim);  // __GFP_WAIT
  EXPECT_TRUE(kernel.kswapd_reclaim);  // every 2.6.32 slow path wakes kswapd
  EXPECT_TRUE(kernel.io && kernel.fs);
  EXPECT_FALSE(kernel.high || kernel.cold || kernel.zero || kernel.hardwall);
  const GfpTraits atomic = gfp_traits(k26, parse_gfp(k26, "GFP_ATOMIC"));
  EXPECT_FALSE(atomic.direct_reclaim);
  EXPECT_TRUE(atomic.kswapd_reclaim);
  EXPECT_TRUE(atomic.high);
  EXPECT_TRUE(gfp_traits(k26, parse_gfp(k26, "GFP_NOWAIT")).kswapd_reclaim);
  const GfpTraits cold = gfp_traits(k26, parse_gfp(k26, "GFP_HIGHUSER_MOVABLE|__GFP_COLD"));
  EXPECT_TRUE(cold.cold && cold.hardwall && cold.direct_reclaim);
  // GFP_THISNODE (all three bits) goes to nopage before wake_all_kswapd.
  const GfpTraits thisnode = gfp_traits(k26, parse_gfp(k26, "GFP_KERNEL|GFP_THISNODE"));
  EXPECT_FALSE(thisnode.kswapd_reclaim);
  EXPECT_TRUE(thisnode.thisnode && thisnode.nowarn && thisnode.noretry);
  EXPECT_TRUE(gfp_traits(k26, parse_gfp(k26, "__GFP_THISNODE")).kswapd_reclaim);
  const GfpTraits misc = gfp_traits(
      k26, parse_gfp(k26, "__GFP_ZERO|__GFP_COMP|__GFP_NOFAIL|__GFP_NOMEMALLOC|__GFP_NORETRY"));
  EXPECT_TRUE(misc.zero && misc.comp && misc.nofail && misc.nomemalloc && misc.noretry);
  EXPECT_FALSE(misc.memalloc);  // no __GFP_MEMALLOC in 2.6.32
}

TEST(GfpTraits, Linux6) {
  const GfpTraits kernel = gfp_traits(k6, parse_gfp(k6, "GFP_KERNEL"));
  EXPECT_TRUE(kernel.direct_reclaim && kernel.kswapd_reclaim && kernel.io && kernel.fs);
  const GfpTraits atomic = gfp_traits(k6, parse_gfp(k6, "GFP_ATOMIC"));
  EXPECT_FALSE(atomic.direct_reclaim);
  EXPECT_TRUE(atomic.kswapd_reclaim && atomic.high);
  const GfpTraits nowait = gfp_traits(k6, parse_gfp(k6, "GFP_NOWAIT"));
  EXPECT_TRUE(nowait.kswapd_reclaim && nowait.nowarn);
  EXPECT_FALSE(nowait.direct_reclaim || nowait.high);
  const GfpTraits thp = gfp_traits(k6, parse_gfp(k6, "GFP_TRANSHUGE_LIGHT"));
  EXPECT_FALSE(thp.direct_reclaim || thp.kswapd_reclaim);
  EXPECT_TRUE(thp.comp && thp.nomemalloc && thp.hardwall);
  const GfpTraits misc =
      gfp_traits(k6, parse_gfp(k6, "__GFP_MEMALLOC|__GFP_THISNODE|__GFP_ZERO|__GFP_NOFAIL"));
  EXPECT_TRUE(misc.memalloc && misc.thisnode && misc.zero && misc.nofail);
  EXPECT_FALSE(misc.cold);  // no __GFP_COLD in 6.x
}

TEST(AllocFlags, FastPath) {
  const AllocFlags a26 = fast_path_alloc_flags(k26);  // ALLOC_WMARK_LOW|ALLOC_CPUSET
  EXPECT_EQ(a26.wmark, Wmark::low);
  EXPECT_TRUE(a26.cpuset);
  const AllocFlags a6 = fast_path_alloc_flags(k6);  // ALLOC_WMARK_LOW
  EXPECT_EQ(a6.wmark, Wmark::low);
  EXPECT_FALSE(a6.cpuset || a6.high || a6.harder || a6.no_watermarks);
}

TEST(AllocFlags, SlowPath26) {
  auto slow = [](const char* g, unsigned order = 0, bool rt = false) {
    return gfp_to_alloc_flags(k26, parse_gfp(k26, g), order, rt);
  };
  const AllocFlags kernel = slow("GFP_KERNEL");
  EXPECT_EQ(kernel.wmark, Wmark::min);
  EXPECT_TRUE(kernel.cpuset);
  EXPECT_FALSE(kernel.high || kernel.harder || kernel.no_watermarks);
  EXPECT_TRUE(slow("GFP_KERNEL", 0, true).harder);  // rt task: ALLOC_HARDER
  const AllocFlags atomic = slow("GFP_ATOMIC");     // HIGH, and !__GFP_WAIT: HARDER, no cpuset
  EXPECT_TRUE(atomic.high && atomic.harder);
  EXPECT_FALSE(atomic.cpuset);
  const AllocFlags nowait = slow("GFP_NOWAIT");
  EXPECT_TRUE(nowait.harder);
  EXPECT_FALSE(nowait.high || nowait.cpuset);
  const AllocFlags high = slow("GFP_KERNEL|__GFP_HIGH");
  EXPECT_TRUE(high.high && high.cpuset);
  EXPECT_FALSE(high.harder);
  // No HIGHATOMIC/KSWAPD/OOM machinery in 2.6.32, whatever the order.
  const AllocFlags big = slow("GFP_ATOMIC", 3);
  EXPECT_FALSE(big.highatomic || big.kswapd || big.oom || big.cma);
}

TEST(AllocFlags, SlowPath6) {
  auto slow = [](const char* g, unsigned order = 0, bool rt = false) {
    return gfp_to_alloc_flags(k6, parse_gfp(k6, g), order, rt);
  };
  const AllocFlags kernel = slow("GFP_KERNEL");
  EXPECT_EQ(kernel.wmark, Wmark::min);
  EXPECT_TRUE(kernel.cpuset && kernel.kswapd);
  EXPECT_FALSE(kernel.high || kernel.harder || kernel.highatomic || kernel.no_watermarks);
  const AllocFlags rt = slow("GFP_KERNEL", 0, true);  // rt task with direct reclaim
  EXPECT_TRUE(rt.high);
  EXPECT_FALSE(rt.harder);
  const AllocFlags atomic = slow("GFP_ATOMIC");  // MIN_RESERVE|NON_BLOCK|KSWAPD, cpuset dropped
  EXPECT_TRUE(atomic.high && atomic.harder && atomic.kswapd);
  EXPECT_FALSE(atomic.cpuset || atomic.highatomic);
  EXPECT_TRUE(slow("GFP_ATOMIC", 1).highatomic);    // order > 0: ALLOC_HIGHATOMIC
  const AllocFlags nowait = slow("GFP_NOWAIT", 2);  // NON_BLOCK without MIN_RESERVE keeps cpuset
  EXPECT_TRUE(nowait.harder && nowait.highatomic && nowait.cpuset && nowait.kswapd);
  EXPECT_FALSE(nowait.high);
  // __GFP_NOMEMALLOC: no NON_BLOCK/HIGHATOMIC, but __GFP_HIGH still drops cpuset.
  const AllocFlags nomem = slow("GFP_ATOMIC|__GFP_NOMEMALLOC", 2);
  EXPECT_TRUE(nomem.high);
  EXPECT_FALSE(nomem.harder || nomem.highatomic || nomem.cpuset);
  const AllocFlags thp = slow("GFP_TRANSHUGE_LIGHT", 9);
  EXPECT_FALSE(thp.harder || thp.highatomic || thp.kswapd || thp.high);
  EXPECT_TRUE(thp.cpuset);
  const AllocFlags bare_high = slow("__GFP_HIGH");
  EXPECT_TRUE(bare_high.high && bare_high.harder);
  EXPECT_FALSE(bare_high.kswapd || bare_high.cpuset);
  // __gfp_pfmemalloc_flags: __GFP_MEMALLOC unless __GFP_NOMEMALLOC.
  EXPECT_TRUE(slow("GFP_KERNEL|__GFP_MEMALLOC").no_watermarks);
  EXPECT_FALSE(slow("GFP_KERNEL|__GFP_MEMALLOC|__GFP_NOMEMALLOC").no_watermarks);
}

}  // namespace
}  // namespace allocsim::model
