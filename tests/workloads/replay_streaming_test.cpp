// The parts that keep a replay's memory bounded: the per-CPU backlog that
// spills to a file, the key table of live traced objects, and the trace read
// as a stream, which must give exactly the events parse_trace gives.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "workloads/replay/backlog.hpp"
#include "workloads/replay/key_table.hpp"
#include "workloads/trace/readers.hpp"
#include "workloads/trace/trace_stream.hpp"

namespace allocsim::workloads {
namespace {

TEST(ReplayBacklog, SpillsBeyondItsLimitAndKeepsTheOrder) {
  replaying::Backlog<std::uint64_t> b(64);
  std::uint64_t next_out = 0, most = 0;
  // Push 10,000, popping one for every three pushed: the backlog grows far
  // past its limit, and what comes out is what went in, in order.
  for (std::uint64_t i = 0; i < 10'000; ++i) {
    b.push(i);
    most = std::max<std::uint64_t>(most, b.in_memory());
    if (i % 3 == 0) {
      std::uint64_t v = 0;
      ASSERT_TRUE(b.pop(v));
      ASSERT_EQ(v, next_out++);
    }
  }
  std::uint64_t v = 0;
  while (b.pop(v)) ASSERT_EQ(v, next_out++);
  EXPECT_EQ(next_out, 10'000u);
  EXPECT_TRUE(b.empty());
  EXPECT_GT(b.spilled(), 5'000u);
  EXPECT_LE(most, 64u + 32u);  // the ring's limit and one chunk being written
}

TEST(ReplayKeyTable, PutTakeAndBackwardShiftKeepEveryKeyFindable) {
  replaying::KeyTable t(16);
  // Keys that collide (multiples of a large power of two share a home slot).
  for (std::uint32_t i = 0; i < 1000; ++i) EXPECT_EQ(t.put(std::uint64_t{i} << 40, i), t.kNone);
  EXPECT_EQ(t.put(std::uint64_t{7} << 40, 70), 7u);  // replaces, returns the old value
  for (std::uint32_t i = 0; i < 1000; i += 2)
    EXPECT_EQ(t.take(std::uint64_t{i} << 40), i == 7 ? 70 : i);
  EXPECT_EQ(t.size(), 500u);
  for (std::uint32_t i = 0; i < 1000; ++i)
    EXPECT_EQ(t.find(std::uint64_t{i} << 40), i % 2 ? (i == 7 ? 70u : i) : t.kNone) << i;
  EXPECT_EQ(t.take(12345), t.kNone);
}

TEST(TraceStream, GivesTheEventsAndStatisticsOfParseTrace) {
  const std::filesystem::path file =
      std::filesystem::path(ALLOCSIM_SOURCE_DIR) / "tests/data/recordings/ls-etc/trace.txt";
  const trace::Trace whole = trace::read_trace_file(file);
  trace::TraceStream stream(file, std::nullopt);
  trace::TraceEvent e;
  std::size_t n = 0;
  while (stream.next(e)) {
    ASSERT_LT(n, whole.events.size());
    const trace::TraceEvent& w = whole.events[n++];
    ASSERT_EQ(e.line, w.line);
    ASSERT_EQ(e.kind, w.kind);
    ASSERT_EQ(e.ts_ns, w.ts_ns);
    ASSERT_EQ(e.ptr, w.ptr);
    ASSERT_EQ(e.bytes_alloc, w.bytes_alloc);
    ASSERT_EQ(stream.trace().str(e.name), whole.str(w.name));
  }
  EXPECT_EQ(n, whole.events.size());
  EXPECT_EQ(stream.trace().stats.lines, whole.stats.lines);
  EXPECT_EQ(stream.trace().format, whole.format);
  EXPECT_DOUBLE_EQ(stream.fraction(), 1.0);
}

TEST(TraceStream, AMalformedLineNamesTheFileAndLine) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("allocsim-stream-" + std::to_string(::getpid()));
  {
    std::ofstream out(file);
    out << "kmalloc 1 0 0 1 x call_site=0x10 ptr=0x2000 bytes_req=8 bytes_alloc=8 "
           "gfp_flags=GFP_KERNEL node=-1\n"
           "kmalloc 2 0 0 2 x call_site=0x10 ptr=zz\n";
  }
  trace::TraceStream stream(file, trace::Format::native);
  trace::TraceEvent e;
  EXPECT_TRUE(stream.next(e));
  try {
    stream.next(e);
    ADD_FAILURE() << "no error";
  } catch (const trace::TraceError& err) {
    EXPECT_NE(std::string(err.what()).find(file.string() + ":2"), std::string::npos) << err.what();
  }
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace allocsim::workloads
