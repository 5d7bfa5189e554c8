// How close a replay came to the traced kernel: the traced side of every
// row counted from the trace's own events, the model's side from the model
// (a recording's after/ snapshot: tests/results/replay_recording_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "../common/accuracy_row.hpp"
#include "model/kernel.hpp"
#include "workloads/replay.hpp"
#include "workloads/replay/accuracy.hpp"
#include "workloads/trace/readers.hpp"

namespace allocsim::workloads {
namespace {

using testing::row;

constexpr const char* kTrace =
    "  a-1 [000] d..2.  1.000001: mm_page_alloc_zone_locked: page=0000000000000001 pfn=0x100 "
    "order=1 migratetype=1 percpu_refill=1\n"
    "  a-1 [000] d..2.  1.000002: mm_page_alloc_zone_locked: page=0000000000000002 pfn=0x200 "
    "order=3 migratetype=1 percpu_refill=0\n"
    "  a-1 [000] d..2.  1.000003: mm_page_pcpu_drain: page=0000000000000003 pfn=0x300 order=2 "
    "migratetype=1\n"
    "  a-1 [000] d..2.  1.000004: mm_page_alloc_extfrag: page=0000000000000004 pfn=0x400 "
    "alloc_order=0 fallback_order=10 pageblock_order=9 alloc_migratetype=1 "
    "fallback_migratetype=0 fragmenting=0 change_ownership=1\n"
    "  a-1 [000] .....  1.000005: mm_page_alloc: page=0000000000000005 pfn=0x500 order=2 "
    "migratetype=0 gfp_flags=GFP_KERNEL\n"
    "  a-1 [000] .....  1.000006: mm_page_alloc: page=0000000000000000 pfn=0x0 order=3 "
    "migratetype=0 gfp_flags=GFP_KERNEL\n"
    "  a-1 [001] .....  1.000007: kmalloc: call_site=f+0x1/0x2 ptr=0000000000001000 "
    "bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL node=-1\n"
    "  a-1 [001] .....  1.000008: kmalloc: call_site=f+0x1/0x2 ptr=0000000000002000 "
    "bytes_req=100 bytes_alloc=96 gfp_flags=GFP_KERNEL node=-1\n";

TEST(ReplayAccuracy, TracedFiguresComeFromTheTracesOwnEvents) {
  const trace::Trace t = trace::parse_trace(kTrace, trace::Format::ftrace, "accuracy.trace");
  sim::MachineConfig c;
  c.cpus = 2;
  c.nodes = 1;
  sim::assign_contiguous_memory(c, 256ull << 20);
  sim::Machine m(c, 1);
  model::Kernel k(m, model::KernelConfig{});
  const ReplayResult r = replay(t, k);
  const std::vector<AccuracyRow> rows = replaying::accuracy_rows(r);
  EXPECT_EQ(row(rows, "pcp_refill_pages", "").traced, 2u);  // order 1, percpu_refill=1 only
  EXPECT_EQ(row(rows, "pcp_drain_pages", "").traced, 4u);   // order 2
  EXPECT_EQ(row(rows, "extfrag_steals", "").traced, 1u);
  EXPECT_EQ(row(rows, "page_allocs", "2").traced, 1u);
  EXPECT_EQ(row(rows, "page_allocs", "3").traced, 0u);  // a traced failure is no allocation
  // The model allocated the order-2 block it was asked for, and refilled its pcp
  // lists from the buddy lists for the kmalloc slab (model side: its own counts).
  EXPECT_EQ(row(rows, "page_allocs", "2").model, 1u);
  EXPECT_EQ(row(rows, "pcp_refill_pages", "").model, r.model.pcp_refill_pages);
  // kmalloc-128 for 100 bytes: the first traced bytes_alloc is equal, the second not.
  EXPECT_EQ(row(rows, "bytes_alloc_equal", "kmalloc").traced, 2u);
  EXPECT_EQ(row(rows, "bytes_alloc_equal", "kmalloc").model, 1u);
  const replaying::AccuracySummary s = replaying::summarize(r);
  EXPECT_EQ(s.kmalloc_compared, 2u);
  EXPECT_EQ(s.kmalloc_equal, 1u);
  EXPECT_EQ(s.traced_pcp_drain_pages, 4u);
}

}  // namespace
}  // namespace allocsim::workloads
