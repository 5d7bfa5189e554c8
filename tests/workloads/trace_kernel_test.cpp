// The kernel trace readers on the small synthetic inputs of tests/data/traces:
// exact field values for each format and generation.
#include <gtest/gtest.h>

#include "trace_test_data.hpp"
#include "workloads/trace/readers.hpp"

namespace allocsim::workloads::trace {
namespace {

using testing::data;

TEST(TraceKernel, Raw2632NoFlagsColumnDecimalPfnAndNullPtr) {
  const Trace t = read_trace_file(data("raw-2.6.32.ftrace.txt"));
  EXPECT_EQ(t.format, Format::ftrace);
  ASSERT_EQ(t.events.size(), 7u);
  EXPECT_EQ(t.stats.header_lines, 4u);
  const TraceEvent& k = t.events[0];
  EXPECT_EQ(k.kind, EventKind::kmalloc);
  EXPECT_EQ(k.line, 5u);
  EXPECT_EQ(t.str(k.comm), "bash");
  EXPECT_EQ(k.pid, 2301);
  EXPECT_EQ(k.cpu, 1);
  EXPECT_EQ(k.ts_ns, 1024'000'100'000u);
  EXPECT_EQ(k.call_site, 0xffffffff8110a1b2u);
  EXPECT_EQ(k.call_site_sym, 0u);
  EXPECT_EQ(k.ptr, 0xffff88003d2c4e00u);
  EXPECT_EQ(k.bytes_req, 96u);
  EXPECT_EQ(k.bytes_alloc, 128u);
  EXPECT_EQ(t.str(k.gfp_text), "GFP_KERNEL");
  EXPECT_FALSE(k.gfp_numeric);
  EXPECT_FALSE(k.has(Field::node));
  const TraceEvent& f = t.events[1];
  EXPECT_EQ(f.kind, EventKind::kfree);
  EXPECT_EQ(f.ptr, 0u);
  EXPECT_TRUE(f.has(Field::ptr));
  EXPECT_EQ(t.events[2].kind, EventKind::kmalloc_node);
  EXPECT_EQ(t.events[2].node, 0);
  EXPECT_EQ(t.str(t.events[2].gfp_text), "GFP_KERNEL|GFP_COMP");
  const TraceEvent& p = t.events[3];
  EXPECT_EQ(p.kind, EventKind::mm_page_alloc);
  EXPECT_EQ(t.str(p.comm), "kswapd0");
  EXPECT_EQ(p.page, 0xffffea0003db9f40u);
  EXPECT_EQ(p.pfn, 1155800u);
  EXPECT_EQ(p.order, 0);
  EXPECT_EQ(p.migratetype, 2);
  const TraceEvent& v = t.events[4];
  EXPECT_EQ(v.kind, EventKind::mm_pagevec_free);
  EXPECT_EQ(v.cold, 1);
  EXPECT_EQ(t.events[5].kind, EventKind::mm_page_free_direct);
  EXPECT_EQ(t.events[5].order, 1);
  const TraceEvent& x = t.events[6];
  EXPECT_EQ(x.kind, EventKind::mm_page_alloc_extfrag);
  EXPECT_EQ(x.order, 0);
  EXPECT_EQ(x.fallback_order, 9);
  EXPECT_EQ(x.pageblock_order, 9);
  EXPECT_EQ(x.migratetype, 2);
  EXPECT_EQ(x.fallback_migratetype, 0);
  EXPECT_EQ(x.fragmenting, 0);
  EXPECT_EQ(x.change_ownership, 1);
  EXPECT_EQ(t.stats.incomplete_events, 0u);
}

TEST(TraceKernel, Raw3xFlagsTgidBlanksDashesAndStackLines) {
  const Trace t = read_trace_file(data("raw-3.x-flags.ftrace.txt"));
  EXPECT_EQ(t.format, Format::ftrace);
  ASSERT_EQ(t.events.size(), 5u);
  EXPECT_EQ(t.stats.header_lines, 11u);
  EXPECT_EQ(t.stats.stack_lines, 3u);
  const TraceEvent& a = t.events[0];
  EXPECT_EQ(a.kind, EventKind::kmem_cache_alloc);
  EXPECT_EQ(t.str(a.comm), "Web Content");
  EXPECT_EQ(a.pid, 4242);
  EXPECT_EQ(a.cpu, 1);
  EXPECT_EQ(a.ts_ns, 77'123'456'000u);
  EXPECT_EQ(t.str(a.gfp_text), "GFP_KERNEL|GFP_ZERO");
  const TraceEvent& f = t.events[1];
  EXPECT_EQ(f.line, 16u);
  EXPECT_EQ(t.str(f.comm), "kworker/u:0-my-job");
  EXPECT_EQ(f.pid, 7);
  EXPECT_EQ(f.cpu, 0);
  EXPECT_EQ(f.call_site, 0xc10c226bu);
  EXPECT_EQ(t.events[2].kind, EventKind::kmalloc_node);
  EXPECT_EQ(t.events[2].node, -1);
  EXPECT_EQ(t.events[3].kind, EventKind::kmem_cache_alloc_node);
  EXPECT_EQ(t.events[3].node, 1);
  const TraceEvent& o = t.events[4];
  EXPECT_EQ(o.kind, EventKind::other);
  EXPECT_EQ(t.str(o.event_name), "sched_wakeup");
  EXPECT_EQ(t.stats.count(EventKind::other), 1u);
}

TEST(TraceKernel, Raw6xSymbolicCallSitesHashedPointersHexPfn) {
  const Trace t = read_trace_file(data("raw-6.x-pS.ftrace.txt"));
  ASSERT_EQ(t.events.size(), 11u);
  const TraceEvent& k = t.events[0];
  EXPECT_EQ(t.str(k.comm), "kworker/10:1");
  EXPECT_EQ(k.pid, 440);
  EXPECT_EQ(k.cpu, 10);
  EXPECT_EQ(t.str(k.call_site_sym), "mem_cgroup_css_alloc+0xd8/0x5b4");
  EXPECT_EQ(k.call_site, 0u);
  EXPECT_EQ(k.ptr, 0x3e4c3799u);
  EXPECT_EQ(k.bytes_req, 2312u);
  EXPECT_EQ(k.bytes_alloc, 4096u);
  EXPECT_EQ(t.str(k.gfp_text), "GFP_KERNEL|__GFP_ZERO");
  EXPECT_EQ(k.node, -1);
  EXPECT_TRUE(k.accounted);
  EXPECT_TRUE(k.has(Field::accounted));
  EXPECT_EQ(t.str(t.events[1].call_site_sym), "security_cred_free+0x42/0x50");
  EXPECT_EQ(t.str(t.events[2].name), "names_cache");
  EXPECT_EQ(t.events[3].kind, EventKind::mm_page_free);
  EXPECT_EQ(t.events[3].pfn, 0x182190u);
  EXPECT_EQ(t.events[3].order, 2);
  EXPECT_EQ(t.events[4].pfn, 0x122233u);
  EXPECT_EQ(t.str(t.events[4].gfp_text), "GFP_HIGHUSER_MOVABLE|__GFP_COMP");
  EXPECT_EQ(t.events[5].page, 0u);  // failed allocation
  EXPECT_EQ(t.events[5].order, 3);
  EXPECT_EQ(t.events[6].kind, EventKind::mm_page_free_batched);
  const TraceEvent& z = t.events[7];
  EXPECT_EQ(z.kind, EventKind::mm_page_alloc_zone_locked);
  EXPECT_EQ(z.page, 0xa1b2c3d4u);
  EXPECT_EQ(z.pfn, 0x1a2b3u);
  EXPECT_EQ(z.percpu_refill, 1);
  EXPECT_EQ(t.events[8].kind, EventKind::mm_page_pcpu_drain);
  EXPECT_EQ(t.events[8].migratetype, 1);
  EXPECT_EQ(t.events[9].kind, EventKind::mm_page_alloc_extfrag);
  EXPECT_EQ(t.events[9].fallback_order, 10);
  EXPECT_EQ(t.events[10].kind, EventKind::other);
  EXPECT_EQ(t.str(t.events[10].event_name), "mm_compaction_begin");
  EXPECT_EQ(t.stats.incomplete_events, 0u);
}

// Lines of `allocsim record` on 6.18 (trace_pipe of an instance with
// options/hash-ptr 0): raw pointers, vmalloc events (alloc_vmap_area prints
// "va_start: N"), trace_marker lines, a stack trace, an unknown comm and a
// lost-events line.
TEST(TraceKernel, Record618VmallocMarkersStacksRawPointers) {
  const Trace t = read_trace_file(data("record-6.18.ftrace.txt"));
  EXPECT_EQ(t.format, Format::ftrace);
  ASSERT_EQ(t.events.size(), 15u);
  EXPECT_EQ(t.stats.lines, 26u);
  EXPECT_EQ(t.stats.stack_lines, 10u);
  EXPECT_EQ(t.stats.header_lines, 1u);  // CPU:1 [LOST 12 EVENTS]
  EXPECT_EQ(t.stats.unrecognised_lines, 0u);
  EXPECT_EQ(t.stats.incomplete_events, 0u);
  EXPECT_EQ(t.stats.count(EventKind::other), 5u);
  const TraceEvent& mark = t.events[0];
  EXPECT_EQ(mark.kind, EventKind::other);
  EXPECT_EQ(t.str(mark.event_name), "tracing_mark_write");
  EXPECT_EQ(mark.ts_ns, 3528'457'288'000u);
  const TraceEvent& k = t.events[1];
  EXPECT_EQ(k.kind, EventKind::kmalloc);
  EXPECT_EQ(t.str(k.comm), "allocsim");
  EXPECT_EQ(k.pid, 14019);
  EXPECT_EQ(k.ptr, 0xffff88810a89fff0u);
  EXPECT_EQ(t.str(k.call_site_sym), "tracing_mark_open+0xe4/0x230");
  EXPECT_EQ(k.node, -1);
  const TraceEvent& c = t.events[3];
  EXPECT_EQ(c.kind, EventKind::kmem_cache_alloc);
  EXPECT_EQ(t.str(c.name), "names_cache");
  EXPECT_EQ(c.bytes_alloc, 4096u);
  EXPECT_EQ(t.events[5].kind, EventKind::mm_page_alloc);
  EXPECT_EQ(t.events[5].pfn, 0x128230u);
  EXPECT_EQ(t.events[7].kind, EventKind::mm_page_free_batched);
  EXPECT_EQ(t.events[8].kind, EventKind::mm_page_alloc_zone_locked);
  EXPECT_EQ(t.events[8].order, 8);
  EXPECT_EQ(t.events[9].kind, EventKind::mm_page_pcpu_drain);
  const TraceEvent& x = t.events[10];
  EXPECT_EQ(x.kind, EventKind::mm_page_alloc_extfrag);
  EXPECT_EQ(t.str(x.comm), "<...>");
  EXPECT_EQ(x.pid, 14147);
  EXPECT_EQ(x.fallback_order, 9);
  for (std::size_t i = 11; i < 14; ++i) EXPECT_EQ(t.events[i].kind, EventKind::other);
  EXPECT_EQ(t.str(t.events[11].event_name), "alloc_vmap_area");
  EXPECT_EQ(t.str(t.events[12].event_name), "free_vmap_area_noflush");
  EXPECT_EQ(t.str(t.events[13].event_name), "purge_vmap_area_lazy");
  EXPECT_EQ(t.str(t.events[12].comm), "kworker/1:0");
  EXPECT_EQ(t.str(t.events[14].event_name), "tracing_mark_write");
}

TEST(TraceKernel, TraceCmdReportPaddedColumnHexGfp) {
  const Trace t = read_trace_file(data("trace-cmd-report-6.x.txt"));
  EXPECT_EQ(t.format, Format::trace_cmd);
  ASSERT_EQ(t.events.size(), 4u);
  EXPECT_EQ(t.stats.header_lines, 2u);
  const TraceEvent& k = t.events[0];
  EXPECT_EQ(k.kind, EventKind::kmalloc);
  EXPECT_EQ(t.str(k.comm), "sshd-session");
  EXPECT_EQ(k.pid, 3242);
  EXPECT_EQ(k.ts_ns, 8115'304'880'000u);
  EXPECT_EQ(t.str(k.call_site_sym), "virtqueue_add_split+0xa9");
  EXPECT_EQ(k.ptr, 0xffff95c7d458d300u);
  EXPECT_TRUE(k.gfp_numeric);
  EXPECT_EQ(k.gfp_value, 0x820u);
  EXPECT_EQ(t.str(k.gfp_text), "0x820");
  EXPECT_FALSE(k.accounted);
  EXPECT_TRUE(t.events[1].accounted);
  EXPECT_EQ(t.events[1].node, 0);
  EXPECT_EQ(t.str(t.events[2].comm), "jbd2/mmcblk0p4-");
  EXPECT_EQ(t.events[2].pid, 114);
  EXPECT_EQ(t.events[2].call_site, 0xc076dc54u);
  EXPECT_EQ(t.events[3].gfp_value, 0x152c4au);
  EXPECT_EQ(t.events[3].page, 0xffffea000011b7dau);
}

TEST(TraceKernel, PerfScriptWithCallchains) {
  const Trace t = read_trace_file(data("perf-script-callchains.txt"));
  EXPECT_EQ(t.format, Format::perf);
  ASSERT_EQ(t.events.size(), 3u);
  EXPECT_EQ(t.stats.stack_lines, 5u);
  EXPECT_EQ(t.stats.header_lines, 6u);
  const TraceEvent& k = t.events[0];
  EXPECT_EQ(k.kind, EventKind::kmalloc);
  EXPECT_EQ(t.str(k.comm), "my prog-x");
  EXPECT_EQ(k.pid, 5150);
  EXPECT_EQ(k.cpu, 2);
  EXPECT_EQ(k.ts_ns, 1567'570'191'123u);
  EXPECT_EQ(k.call_site, 0xffffffffb52fd28au);
  EXPECT_EQ(k.ptr, 0xffff8881025a3e00u);
  EXPECT_EQ(t.events[1].kind, EventKind::mm_page_alloc);
  EXPECT_EQ(t.str(t.events[1].comm), "perf");
  EXPECT_EQ(t.events[1].page, 0x16c904u);
  EXPECT_EQ(t.events[1].pfn, 1493252u);
  EXPECT_EQ(t.events[2].kind, EventKind::kfree);
  EXPECT_EQ(t.events[2].line, 14u);
}

TEST(TraceKernel, CrlfLineEndingsAndSpacedNull) {
  const Trace t = read_trace_file(data("crlf.ftrace.txt"));
  ASSERT_EQ(t.events.size(), 3u);
  EXPECT_EQ(t.str(t.events[0].gfp_text), "GFP_KERNEL");  // no '\r'
  EXPECT_EQ(t.events[1].kind, EventKind::kfree);
  EXPECT_EQ(t.events[1].ptr, 0u);
  EXPECT_EQ(t.events[1].call_site, 0xc10c283au);
  EXPECT_EQ(t.str(t.events[2].comm), "ksoftirqd/0");
  EXPECT_EQ(t.events[2].pid, 3);
  EXPECT_EQ(t.events[2].ptr, 0xc143de20u);
  EXPECT_EQ(t.events[2].ts_ns, 180'000'000u);
}

TEST(TraceKernel, MalformedLineNamesFileAndLine) {
  const auto path = data("malformed.ftrace.txt");
  try {
    read_trace_file(path);
    FAIL() << "no error";
  } catch (const TraceError& e) {
    EXPECT_EQ(std::string(e.what()), path.string() + ":4: kmalloc: bad value for bytes_req: '2x9'");
  }
}

TEST(TraceKernel, SkipBadLinesCountsAndKeepsMessages) {
  ReadOptions opt;
  opt.skip_bad_lines = true;
  const Trace t = read_trace_file(data("malformed.ftrace.txt"), opt);
  EXPECT_EQ(t.events.size(), 3u);
  EXPECT_EQ(t.stats.bad_lines, 2u);
  ASSERT_EQ(t.stats.messages.size(), 2u);
  EXPECT_TRUE(t.stats.messages[0].ends_with(
      "malformed.ftrace.txt:4: kmalloc: bad value for bytes_req: '2x9'"));
  EXPECT_TRUE(t.stats.messages[1].ends_with(":6: kmem_cache_free: bad value for ptr: 'zzz'"));
  opt.kept_messages = 1;
  EXPECT_EQ(read_trace_file(data("malformed.ftrace.txt"), opt).stats.messages.size(), 1u);
}

TEST(TraceKernel, DamagedPrefixOfAKmemEventIsAnError) {
  EXPECT_THROW(
      parse_trace("init-1 [0x0] .N.. 0.17: kfree: call_site=c1 ptr=c2\n", Format::ftrace, "x"),
      TraceError);
  EXPECT_THROW(
      parse_trace("init-1 [000] .N.. 0.1x: kfree: call_site=c1 ptr=c2\n", Format::ftrace, "x"),
      TraceError);
  EXPECT_THROW(parse_trace("init-1 [000] 0.1: kmalloc: call_site=c1 junk\n", Format::ftrace, "x"),
               TraceError);
  // Issue 15: an empty value names its own field, not the next one's text.
  try {
    parse_trace(
        "init-1 [000] 0.1: kmalloc: call_site=c1 ptr=c2 bytes_req=8 bytes_alloc= "
        "gfp_flags=GFP_KERNEL\n",
        Format::ftrace, "x");
    ADD_FAILURE() << "no error";
  } catch (const TraceError& e) {
    EXPECT_EQ(std::string(e.what()), "x:1: kmalloc: empty value for bytes_alloc");
  }
  // Lines that are no event at all are counted, not errors.
  const Trace t = parse_trace("K-PID CPU# TIMESTAMP FUNCTION\n\n", Format::ftrace, "x");
  EXPECT_EQ(t.stats.unrecognised_lines, 1u);
  EXPECT_EQ(t.stats.header_lines, 1u);
}

TEST(TraceKernel, DetectFormat) {
  EXPECT_EQ(detect_format("# tracer: nop\n  init-1 [000] .N.. 0.17: kfree: call_site=c1 ptr=c2\n"),
            Format::ftrace);
  EXPECT_EQ(detect_format("cpus=4\n"), Format::trace_cmd);
  EXPECT_EQ(detect_format(" a-1 [000] 1.5: kmalloc:              call_site=x+0x1 ptr=0x1\n"),
            Format::trace_cmd);
  EXPECT_EQ(detect_format("perf  6503 [000]  1.5:  kmem:kfree: call_site=1 ptr=0x1\n"),
            Format::perf);
  EXPECT_EQ(detect_format("Alloc(12),\nFree(0),\n"), Format::wee_alloc);
  EXPECT_EQ(detect_format("20000\n2\n2\n1\na 0 12\nf 0\n"), Format::malloc_lab_rep);
  EXPECT_EQ(detect_format("# allocsim-trace 1\n"), Format::native);
}

}  // namespace
}  // namespace allocsim::workloads::trace
