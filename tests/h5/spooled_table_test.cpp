// Spooled tables (io/h5/spooled_table.hpp): rows kept in a temporary file and
// written as write_table writes the same rows held in memory, to the byte.
#include "io/h5/spooled_table.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "io/h5/file.hpp"
#include "scratch_dir.hpp"

namespace allocsim::h5 {
namespace {

namespace fs = std::filesystem;
using Type = Column::Type;

class SpooledTableTest : public testing::ScratchDir {};

// $TMPDIR set to `dir` while it lives (the spool's directory).
class ScopedTmpdir {
 public:
  explicit ScopedTmpdir(const fs::path& dir) {
    if (const char* was = ::getenv("TMPDIR")) was_ = was;
    ::setenv("TMPDIR", dir.c_str(), 1);
  }
  ~ScopedTmpdir() {
    if (was_)
      ::setenv("TMPDIR", was_->c_str(), 1);
    else
      ::unsetenv("TMPDIR");
  }

 private:
  std::optional<std::string> was_;
};

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `n` rows of a sample-like table into both kinds: times, a signed and a
// floating value, and a string whose longest value comes last.
void fill(std::size_t n, Table& t, SpooledTable& s) {
  t.add("cycles", Type::u64, "cycles");
  s.add("cycles", Type::u64, "cycles");
  t.add("count", Type::i64, "pages");
  s.add("count", Type::i64, "pages");
  t.add("time_ns", Type::f64, "ns");
  s.add("time_ns", Type::f64, "ns");
  t.add("zone", Type::str, "");
  s.add("zone", Type::str, "");
  const char* zones[] = {"DMA", "", "Normal", "DMA32"};
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint64_t cycles = r * 1000 + (r % 3);
    const std::int64_t count = static_cast<std::int64_t>(r % 17) - 8;
    const double ns = static_cast<double>(r) / 3.0;
    const std::string zone = r + 1 == n && n > 1 ? "HighMem-longest" : zones[r % 4];
    t.push(0, cycles);
    t.push_i(1, count);
    t.push_f(2, ns);
    t.push_s(3, zone);
    s.set(0, cycles);
    s.set(1, count);
    s.set(2, ns);
    s.set(3, std::string_view(zone));
    s.end_row();
  }
}

// Row counts around the chunk (4096 rows here) and the spool's block (32768
// rows of four 8-byte cells): empty, one row, a short table, exactly one
// chunk, and rows spilled to the file in several blocks with a partial chunk
// and a partial block at the end.
class SpooledTableRows : public SpooledTableTest,
                         public ::testing::WithParamInterface<std::size_t> {};

TEST_P(SpooledTableRows, WritesTheBytesWriteTableWrites) {
  const std::size_t n = GetParam();
  Table t;
  SpooledTable s("test/spooled");
  fill(n, t, s);
  EXPECT_EQ(s.rows(), n);
  {
    File f = File::create(path("memory.h5"));
    write_table(f.id(), "runs/a/timeseries/pcp", t);
    f.close();
  }
  {
    File f = File::create(path("spooled.h5"));
    s.write(f.id(), "runs/a/timeseries/pcp");
    f.close();
  }
  const std::string memory = bytes_of(path("memory.h5")), spooled = bytes_of(path("spooled.h5"));
  ASSERT_GT(memory.size(), 800u);  // a file with the dataset in it
  EXPECT_TRUE(memory == spooled) << "the files differ (" << memory.size() << " and "
                                 << spooled.size() << " bytes)";

  const Table loaded = s.load();
  ASSERT_EQ(loaded.rows(), n);
  ASSERT_EQ(loaded.columns().size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    const Column& a = t.columns()[i];
    const Column& b = loaded.columns()[i];
    EXPECT_EQ(b.name, a.name);
    EXPECT_EQ(b.type, a.type);
    EXPECT_EQ(b.unit, a.unit);
    EXPECT_EQ(b.u, a.u);
    EXPECT_EQ(b.i, a.i);
    EXPECT_EQ(b.f, a.f);
    EXPECT_EQ(b.s, a.s);
  }
}

INSTANTIATE_TEST_SUITE_P(Counts, SpooledTableRows, ::testing::Values(0, 1, 100, 4096, 100000));

// The rows wait in an unlinked file: the temporary directory stays empty,
// even while the table is alive (a killed run leaves nothing behind).
TEST_F(SpooledTableTest, TemporaryFileIsNeverVisible) {
  const ScopedTmpdir tmpdir(dir_);
  {
    Table t;
    SpooledTable s("test/spooled");
    fill(70000, t, s);  // two blocks spilled
    EXPECT_TRUE(fs::is_empty(dir_));
    EXPECT_EQ(s.load().rows(), 70000u);
  }
  EXPECT_TRUE(fs::is_empty(dir_));
}

// Rows that cannot be spooled are an error naming the table, not lost rows.
TEST_F(SpooledTableTest, NoTemporaryDirectoryIsAnErrorNamingTheTable) {
  const ScopedTmpdir tmpdir(dir_ / "missing");
  std::string what;
  try {
    Table t;
    SpooledTable s("timeseries/pcp");
    fill(70000, t, s);
  } catch (const H5Error& e) {
    what = e.what();
  }
  EXPECT_EQ(what,
            "timeseries/pcp: no temporary directory to spool rows to ($TMPDIR): No such file or "
            "directory");
}

TEST_F(SpooledTableTest, MisuseIsALogicError) {
  SpooledTable s("timeseries/x");
  s.add("a", Type::u64, "");
  s.add("b", Type::str, "");
  EXPECT_THROW(s.add("a", Type::f64, ""), std::logic_error);        // declared twice
  EXPECT_THROW(s.set(1, std::string_view("x")), std::logic_error);  // out of order
  EXPECT_THROW(s.set(0, 1.5), std::logic_error);                    // another type
  s.set(0, std::uint64_t{1});
  EXPECT_THROW(s.end_row(), std::logic_error);  // "b" not set
  try {
    s.load();
    FAIL() << "a row left incomplete was loaded";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "timeseries/x: loaded with a row left incomplete");
  }
  s.set(1, std::string_view("x"));
  s.end_row();
  EXPECT_THROW(s.add("c", Type::u64, ""), std::logic_error);  // after rows
  EXPECT_EQ(s.load().columns()[1].s, std::vector<std::string>{"x"});
}

}  // namespace
}  // namespace allocsim::h5
