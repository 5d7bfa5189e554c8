// Counting a streamed trace: the lines of tests/data/traces/record-6.18.ftrace.txt.
#include "io/recording/trace_counts.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "recording_test_util.hpp"

namespace allocsim::io::recording {
namespace {

TEST(TraceCounts, CountsEventsStacksAndLostLines) {
  std::ifstream in(testing::source_path("tests/data/traces/record-6.18.ftrace.txt"));
  ASSERT_TRUE(in);
  TraceCounts c;
  std::string line;
  while (std::getline(in, line)) c.add_line(line);
  EXPECT_EQ(c.lines, 26u);
  EXPECT_EQ(c.events(), 16u);  // 15 events and a <stack trace>
  ASSERT_EQ(c.events_per_cpu.size(), 2u);
  EXPECT_EQ(c.events_per_cpu[0], 10u);
  EXPECT_EQ(c.events_per_cpu[1], 6u);
  EXPECT_EQ(c.stack_frames, 9u);
  EXPECT_EQ(c.lost_reported, 12u);
  EXPECT_EQ(c.other_lines, 0u);
  EXPECT_EQ(c.events_named("tracing_mark_write"), 2u);
  EXPECT_EQ(c.events_named("<stack trace>"), 1u);
  EXPECT_EQ(c.events_named("alloc_vmap_area"), 1u);
  EXPECT_EQ(c.events_named("kmalloc"), 1u);
  EXPECT_EQ(c.events_named("nothing"), 0u);
  EXPECT_EQ(c.per_event.front().first, "tracing_mark_write");  // order of first appearance
  EXPECT_EQ(c.first_ts_ns, 3528'457'288'000u);
  EXPECT_EQ(c.last_ts_ns, 3528'990'001'000u);
}

TEST(TraceCounts, OtherLines) {
  TraceCounts c;
  c.add_line("");
  c.add_line("CPU:0 [LOST x EVENTS]");
  c.add_line("no timestamp here");
  EXPECT_EQ(c.other_lines, 3u);
  EXPECT_EQ(c.events(), 0u);
  EXPECT_EQ(c.lost_reported, 0u);
}

}  // namespace
}  // namespace allocsim::io::recording
