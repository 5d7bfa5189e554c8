// The slab-page rule (workloads/replay/slab_pages.hpp): which traced page
// events are the traced kernel's slab pages, left to the model's own slab
// allocator, their frees with them.
#include <gtest/gtest.h>

#include "workloads/replay/slab_pages.hpp"
#include "workloads/trace/readers.hpp"

namespace allocsim::workloads::replaying {
namespace {

TEST(SlabPageRule, TheGfpFlagsOfAllocateSlabsFirstAttempt) {
  // From tcp-loopback-stacktrace: allocate_slab() in the call chain.
  EXPECT_TRUE(
      SlabPageRule::slab_gfp("GFP_KERNEL|__GFP_RECLAIMABLE|__GFP_NOWARN|__GFP_NORETRY|"
                             "__GFP_COMP"));
  EXPECT_TRUE(SlabPageRule::slab_gfp("GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP"));
  // From a 6.18 perf-messaging recording: a GFP_NOWAIT caller's slab page
  // (GFP_NOWAIT prints for __GFP_KSWAPD_RECLAIM|__GFP_NOWARN).
  EXPECT_TRUE(SlabPageRule::slab_gfp("GFP_NOWAIT|__GFP_NORETRY|__GFP_COMP"));
  EXPECT_TRUE(SlabPageRule::slab_gfp("GFP_NOWAIT|__GFP_NORETRY|__GFP_COMP|__GFP_THISNODE"));
  EXPECT_FALSE(SlabPageRule::slab_gfp("GFP_NOWAIT|__GFP_COMP"));
  // Not slab pages there: skb page frags (GFP_NOWAIT with __GFP_IO|__GFP_FS), page
  // cache and user pages.
  EXPECT_FALSE(SlabPageRule::slab_gfp("GFP_NOWAIT|__GFP_IO|__GFP_FS|__GFP_NORETRY|__GFP_COMP"));
  EXPECT_FALSE(SlabPageRule::slab_gfp(
      "GFP_NOFS|__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_HARDWALL"));
  EXPECT_FALSE(SlabPageRule::slab_gfp(
      "GFP_HIGHUSER_MOVABLE|__GFP_WRITE|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP"));
  EXPECT_FALSE(SlabPageRule::slab_gfp("GFP_KERNEL"));
  // A flag is a whole name, not a prefix of another.
  EXPECT_FALSE(SlabPageRule::slab_gfp("GFP_KERNEL|__GFP_NOWARNX|__GFP_NORETRY|__GFP_COMP"));
}

TEST(SlabPageRule, ASlabPagesFreeIsLeftOutWithItsAllocation) {
  const char* text =
      "  a-1 [000] .....  1.000001: mm_page_alloc: page=0000000000000001 pfn=0x100 order=1 "
      "migratetype=0 gfp_flags=GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP\n"
      "  a-1 [000] .....  1.000002: mm_page_alloc: page=0000000000000002 pfn=0x200 order=0 "
      "migratetype=0 gfp_flags=GFP_KERNEL\n"
      "  a-1 [000] .....  1.000003: mm_page_free: page=0000000000000001 pfn=0x100 order=1\n"
      "  a-1 [000] .....  1.000004: mm_page_free: page=0000000000000002 pfn=0x200 order=0\n"
      "  a-1 [000] .....  1.000005: mm_page_free: page=0000000000000001 pfn=0x100 order=1\n";
  const trace::Trace t = trace::parse_trace(text, trace::Format::ftrace, "slab-pages.trace");
  ASSERT_EQ(t.events.size(), 5u);
  SlabPageRule rule;
  EXPECT_FALSE(rule.replay(t.events[0], t));  // a slab page
  EXPECT_TRUE(rule.replay(t.events[1], t));
  EXPECT_FALSE(rule.replay(t.events[2], t));  // its free
  EXPECT_TRUE(rule.replay(t.events[3], t));
  EXPECT_TRUE(rule.replay(t.events[4], t));  // pfn 0x100 again: no longer a slab page
}

}  // namespace
}  // namespace allocsim::workloads::replaying
