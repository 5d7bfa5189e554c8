// The native format writes every field and reads it back unchanged.
#include <gtest/gtest.h>

#include <string>

#include "trace_test_data.hpp"
#include "workloads/trace/native_format.hpp"
#include "workloads/trace/readers.hpp"

namespace allocsim::workloads::trace {
namespace {

using testing::data;

// Field by field, strings compared through each trace's own pool.
void expect_same(const Trace& a, const Trace& b) {
  ASSERT_EQ(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    SCOPED_TRACE(i);
    const TraceEvent& x = a.events[i];
    const TraceEvent& y = b.events[i];
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.line, y.line);
    EXPECT_EQ(x.cpu, y.cpu);
    EXPECT_EQ(x.ts_ns, y.ts_ns);
    EXPECT_EQ(x.pid, y.pid);
    EXPECT_EQ(a.str(x.comm), b.str(y.comm));
    EXPECT_EQ(x.fields, y.fields);
    EXPECT_EQ(x.call_site, y.call_site);
    EXPECT_EQ(a.str(x.call_site_sym), b.str(y.call_site_sym));
    EXPECT_EQ(x.ptr, y.ptr);
    EXPECT_EQ(x.bytes_req, y.bytes_req);
    EXPECT_EQ(x.bytes_alloc, y.bytes_alloc);
    EXPECT_EQ(a.str(x.gfp_text), b.str(y.gfp_text));
    EXPECT_EQ(x.gfp_numeric, y.gfp_numeric);
    EXPECT_EQ(x.gfp_value, y.gfp_value);
    EXPECT_EQ(x.node, y.node);
    EXPECT_EQ(x.accounted, y.accounted);
    EXPECT_EQ(a.str(x.name), b.str(y.name));
    EXPECT_EQ(a.str(x.event_name), b.str(y.event_name));
    EXPECT_EQ(x.page, y.page);
    EXPECT_EQ(x.pfn, y.pfn);
    EXPECT_EQ(x.order, y.order);
    EXPECT_EQ(x.migratetype, y.migratetype);
    EXPECT_EQ(x.percpu_refill, y.percpu_refill);
    EXPECT_EQ(x.cold, y.cold);
    EXPECT_EQ(x.fallback_order, y.fallback_order);
    EXPECT_EQ(x.pageblock_order, y.pageblock_order);
    EXPECT_EQ(x.fallback_migratetype, y.fallback_migratetype);
    EXPECT_EQ(x.fragmenting, y.fragmenting);
    EXPECT_EQ(x.change_ownership, y.change_ownership);
  }
}

TEST(TraceNative, RoundTripsEveryInputFile) {
  for (const char* name :
       {"raw-2.6.32.ftrace.txt", "raw-3.x-flags.ftrace.txt", "raw-6.x-pS.ftrace.txt",
        "trace-cmd-report-6.x.txt", "perf-script-callchains.txt", "crlf.ftrace.txt", "small.rep",
        "small.trace"}) {
    SCOPED_TRACE(name);
    const Trace a = read_trace_file(data(name));
    const std::string text = to_native(a);
    EXPECT_EQ(detect_format(text), Format::native);
    const Trace b = parse_trace(text, Format::native, "native");
    expect_same(a, b);
    EXPECT_EQ(to_native(b), text);
  }
}

TEST(TraceNative, EscapesAwkwardStrings) {
  Trace a;
  TraceEvent e;
  e.kind = EventKind::kmem_cache_free;
  e.comm = a.strings.intern("Web Content=%x");
  e.name = a.strings.intern("-");
  e.call_site_sym = a.strings.intern("f\tg");
  e.fields = bit(Field::name) | bit(Field::call_site);
  a.events.push_back(e);
  TraceEvent o;
  o.kind = EventKind::other;
  o.event_name = a.strings.intern("sched switch");
  a.events.push_back(o);
  const std::string text = to_native(a);
  EXPECT_EQ(text,
            "# allocsim-trace 1\n"
            "kmem_cache_free 0 -1 -1 0 Web%20Content%3D%25x call_site=f%09g name=%2D\n"
            "other 0 -1 -1 0 - event=sched%20switch\n");
  expect_same(a, parse_trace(text, Format::native, "n"));
}

TEST(TraceNative, BadLinesNameTheLine) {
  EXPECT_THROW(parse_trace("# allocsim-trace 1\nkmalloc 1 2 3\n", Format::native, "n.trace"),
               TraceError);
  try {
    parse_trace("# allocsim-trace 1\nkmalloc 1 0 1 1 a bogus=3\n", Format::native, "n.trace");
    FAIL();
  } catch (const TraceError& e) {
    EXPECT_EQ(std::string(e.what()), "n.trace:2: unknown field");
  }
}

}  // namespace
}  // namespace allocsim::workloads::trace
