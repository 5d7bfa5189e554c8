// Tables written as they grow (io/h5/table_append.hpp), whose whole chunks are
// filtered on a worker thread (io/h5/chunk_filter.hpp) and stored with
// H5Dwrite_chunk: the rows read back as written, and each stored chunk holds
// the bytes HDF5's own shuffle and deflate pipeline stores for the same rows.
#include "io/h5/table_append.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "io/h5/chunk_filter.hpp"
#include "io/h5/detail.hpp"
#include "io/h5/file.hpp"
#include "scratch_dir.hpp"

namespace allocsim::h5 {
namespace {

using Type = Column::Type;

class TableAppendTest : public testing::ScratchDir {};

const std::vector<TableAppender::ColumnSpec> kColumns = {
    {"line", Type::u64, "", 0},
    {"delta", Type::i64, "ns", 0},
    {"event", Type::str, "", 12},
};

std::string event(std::size_t r) {
  return r % 3 ? "kmalloc" : "kmem_cache_free";
}  // cut to 12

// `n` rows appended, with a flush after row `flush_at` (none when n).
void append(TableAppender& t, std::size_t n, std::size_t flush_at) {
  for (std::size_t r = 0; r < n; ++r) {
    t.set(0, std::uint64_t{r * 7});
    t.set(1, static_cast<std::int64_t>(r % 5) - 2);
    t.set(2, std::string_view(event(r)));
    t.end_row();
    if (r + 1 == flush_at) t.flush();
  }
  t.flush();
}

void expect_rows(const Table& t, std::size_t n) {
  ASSERT_EQ(t.rows(), n);
  for (std::size_t r = 0; r < n; ++r) {
    ASSERT_EQ(t.columns()[0].u[r], r * 7) << "row " << r;
    ASSERT_EQ(t.columns()[1].i[r], static_cast<std::int64_t>(r % 5) - 2) << "row " << r;
    ASSERT_EQ(t.columns()[2].s[r], event(r).substr(0, 12)) << "row " << r;
  }
}

// The stored (filtered) bytes of the chunk at row `first`.
std::vector<unsigned char> stored_chunk(hid_t dset, hsize_t first) {
  const hsize_t offset[1] = {first};
  hsize_t size = 0;
  EXPECT_GE(H5Dget_chunk_storage_size(dset, offset, &size), 0);
  std::vector<unsigned char> bytes(size);
  std::uint32_t mask = 0;
  EXPECT_GE(H5Dread_chunk(dset, H5P_DEFAULT, offset, &mask, bytes.data()), 0);
  EXPECT_EQ(mask, 0u);  // every filter applied
  return bytes;
}

class TableAppendRows : public TableAppendTest,
                        public ::testing::WithParamInterface<std::pair<std::size_t, std::size_t>> {
};

// Chunks are 4096 rows: none, part of one, exactly one, several with a part
// at the end, and a flush in the middle of a chunk (the rest then goes
// through H5Dwrite).
TEST_P(TableAppendRows, RowsReadBackAsAppended) {
  const auto [n, flush_at] = GetParam();
  {
    File f = File::create(path("t.h5"));
    TableAppender t(f.id(), "tables/replay", kColumns);
    append(t, n, flush_at);
    EXPECT_EQ(t.rows(), n);
    f.close();
  }
  File f = File::open(path("t.h5"), false);
  expect_rows(read_table(f.id(), "tables/replay"), n);
}

INSTANTIATE_TEST_SUITE_P(Counts, TableAppendRows,
                         ::testing::Values(std::pair<std::size_t, std::size_t>{0, 0},
                                           std::pair<std::size_t, std::size_t>{1, 1},
                                           std::pair<std::size_t, std::size_t>{4096, 4096},
                                           std::pair<std::size_t, std::size_t>{10000, 10000},
                                           std::pair<std::size_t, std::size_t>{10000, 5000}));

// A whole chunk filtered by the worker thread is stored byte for byte as
// HDF5's pipeline stores the same rows given to H5Dwrite (after a flush in
// the middle of the first chunk, every later chunk goes through H5Dwrite).
TEST_F(TableAppendTest, ChunksHoldTheBytesHdf5sFiltersStore) {
  {
    File f = File::create(path("t.h5"));
    TableAppender direct(f.id(), "direct", kColumns);
    append(direct, 3 * 4096, 3 * 4096);
    TableAppender through_h5(f.id(), "through_hdf5", kColumns);
    append(through_h5, 3 * 4096, 1);
    f.close();
  }
  File f = File::open(path("t.h5"), false);
  const detail::At at{f.id(), "t.h5"};
  Handle a = at.own(H5Dopen2(f.id(), "direct", H5P_DEFAULT), "open");
  Handle b = at.own(H5Dopen2(f.id(), "through_hdf5", H5P_DEFAULT), "open");
  for (hsize_t first = 0; first < 3 * 4096; first += 4096) {
    const std::vector<unsigned char> x = stored_chunk(a.id(), first),
                                     y = stored_chunk(b.id(), first);
    ASSERT_GT(x.size(), 0u);
    EXPECT_TRUE(x == y) << "chunk at row " << first << ": " << x.size() << " and " << y.size()
                        << " bytes";
  }
}

// H5Z_filter_shuffle's order: byte k of every element, then the bytes after
// the last whole element as they were.
TEST(ChunkFilter, ShuffleGroupsEachByteOfTheElements) {
  const std::vector<unsigned char> in = {1, 2, 3, 11, 12, 13, 21, 22};  // 2 elements of 3, then 2
  std::vector<unsigned char> out(in.size());
  shuffle_bytes(in.data(), in.size(), 3, out.data());
  EXPECT_EQ(out, (std::vector<unsigned char>{1, 11, 2, 12, 3, 13, 21, 22}));
  shuffle_bytes(in.data(), in.size(), 1, out.data());
  EXPECT_EQ(out, in);
}

// The 8x8 blocks and the bytes and elements left over agree with the
// definition, for element sizes and counts on and off multiples of 8.
TEST(ChunkFilter, ShuffleMatchesItsDefinitionForAnySize) {
  for (const std::size_t size : {2u, 7u, 8u, 9u, 28u, 249u})
    for (const std::size_t elements : {0u, 1u, 8u, 13u, 4096u})
      for (const std::size_t tail : {0u, 1u}) {
        const std::size_t n = elements * size + (size > tail ? tail : 0);
        std::vector<unsigned char> in(n), out(n), want(n);
        for (std::size_t b = 0; b < n; ++b) in[b] = static_cast<unsigned char>(b * 131 + b / 7);
        for (std::size_t k = 0; k < size; ++k)
          for (std::size_t i = 0; i < elements; ++i) want[k * elements + i] = in[i * size + k];
        for (std::size_t b = elements * size; b < n; ++b) want[b] = in[b];
        shuffle_bytes(in.data(), n, size, out.data());
        ASSERT_EQ(out, want) << size << "-byte elements, " << elements << " of them, tail " << tail;
      }
}

}  // namespace
}  // namespace allocsim::h5
