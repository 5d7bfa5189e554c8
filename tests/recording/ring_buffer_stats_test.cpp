// per_cpu/cpu<N>/stats of a tracefs instance, as a 6.18 kernel prints it.
#include "io/recording/ring_buffer_stats.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace allocsim::io::recording {
namespace {

TEST(RingBufferStats, ParsesEveryField) {
  const CpuBufferStats s = parse_cpu_buffer_stats(
      "entries: 194420\noverrun: 3\ncommit overrun: 1\nbytes: 7485960\n"
      "oldest event ts:  2569.461087\nnow ts:  2574.897524\ndropped events: 701146\n"
      "read events: 261786\n",
      "stats");
  EXPECT_EQ(s.entries, 194420u);
  EXPECT_EQ(s.overrun, 3u);
  EXPECT_EQ(s.commit_overrun, 1u);
  EXPECT_EQ(s.bytes, 7485960u);
  EXPECT_EQ(s.oldest_event_ts, "2569.461087");
  EXPECT_EQ(s.now_ts, "2574.897524");
  EXPECT_EQ(s.dropped_events, 701146u);
  EXPECT_EQ(s.read_events, 261786u);
  EXPECT_EQ(s.lost(), 3u + 1u + 701146u);
}

TEST(RingBufferStats, OlderKernelsAndUnknownFields) {
  // Before dropped/read events were printed (3.x); a field of a newer kernel is ignored.
  const CpuBufferStats s =
      parse_cpu_buffer_stats("entries: 5\noverrun: 0\ncommit overrun: 0\nnew field: x\n", "s");
  EXPECT_EQ(s.entries, 5u);
  EXPECT_EQ(s.lost(), 0u);
  EXPECT_EQ(s.read_events, 0u);
}

TEST(RingBufferStats, ABadNumberNamesTheFileAndLine) {
  try {
    parse_cpu_buffer_stats("entries: 1\noverrun: 1x\n", "cpu0/stats");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "cpu0/stats:2: 'overrun' is not a number: '1x'");
  }
}

}  // namespace
}  // namespace allocsim::io::recording
