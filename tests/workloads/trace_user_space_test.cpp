// wee_alloc and CS:APP malloc lab .rep traces become kmalloc/kfree events
// with synthetic ids (index + 1) as ptr.
#include <gtest/gtest.h>

#include "trace_test_data.hpp"
#include "workloads/trace/readers.hpp"

namespace allocsim::workloads::trace {
namespace {

using testing::data;

TEST(TraceUserSpace, WeeAllocIndicesAreAllocationOrder) {
  const Trace t = read_trace_file(data("small.trace"));
  EXPECT_EQ(t.format, Format::wee_alloc);
  ASSERT_EQ(t.events.size(), 6u);
  // Alloc(552), Alloc(120), Free(0), Alloc(16), Free(2), Free(1)
  const EventKind A = EventKind::kmalloc, F = EventKind::kfree;
  const EventKind kinds[] = {A, A, F, A, F, F};
  const std::uint64_t ptrs[] = {1, 2, 1, 3, 3, 2};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(t.events[i].kind, kinds[i]);
    EXPECT_EQ(t.events[i].ptr, ptrs[i]);
    EXPECT_EQ(t.events[i].line, i + 1);
  }
  EXPECT_EQ(t.events[0].bytes_req, 552u);
  EXPECT_EQ(t.events[3].bytes_req, 16u);
  EXPECT_FALSE(t.events[0].has(Field::bytes_alloc));
}

TEST(TraceUserSpace, WeeAllocErrors) {
  try {
    parse_trace("Alloc(1),\nFree(1),\n", Format::wee_alloc, "w.trace");
    FAIL();
  } catch (const TraceError& e) {
    EXPECT_EQ(std::string(e.what()), "w.trace:2: Free(1) of an index not yet allocated");
  }
  ReadOptions opt;
  opt.skip_bad_lines = true;
  const Trace t = parse_trace("Alloc(1),\nMalloc(3),\nFree(0),\n", Format::wee_alloc, "w", opt);
  EXPECT_EQ(t.events.size(), 2u);
  EXPECT_EQ(t.stats.bad_lines, 1u);
  EXPECT_EQ(t.stats.messages.at(0), "w:2: expected Alloc(<bytes>), or Free(<index>),");
}

TEST(TraceUserSpace, MallocLabRep) {
  const Trace t = read_trace_file(data("small.rep"));
  EXPECT_EQ(t.format, Format::malloc_lab_rep);
  EXPECT_EQ(t.stats.header_lines, 4u);
  // a 0 512, a 1 128, r 0 640 (kfree + kmalloc), f 1, a 2 16, f 0
  ASSERT_EQ(t.events.size(), 7u);
  EXPECT_EQ(t.events[0].kind, EventKind::kmalloc);
  EXPECT_EQ(t.events[0].ptr, 1u);
  EXPECT_EQ(t.events[0].bytes_req, 512u);
  EXPECT_EQ(t.events[2].kind, EventKind::kfree);
  EXPECT_EQ(t.events[2].ptr, 1u);
  EXPECT_EQ(t.events[3].kind, EventKind::kmalloc);
  EXPECT_EQ(t.events[3].bytes_req, 640u);
  EXPECT_EQ(t.events[3].line, 7u);
  EXPECT_EQ(t.events[4].ptr, 2u);
  EXPECT_EQ(t.events[5].ptr, 3u);
  EXPECT_EQ(t.stats.count(EventKind::kmalloc), 4u);
  EXPECT_EQ(t.stats.count(EventKind::kfree), 3u);
  try {
    parse_trace("10\n2\n1\n1\na 2 8\n", Format::malloc_lab_rep, "x.rep");
    FAIL();
  } catch (const TraceError& e) {
    EXPECT_EQ(std::string(e.what()), "x.rep:5: id 2 >= the header's 2");
  }
  EXPECT_THROW(parse_trace("10\n2\n1\n1\nm 0 8\n", Format::malloc_lab_rep, "x.rep"), TraceError);
}

}  // namespace
}  // namespace allocsim::workloads::trace
